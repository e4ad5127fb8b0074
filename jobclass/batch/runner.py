"""The batch runner: chunks in, labeled rows and error rows out, in input order, on N processes.

`label_chunk` is the one per-chunk function; the local engine maps it over chunks in worker processes
(each loads the model and the reader once) and the Dask engine over dataframe partitions. The
local engine keeps each finished chunk in a checkpoint (`checkpoint.py`) and assembles the outputs from
it at the end, so a killed run can resume.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from jobclass.batch.checkpoint import Checkpoint, Part, checkpoint_path, input_fingerprint
from jobclass.batch.readers import BatchInput, InputRow
from jobclass.batch.settings import CHUNK_ROWS, ERROR_TYPES, FIELD_TYPES, FIELDS
from jobclass.batch.targets import check_batch_targets
from jobclass.batch.writers import RowWriter, check_output, remove_leftovers
from jobclass.datafiles import file_sha256
from jobclass.errors import InputError
from jobclass.labels import LABELS
from jobclass.report import IndexEntry, index_html, report_file_name, report_html, write_html
from jobclass.text import Posting

if TYPE_CHECKING:
    from jobclass.analysis import Analysis
    from jobclass.classifier import Classifier


def output_row(row: InputRow, analysis: Analysis) -> dict:
    """The flat output record of one labeled posting."""
    prediction, skills = analysis.prediction, analysis.skills
    q = skills.qualifications
    return {
        "id": row.id,
        "label": prediction.label,
        **{f"p_{label}": round(prediction.probabilities[label], 4) for label in LABELS},
        "confidence": round(prediction.confidence, 4),
        "review": prediction.review,
        "secondary": prediction.secondary,
        "out_of_scope": prediction.out_of_scope,
        **{
            f"skills_{need}": [skill.name for skill in skills.by_need(need)]
            for need in ("required", "preferred", "mentioned")
        },
        "degree": q.degree_min,
        "degree_preferred": q.degree_preferred,
        "years": q.years_min,
        "title_role": analysis.title.role,
        "content_label": analysis.content_prediction.label,
        **{f"fit_{fit.role}": round(fit.score, 4) for fit in analysis.fits},
        "framing": analysis.framing.label,
    }


def error_row(row: InputRow, reason: str) -> dict:
    return {"row": row.row, "id": row.id, "reason": reason}


@dataclass(frozen=True)
class LabeledChunk:
    """A chunk's output rows (trimmed to the fields), its error records, its HTML reports' index entries."""

    rows: list[dict]
    errors: list[dict]
    reports: list[IndexEntry]


def label_chunk(
    rows: list[InputRow], model: Classifier, fields: list[str], html_dir: str | None = None
) -> LabeledChunk:
    """Label the good rows of a chunk and turn the bad ones into error records; with `html_dir`, also
    write each labeled posting's HTML report there."""
    from jobclass.analysis import analyse  # here, not at the top: see worker_model

    good = [row for row in rows if row.error is None]
    errors = [error_row(row, row.error) for row in rows if row.error is not None]
    postings = [Posting(row.text, row.title, row.id) for row in good]
    analyses = analyse(postings, model, explain=html_dir is not None) if good else []
    labeled = [
        {field: record[field] for field in fields}
        for record in (output_row(row, analysis) for row, analysis in zip(good, analyses, strict=True))
    ]
    reports = []
    if html_dir is not None:
        for row, analysis in zip(good, analyses, strict=True):
            name = report_file_name(row.row, row.id)
            write_html(Path(html_dir) / name, report_html(row.text, analysis))
            reports.append(IndexEntry.of(row.id, analysis, name))
    return LabeledChunk(labeled, errors, reports)


@lru_cache(maxsize=2)
def worker_model(model_path: str) -> Classifier:
    """The model, loaded once per process (workers call this for every chunk). The model and its
    libraries load here, in the workers: the parent process only reads input and writes output, and
    stays small (forked workers would otherwise each count its copy in their resident memory too)."""
    from jobclass.classifier import load_model

    return load_model(model_path)


def label_chunk_in_worker(rows: list[InputRow], model_path: str, fields: list[str], html_dir: str | None):
    return label_chunk(rows, worker_model(model_path), fields, html_dir)


@dataclass(frozen=True)
class BatchSummary:
    read: int
    labeled: int
    errors: int
    seconds: float
    resumed: int = 0  # rows that a resumed run took from its checkpoint

    def to_dict(self) -> dict:
        return {
            "read": self.read,
            "labeled": self.labeled,
            "errors": self.errors,
            "seconds": round(self.seconds, 2),
            "resumed": self.resumed,
        }


@dataclass(frozen=True)
class Progress:
    done: int
    total: int | None
    seconds: float
    resumed: int = 0  # of `done`, the rows taken from a checkpoint

    @property
    def rate(self) -> float:
        """Rows labeled per second by this run."""
        return (self.done - self.resumed) / self.seconds if self.seconds > 0 else 0.0


@dataclass
class BatchOutputs:
    """The open labeled file and errors file of one run, and the rows counted into them."""

    labeled_file: RowWriter
    errors_file: RowWriter
    read: int = 0
    labeled: int = 0
    errors: int = 0

    def write(self, read: int, rows: list[dict], errors: list[dict]) -> None:
        self.labeled_file.write(rows)
        self.errors_file.write(errors)
        self.read += read
        self.labeled += len(rows)
        self.errors += len(errors)

    def summary(self, seconds: float, resumed: int = 0) -> BatchSummary:
        return BatchSummary(self.read, self.labeled, self.errors, seconds, resumed)


@contextmanager
def batch_outputs(
    output: str | Path, errors_path: str | Path, fields: list[str], neutralise_formulas: bool = True
) -> Iterator[BatchOutputs]:
    """Both output files, each written atomically: neither appears under its name unless the run ends."""
    with (
        RowWriter(output, fields, FIELD_TYPES, neutralise_formulas) as labeled,
        RowWriter(errors_path, list(ERROR_TYPES), ERROR_TYPES) as errors,
    ):
        yield BatchOutputs(labeled, errors)


def labeled_chunks(
    chunks: Iterable[list[InputRow]],
    model_path: str,
    fields: list[str],
    jobs: int,
    html_dir: str | None = None,
) -> Iterator[tuple[list[InputRow], LabeledChunk]]:
    """Each chunk with its result, in input order; with jobs > 1 chunks run in worker processes, at most
    2 x jobs of them in flight so memory stays flat."""
    if jobs <= 1:
        for chunk in chunks:
            yield chunk, label_chunk_in_worker(chunk, model_path, fields, html_dir)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        pending: deque = deque()
        for chunk in chunks:
            pending.append((chunk, pool.submit(label_chunk_in_worker, chunk, model_path, fields, html_dir)))
            if len(pending) >= 2 * jobs:
                done_chunk, future = pending.popleft()
                yield done_chunk, future.result()
        while pending:
            done_chunk, future = pending.popleft()
            yield done_chunk, future.result()


def output_options(
    source: BatchInput,
    fields: list[str],
    chunk_rows: int,
    html_dir: str | None,
    neutralise_formulas: bool,
    model_path: str,
) -> dict:
    """The options that shape a run's output, as its checkpoint records them."""
    return {
        "fields": None if list(fields) == FIELDS else list(fields),  # None: all of them
        "text_col": source.columns.text,
        "title_col": source.columns.title,
        "id_col": source.columns.id,
        "max_chars": source.max_chars,
        "keep_formulas": not neutralise_formulas,
        "html_dir": None if html_dir is None else str(Path(html_dir).resolve()),
        "chunk_rows": chunk_rows,
        "model_sha256": file_sha256(model_path),
    }


def open_checkpoint(
    source: BatchInput,
    output: str | Path,
    options: Callable[[], dict],
    resume: bool,
    say: Callable[[str], None],
) -> tuple[Checkpoint | None, int | None]:
    """The checkpoint this run writes and how many of its chunks were done (None: a new checkpoint).

    None when reading stdin or writing stdout, or when an interrupted run's checkpoint is there and
    `resume` is off (it is left alone); with `resume`, the checkpoint there once its input and options
    are checked."""
    if source.path == "-" or str(output) == "-":
        if resume:
            raise InputError("--resume needs an input file and an output file (not -)")
        return None, None
    checkpoint = Checkpoint(checkpoint_path(output))
    if checkpoint.exists() and not resume:
        say(
            f"warning: {checkpoint.folder} holds {checkpoint.finished():,} finished chunks of an interrupted "
            "run: left alone; this run starts at row 1 and keeps no checkpoint (--resume continues that run)"
        )
        return None, None
    if checkpoint.exists():
        return checkpoint, checkpoint.resume(input_fingerprint(source.path), options())
    if resume:
        say(f"no checkpoint at {checkpoint.folder}: starting at row 1")
    checkpoint.create(input_fingerprint(source.path), options())
    return checkpoint, None


def run_batch(
    source: BatchInput,
    output: str | Path,
    errors_path: str | Path,
    model_path: str | Path,
    fields: list[str] = FIELDS,
    jobs: int = 1,
    chunk_rows: int = CHUNK_ROWS,
    on_progress: Callable[[Progress], None] | None = None,
    html_dir: str | Path | None = None,
    neutralise_formulas: bool = True,
    resume: bool = False,
    notify: Callable[[str], None] | None = None,
) -> BatchSummary:
    """Label every row of `source` into `output`; unlabelable rows go to `errors_path` (JSONL).

    Both files are written atomically, never over the input. labeled + errors = read, always. CSV cells that
    a spreadsheet would run as formulas are neutralised unless `neutralise_formulas` is off. With
    `html_dir`, every labeled posting also gets an HTML report there, and `index.html` lists them all once
    the run is complete. From a file into a file, finished chunks are kept in `OUTPUT.checkpoint/` until
    the outputs are in place; `resume` continues an interrupted run after its last finished chunk, with
    the same outputs as an uninterrupted run. `notify` gets one-line notices (resuming, a checkpoint left
    alone).
    """
    check_batch_targets(source.path, output, errors_path, html_dir, checkpoint_path(output))
    for path in (output, errors_path):
        check_output(path)  # both are written at the end: a bad path fails now, not after the run
    started = time.perf_counter()
    say = notify or (lambda message: None)
    folder = None if html_dir is None else str(html_dir)
    if folder is not None:
        Path(folder).mkdir(parents=True, exist_ok=True)
    model_file = str(model_path)
    checkpoint, done = open_checkpoint(
        source,
        output,
        lambda: output_options(source, fields, chunk_rows, folder, neutralise_formulas, model_file),
        resume,
        say,
    )
    chunks = source.chunks(chunk_rows)
    resumed = sum(len(chunk) for chunk in islice(chunks, done or 0))  # read again, not labeled again
    if done is not None:
        say(f"resuming from {checkpoint.folder}: {resumed:,} rows done, labeling from row {resumed + 1:,}")
        for path in (output, errors_path):
            remove_leftovers(path)  # temporary outputs of the killed run

    def labeled_parts() -> Iterator[Part]:
        read = resumed
        for chunk, result in labeled_chunks(chunks, model_file, fields, jobs, folder):
            yield Part(chunk[0].row, len(chunk), result.rows, result.errors, result.reports)
            read += len(chunk)
            if on_progress:
                on_progress(Progress(read, source.total, time.perf_counter() - started, resumed))

    if checkpoint is None:
        parts = labeled_parts()
    else:
        for number, part in enumerate(labeled_parts(), (done or 0) + 1):
            checkpoint.write(number, part)
        parts = checkpoint.parts()
    with batch_outputs(output, errors_path, fields, neutralise_formulas) as outputs:
        entries: list[IndexEntry] = []
        for part in parts:
            outputs.write(part.read, part.rows, part.errors)
            entries += part.reports
        if folder is not None:
            write_html(Path(folder) / "index.html", index_html(entries))
    if checkpoint is not None:
        checkpoint.remove()
    return outputs.summary(time.perf_counter() - started, resumed)
