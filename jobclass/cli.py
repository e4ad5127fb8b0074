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
from jobclass.extraction import extract_skills
from jobclass.persist import manifest_path
from jobclass.render import cross_validation_text, metrics_text, prediction_text, skills_lines, skills_text
from jobclass.taxonomy import load_taxonomy
from jobclass.text import Posting, decode_posting, posting_from_text, read_posting


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


taxonomy_option = click.option(
    "--taxonomy",
    "taxonomy_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Skills taxonomy JSONL (default: the bundled one).",
)
paths_argument = click.argument(
    "paths", nargs=-1, required=True, type=click.Path(path_type=Path, allow_dash=True)
)


def read_postings(paths: tuple[Path, ...], title: str | None) -> list[Posting]:
    """Each path is one posting; `-` reads one from stdin."""
    return [
        posting_from_text(decode_posting(sys.stdin.buffer.read(), "<stdin>"), "<stdin>", title)
        if str(path) == "-"
        else read_posting(path, title)
        for path in paths
    ]


def echo_records(records, as_json: bool, render) -> None:
    """One JSON object per record (JSON Lines), or text blocks separated by blank lines."""
    for number, record in enumerate(records):
        if as_json:
            click.echo(json.dumps(record.to_dict() if hasattr(record, "to_dict") else record))
        else:
            click.echo(("\n" if number else "") + render(record))


@cli.command()
@paths_argument
@click.option("--title", default=None, help="The posting's title (overrides a `Title:` first line).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per posting (JSON Lines).")
@model_option
@taxonomy_option
@reported
def predict(
    paths: tuple[Path, ...],
    title: str | None,
    as_json: bool,
    model_path: Path | None,
    taxonomy_path: Path | None,
) -> None:
    """Classify each posting file (or `-` for stdin), explain the label, and list what it asks for.

    A file's first line may be `Title: ...`; --title overrides it.

    Example:

        jobclass predict examples/ml_engineer.txt --json
    """
    postings = read_postings(paths, title)
    taxonomy = str(taxonomy_path) if taxonomy_path else None
    load_taxonomy(taxonomy)  # a bad taxonomy fails before the model is trained or loaded
    model = resolve_model(model_path)
    results = [
        (prediction, extract_skills(posting.text, taxonomy))
        for prediction, posting in zip(model.predict_many(postings), postings, strict=True)
    ]
    echo_records(
        [prediction.to_dict() | report.to_dict() for prediction, report in results] if as_json else results,
        as_json,
        lambda pair: "\n".join([prediction_text(pair[0]), *skills_lines(pair[1])]),
    )


@cli.command()
@paths_argument
@click.option("--json", "as_json", is_flag=True, help="One JSON object per posting (JSON Lines).")
@taxonomy_option
@reported
def skills(paths: tuple[Path, ...], as_json: bool, taxonomy_path: Path | None) -> None:
    """List the skills and tools each posting asks for (required, preferred, mentioned), degree and years.

    Example:

        jobclass skills examples/data_scientist.txt
    """
    postings = read_postings(paths, None)
    taxonomy = str(taxonomy_path) if taxonomy_path else None
    reports = [(posting.source, extract_skills(posting.text, taxonomy)) for posting in postings]
    echo_records(
        [{"source": source} | report.to_dict() for source, report in reports] if as_json else reports,
        as_json,
        lambda pair: skills_text(pair[1], pair[0]),
    )


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
