"""The `jobclass` command line: options in, one library call, rendered output."""

from __future__ import annotations

import functools
import json
import logging
import sys
from pathlib import Path

import click

from jobclass import classifier
from jobclass.errors import JobclassError
from jobclass.persist import manifest_path
from jobclass.render import cross_validation_text, metrics_text, prediction_text
from jobclass.text import decode_posting, posting_from_text, read_posting


def reported(command):
    """Turn library errors into one line on stderr and exit code 1."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except JobclassError as err:
            raise click.ClickException(str(err)) from None

    return wrapper


def shown(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def resolve_model(model_path: Path | None) -> classifier.Classifier:
    """Load the given model, or the default one, training it first (and saying so) when missing or stale."""
    if model_path is None:
        model_path = classifier.ensure_default_model(notify=lambda message: click.echo(message, err=True))
    return classifier.load_model(model_path)


model_option = click.option(
    "--model",
    "model_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Model file (default: models/jobclass.joblib, trained on first use).",
)


@click.group()
@click.version_option(package_name="jobclass")
@click.option("-v", "--verbose", is_flag=True, help="Log what jobclass is doing to stderr.")
def cli(verbose: bool) -> None:
    """Classify ML/data job postings into ml_engineer, data_scientist, ml_scientist or ai_scientist."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(message)s"
    )


@cli.command()
@click.option(
    "--data",
    type=click.Path(dir_okay=False, path_type=Path),
    default=classifier.DEFAULT_DATA,
    show_default="data/labeled_postings.csv",
    help="Labeled CSV with title,description,label columns.",
)
@click.option(
    "--model",
    "model_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=classifier.DEFAULT_MODEL,
    show_default="models/jobclass.joblib",
    help="Where to save the model (its manifest goes beside it as .json).",
)
@reported
def train(data: Path, model_path: Path) -> None:
    """Train the classifier, print 5-fold cross-validation figures, and save the model.

    Example:

        jobclass train --data data/labeled_postings.csv --model models/jobclass.joblib
    """
    result = classifier.train(data, model_path)
    click.echo(f"trained on {result.rows} postings from {shown(data)}")
    click.echo(cross_validation_text(result.cv))
    click.echo(f"\nsaved {shown(result.model_path)} (manifest {manifest_path(result.model_path).name})")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, allow_dash=True))
@click.option("--title", default=None, help="The posting's title (overrides a `Title:` first line).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per posting (JSON Lines).")
@model_option
@reported
def predict(paths: tuple[Path, ...], title: str | None, as_json: bool, model_path: Path | None) -> None:
    """Classify each posting file (or `-` for stdin) and explain the label.

    A file's first line may be `Title: ...`; --title overrides it.

    Example:

        jobclass predict examples/ml_engineer.txt --json
    """
    postings = [
        posting_from_text(decode_posting(sys.stdin.buffer.read(), "<stdin>"), "<stdin>", title)
        if str(path) == "-"
        else read_posting(path, title)
        for path in paths
    ]
    model = resolve_model(model_path)
    for number, prediction in enumerate(model.predict_many(postings)):
        if as_json:
            click.echo(json.dumps(prediction.to_dict()))
        else:
            click.echo(("\n" if number else "") + prediction_text(prediction))


@cli.command()
@click.option(
    "--data",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Labeled CSV with title,description,label columns.",
)
@click.option("--no-title", is_flag=True, help="Hide the titles: classify on the posting text alone.")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as one JSON object.")
@model_option
@reported
def evaluate(data: Path, no_title: bool, as_json: bool, model_path: Path | None) -> None:
    """Score the model on a labeled CSV: per-class precision/recall/F1, macro-F1, confusion matrix.

    Example:

        jobclass evaluate --data ../shared/realworld/dev.csv --no-title
    """
    metrics = resolve_model(model_path).evaluate(data, use_title=not no_title)
    if as_json:
        click.echo(json.dumps(metrics.to_dict()))
    else:
        click.echo(f"{data} ({'content only' if no_title else 'with titles'})")
        click.echo(metrics_text(metrics))


def main() -> None:
    cli(prog_name="jobclass")
