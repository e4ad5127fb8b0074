"""The `jobclass` command line: options in, one library call, rendered output."""

from __future__ import annotations

import functools
import json
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from jobclass.batch.settings import CHUNK_ROWS, DEFAULT_MAX_CHARS, FIELDS
from jobclass.errors import JobclassError
from jobclass.home import calibration_path, corpus_path
from jobclass.labels import LABELS
from jobclass.text import MAX_READ_CHARS, Posting, decode_posting, posting_from_text, read_posting

if TYPE_CHECKING:
    from jobclass.analysis import Analysis
    from jobclass.batch.runner import Progress
    from jobclass.classifier import Classifier

# Each command imports what it needs when it runs: `jobclass --help` must not wait for scikit-learn,
# pandas or spaCy.


def reported(command):
    """Turn library errors, and the system's (a full disk, a vanished folder), into one line on stderr and
    exit code 1."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except JobclassError as err:
            raise click.ClickException(str(err)) from None
        except OSError as err:
            where = f"{err.filename}: " if err.filename else ""
            raise click.ClickException(f"{where}{err.strerror or err}") from None

    return wrapper


def shown(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def default_model() -> Path:
    """The default model's path, trained first (and saying so) when missing or stale."""
    from jobclass.classifier import ensure_default_model

    return ensure_default_model(notify=lambda message: click.echo(message, err=True))


def resolve_model(model_path: Path | None) -> Classifier:
    """Load the given model, or the default one, training it first (and saying so) when missing or stale."""
    from jobclass import classifier

    if model_path is None:
        model_path = default_model()
    return classifier.load_model(model_path)


model_option = click.option(
    "--model",
    "model_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Model file (default: the default model, trained on first use: models/jobclass.joblib in a "
    "checkout, else in the user's cache folder; JOBCLASS_HOME names its folder).",
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
    default=corpus_path(),
    show_default="the bundled corpus, data/labeled_postings.csv",
    help="Labeled CSV with title,description,label columns.",
)
@click.option(
    "--model",
    "model_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to save the model (its manifest goes beside it as .json; default: the default model, "
    "models/jobclass.joblib in a checkout).",
)
@click.option(
    "--profile-features/--no-profile-features",
    default=False,
    show_default=True,
    help="Add the four role-profile fit scores of the text to the TF-IDF features.",
)
@click.option(
    "--calibration-data",
    type=click.Path(dir_okay=False, path_type=Path),
    default=calibration_path(),
    show_default="data/calibration_postings.csv",
    help="Labeled CSV, never trained on, that the probabilities, review band and out-of-scope flag are "
    "calibrated on.",
)
@click.option(
    "--no-calibration",
    is_flag=True,
    help="Leave the probabilities uncalibrated (no review band, no scope flag).",
)
@click.option("--no-cv", is_flag=True, help="Skip the 5-fold cross-validation (about 6x faster).")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=os.cpu_count() or 1,
    show_default="all cores",
    help="Processes for the CV and final fits.",
)
@reported
def train(
    data: Path,
    model_path: Path | None,
    profile_features: bool,
    calibration_data: Path,
    no_calibration: bool,
    no_cv: bool,
    jobs: int,
) -> None:
    """Train the classifier, print 5-fold cross-validation figures (grouped by writing slice), calibrate
    it on postings it never saw, and save the model.

    Example:

        jobclass train --data data/labeled_postings.csv --model models/jobclass.joblib
    """
    from dataclasses import replace

    from jobclass import classifier
    from jobclass.calibration import Calibration
    from jobclass.model import DEFAULT_CONFIG
    from jobclass.persist import manifest_path
    from jobclass.render import calibration_text, cross_validation_text

    config = replace(DEFAULT_CONFIG, profile_features=profile_features)
    result = classifier.train(
        data,
        model_path,
        config=config,
        cross_validation=not no_cv,
        jobs=jobs,
        calibration_data=None if no_calibration else calibration_data,
    )
    for warning in result.warnings:
        click.echo(f"warning: {shown(data)}: {warning}", err=True)
    click.echo(f"trained on {result.rows} postings from {shown(data)} ({config.describe()})")
    if result.cv:
        click.echo(cross_validation_text(result.cv))
    else:
        click.echo("cross-validation skipped (--no-cv)")
    if result.manifest["calibration"]:
        where = shown(calibration_data)
        click.echo(f"\n{calibration_text(Calibration.from_dict(result.manifest['calibration']), where)}")
    else:
        click.echo("calibration skipped (--no-calibration): probabilities uncalibrated, no review band")
    click.echo(f"\nsaved {shown(result.model_path)} (manifest {manifest_path(result.model_path).name})")


def rule_file_option(flag: str, what: str):
    return click.option(
        flag,
        f"{flag.lstrip('-')}_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help=f"{what} (default: the bundled one).",
    )


taxonomy_option = rule_file_option("--taxonomy", "Skills taxonomy JSONL")
profiles_option = rule_file_option("--profiles", "Role profiles TOML")
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


title_option = click.option(
    "--title", default=None, help="The posting's title (overrides a `Title:` first line)."
)


json_option = click.option(
    "--json", "as_json", is_flag=True, help="One JSON object per posting (JSON Lines)."
)


def analysis_options(command):
    """The error wrapper and the arguments and options shared by `predict` and `check`."""
    command = reported(command)
    for option in reversed(
        (paths_argument, title_option, json_option, model_option, taxonomy_option, profiles_option)
    ):
        command = option(command)
    return command


def analysed(
    paths: tuple[Path, ...],
    title: str | None,
    model_path: Path | None,
    taxonomy_path: Path | None,
    profiles_path: Path | None,
) -> tuple[list[Posting], list[Analysis]]:
    """Read the postings, check the rule files, load the model, and analyse every posting; returns the
    postings and their analyses."""
    from jobclass.analysis import analyse
    from jobclass.profiles import load_profiles

    postings = read_postings(paths, title)
    taxonomy = str(taxonomy_path) if taxonomy_path else None
    profiles = str(profiles_path) if profiles_path else None
    load_profiles(profiles, taxonomy)  # bad rule files fail before the model is trained or loaded
    return postings, analyse(postings, resolve_model(model_path), taxonomy, profiles)


def write_report(output: Path, posting: Posting, analysis: Analysis) -> None:
    from jobclass.report import report_html, write_html

    write_html(output, report_html(posting.text, analysis))
    click.echo(f"report written to {shown(output)}", err=True)


html_option = click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the posting's HTML evidence report here (one posting only).",
)


@cli.command()
@analysis_options
@html_option
def predict(
    paths: tuple[Path, ...],
    title: str | None,
    as_json: bool,
    model_path: Path | None,
    taxonomy_path: Path | None,
    profiles_path: Path | None,
    html_path: Path | None,
) -> None:
    """Classify each posting file (or `-` for stdin), explain the label, list what it asks for, and say
    how the role is framed.

    A file's first line may be `Title: ...`; --title overrides it.

    Example:

        jobclass predict examples/ml_engineer.txt --json
    """
    if html_path and len(paths) != 1:
        raise JobclassError(
            "--html writes the report of one posting: give one PATH (or use `batch --html-dir`)"
        )
    from jobclass.render import analysis_text

    postings, analyses = analysed(paths, title, model_path, taxonomy_path, profiles_path)
    echo_records(analyses, as_json, analysis_text)
    if html_path:
        write_report(html_path, postings[0], analyses[0])


@cli.command()
@analysis_options
def check(
    paths: tuple[Path, ...],
    title: str | None,
    as_json: bool,
    model_path: Path | None,
    taxonomy_path: Path | None,
    profiles_path: Path | None,
) -> None:
    """Check how each posting frames its role: the title's role, the content-only prediction and the
    fit of the four role profiles, combined into consistent / leans ROLE / mismatch, with the evidence
    and what the role usually asks for that the posting does not.

    Example:

        jobclass check examples/ml_scientist.txt --title "Data Scientist"
    """
    from jobclass.render import check_text

    _, analyses = analysed(paths, title, model_path, taxonomy_path, profiles_path)
    echo_records([a.framing_dict() for a in analyses] if as_json else analyses, as_json, check_text)


@cli.command()
@click.argument("path", type=click.Path(path_type=Path, allow_dash=True))
@title_option
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The HTML file to write (self-contained: inline CSS, no scripts, no network).",
)
@model_option
@taxonomy_option
@profiles_option
@reported
def report(
    path: Path,
    title: str | None,
    output: Path,
    model_path: Path | None,
    taxonomy_path: Path | None,
    profiles_path: Path | None,
) -> None:
    """Write the HTML evidence report of one posting (a file, or - for stdin): the text with its skills
    highlighted by category and need, the sections, the role probabilities, the profile fits with their
    evidence and gaps, the framing verdict, the terms for and against, degree and years.

    Example:

        jobclass report examples/ml_scientist.txt -o report.html
    """
    postings, analyses = analysed((path,), title, model_path, taxonomy_path, profiles_path)
    write_report(output, postings[0], analyses[0])


@cli.command()
@click.argument("role", required=False, type=click.Choice(LABELS))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per profile (JSON Lines).")
@taxonomy_option
@profiles_option
@reported
def profiles(role: str | None, as_json: bool, taxonomy_path: Path | None, profiles_path: Path | None) -> None:
    """Show the role profiles (or one ROLE's): focus, title rules and weighted evidence groups.

    Example:

        jobclass profiles ai_scientist
    """
    from jobclass.profiles import load_profiles
    from jobclass.render import profile_text

    loaded = load_profiles(
        str(profiles_path) if profiles_path else None, str(taxonomy_path) if taxonomy_path else None
    )
    shown_profiles = [profile for profile in loaded if role in (None, profile.role)]
    echo_records(shown_profiles, as_json, profile_text)


@cli.command()
@paths_argument
@json_option
@taxonomy_option
@reported
def skills(paths: tuple[Path, ...], as_json: bool, taxonomy_path: Path | None) -> None:
    """List the skills and tools each posting asks for (required, preferred, mentioned), degree and years.

    Example:

        jobclass skills examples/data_scientist.txt
    """
    from jobclass.reader import extract_skills
    from jobclass.render import skills_text

    postings = read_postings(paths, None)
    taxonomy = str(taxonomy_path) if taxonomy_path else None
    reports = [(posting.source, extract_skills(posting.text, taxonomy)) for posting in postings]
    echo_records(
        [{"source": source} | report.to_dict() for source, report in reports] if as_json else reports,
        as_json,
        lambda pair: skills_text(pair[1], pair[0]),
    )


def progress_printer(enabled: bool):
    """A progress callback writing one updating line to stderr, or None when disabled."""
    if not enabled:
        return None

    def show(progress: Progress) -> None:
        line = f"{progress.done:,} rows  {progress.rate:,.0f} rows/s"
        if progress.total:
            remaining = (progress.total - progress.done) / progress.rate if progress.rate else 0
            minutes, seconds = divmod(int(remaining), 60)
            line += f"  {progress.done / progress.total:.0%}  ETA {minutes}:{seconds:02d}"
        click.echo(f"\r{line}   ", err=True, nl=False)

    return show


@cli.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path, allow_dash=True))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, allow_dash=True),
    help="Labeled file: .csv, .jsonl or .parquet by extension; - for JSONL on stdout.",
)
@click.option(
    "--text-col", default=None, help="Column with the posting text (default: description, text, body)."
)
@click.option("--title-col", default=None, help="Column with the title (default: title, if present).")
@click.option(
    "--id-col", default=None, help="Column with the id (default: id, if present, else the row number)."
)
@click.option(
    "--fields", default=None, help=f"Comma-separated output fields (default: all: {', '.join(FIELDS)})."
)
@click.option(
    "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: all cores)."
)
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    default=CHUNK_ROWS,
    show_default=True,
    help="Rows per chunk: the unit of work of a process and of the checkpoint (local engine).",
)
@click.option(
    "--errors",
    "errors_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Where unlabelable rows go (default: OUTPUT.errors.jsonl).",
)
@click.option(
    "--max-chars",
    type=click.IntRange(min=1, max=MAX_READ_CHARS),
    default=DEFAULT_MAX_CHARS,
    show_default=True,
    help="Longer texts are not labeled; they go to the errors file.",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="local: worker processes on this machine; dask: a Dask cluster (CSV/Parquet input).",
)
@click.option(
    "--scheduler", default=None, help="Dask scheduler address (default: a local cluster of --jobs workers)."
)
@click.option("-q", "--quiet", is_flag=True, help="No progress line.")
@click.option(
    "--keep-formulas",
    is_flag=True,
    help="Write CSV cells starting with = + - @ as they are (by default they get a leading ' so "
    "spreadsheets show them as text instead of running them).",
)
@click.option(
    "--html-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write an HTML report per posting and an index.html into this folder (local engine).",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Continue an interrupted run from its checkpoint (OUTPUT.checkpoint), after its last finished "
    "chunk; the input and options must be the same.",
)
@model_option
@reported
def batch(
    input_path: Path,
    output: Path,
    text_col: str | None,
    title_col: str | None,
    id_col: str | None,
    fields: str | None,
    jobs: int | None,
    chunk_size: int,
    errors_path: Path | None,
    max_chars: int,
    engine: str,
    scheduler: str | None,
    quiet: bool,
    keep_formulas: bool,
    html_dir: Path | None,
    resume: bool,
    model_path: Path | None,
) -> None:
    """Label a file of postings: CSV, JSONL, Parquet, a directory of .txt files, or - (JSONL on stdin).

    Writes one row per posting (id, label, probabilities, confidence, skills, degree, years, profile fits,
    framing) and the rows it could not label, with their row number and reason, to OUTPUT.errors.jsonl.
    Both files appear only when complete, never over the input. labeled + errors = read. Finished chunks
    are kept in OUTPUT.checkpoint until then: after a crash, the same command with --resume goes on.

    Example:

        jobclass batch postings.csv -o labeled.parquet --text-col body --jobs 2
    """
    from jobclass.batch.checkpoint import checkpoint_path
    from jobclass.batch.readers import BatchInput, Columns
    from jobclass.batch.runner import run_batch
    from jobclass.batch.settings import parse_fields
    from jobclass.batch.targets import check_batch_targets

    columns = Columns(text_col, title_col, id_col)
    chosen = parse_fields(fields)
    errors_path = errors_path or Path(f"{'jobclass' if str(output) == '-' else output}.errors.jsonl")
    checkpoint = checkpoint_path(output) if engine == "local" else None
    check_batch_targets(input_path, output, errors_path, html_dir, checkpoint)
    if engine == "dask" and (html_dir is not None or resume):
        raise JobclassError(
            f"{'--html-dir' if html_dir is not None else '--resume'} works with the local engine only"
        )
    model_file = default_model() if model_path is None else model_path
    workers = jobs or os.cpu_count() or 1
    show = progress_printer(not quiet and sys.stderr.isatty())
    if engine == "dask":
        from jobclass.batch.dask_engine import run_dask

        summary = run_dask(
            input_path,
            output,
            errors_path,
            model_file,
            columns,
            chosen,
            workers,
            scheduler,
            max_chars,
            neutralise_formulas=not keep_formulas,
        )
    else:
        source = BatchInput(input_path, columns, max_chars)
        summary = run_batch(
            source,
            output,
            errors_path,
            model_file,
            chosen,
            workers,
            chunk_size,
            on_progress=show,
            html_dir=html_dir,
            neutralise_formulas=not keep_formulas,
            resume=resume,
            notify=lambda message: click.echo(message, err=True),
        )
    if show:
        click.echo("", err=True)
    resumed = f" ({summary.resumed:,} rows from the checkpoint)" if summary.resumed else ""
    click.echo(
        f"read {summary.read:,}, labeled {summary.labeled:,}, errors {summary.errors:,} "
        f"(written to {shown(errors_path)}), {summary.seconds:.1f} s{resumed}",
        err=True,
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
@click.option(
    "--plot",
    "plot_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also draw the confusion matrix and a reliability diagram into this PNG (needs jobclass[plot]).",
)
@click.option(
    "--group-by",
    default=None,
    metavar="COLUMN",
    help="Also score each group of rows sharing a value of COLUMN (e.g. set).",
)
@model_option
@reported
def evaluate(
    data: Path,
    no_title: bool,
    as_json: bool,
    plot_path: Path | None,
    group_by: str | None,
    model_path: Path | None,
) -> None:
    """Score the model on a labeled CSV: per-class precision/recall/F1, macro-F1, confusion matrix,
    expected calibration error with reliability bins, top-2 accuracy, how the review band splits the
    predictions, and the out-of-scope flag against rows marked out of scope (a `scope` column of in/out,
    or `clarity` = other).

    Example:

        jobclass evaluate --data ../shared/realworld/dev_content_gold.csv --no-title --group-by set
    """
    from jobclass.plot import plot_evaluation
    from jobclass.render import evaluation_text

    evaluations = resolve_model(model_path).evaluate(data, use_title=not no_title, group_by=group_by)
    heading = f"{data} ({'content only' if no_title else 'with titles'})"
    if as_json:
        whole = evaluations["all"].to_dict()
        groups = {name: e.to_dict() for name, e in evaluations.items() if name != "all"}
        click.echo(json.dumps(whole | ({"groups": groups} if group_by else {})))
    else:
        for name, evaluation in evaluations.items():
            click.echo(("" if name == "all" else f"\n{group_by} = {name}: ") + heading)
            click.echo(evaluation_text(evaluation))
    if plot_path:
        plot_evaluation(evaluations["all"], plot_path, heading)
        click.echo(f"plot written to {shown(plot_path)}", err=True)


@cli.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to bind (this machine only by default)."
)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to bind.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes.")
@click.option(
    "--api-key",
    envvar="JOBCLASS_API_KEY",
    default=None,
    help="Require `Authorization: Bearer KEY` on every /v1 call (or set JOBCLASS_API_KEY, which `ps` "
    "does not show).",
)
@model_option
@reported
def serve(host: str, port: int, workers: int, api_key: str | None, model_path: Path | None) -> None:
    """Serve the web page (a form that shows the evidence report) and the HTTP API (/v1/analyse,
    /v1/analyse/batch, /v1/profiles, /healthz, /docs) with uvicorn, until Ctrl-C. Needs
    `pip install 'jobclass[serve]'`. Postings are neither stored nor logged.

    Example:

        jobclass serve --port 8000
    """
    try:
        from jobclass.serve.server import is_local
        from jobclass.serve.server import serve as run_server
    except ImportError as err:
        raise JobclassError(f"serve needs the serve extra ({err}): pip install 'jobclass[serve]'") from None
    from jobclass.classifier import load_model

    if model_path is None:
        model_path = default_model()
    model = load_model(model_path)  # a bad model file is one line here, not a worker's traceback
    if not api_key and not is_local(host):
        click.echo(
            f"warning: serving on {host} without --api-key: anyone who can reach this machine can use "
            "the API",
            err=True,
        )
    run_server(model_path, host, port, workers, api_key, model if workers == 1 else None)


def main() -> None:
    cli(prog_name="jobclass")
