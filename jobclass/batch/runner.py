"""The batch runner: chunks in, labeled rows and error rows out, in input order, on N processes.

`label_chunk` is the one per-chunk function; the local engine maps it over chunks in worker processes
(each loads the model and the spaCy pipeline once) and the Dask engine over dataframe partitions.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jobclass.analysis import Analysis, analyse
from jobclass.batch.readers import BatchInput, InputRow
from jobclass.batch.writers import RowWriter
from jobclass.classifier import Classifier, load_model
from jobclass.errors import InputError
from jobclass.labels import LABELS
from jobclass.report import IndexEntry, index_html, report_file_name, report_html, write_html
from jobclass.text import Posting

FIELD_TYPES: dict[str, str] = {
    "id": "string",
    "label": "string",
    **{f"p_{label}": "float" for label in LABELS},
    "confidence": "float",
    "review": "bool",
    "secondary": "string",
    "out_of_scope": "bool",
    "skills_required": "list",
    "skills_preferred": "list",
    "skills_mentioned": "list",
    "degree": "string",
    "degree_preferred": "string",
    "years": "int",
    "title_role": "string",
    "content_label": "string",
    **{f"fit_{label}": "float" for label in LABELS},
    "framing": "string",
}
FIELDS = list(FIELD_TYPES)
CHUNK_ROWS = 256


def parse_fields(spec: str | None) -> list[str]:
    """The output fields named in a comma-separated list (all of them when None), in the given order."""
    if not spec:
        return FIELDS
    fields = [name.strip() for name in spec.split(",") if name.strip()]
    unknown = [name for name in fields if name not in FIELD_TYPES]
    if unknown:
        raise InputError(f"unknown field {unknown[0]!r} in --fields; fields: {', '.join(FIELDS)}")
    return fields


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
    good = [row for row in rows if row.error is None]
    errors = [error_row(row, row.error) for row in rows if row.error is not None]
    analyses = analyse([Posting(row.text, row.title, row.id) for row in good], model) if good else []
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
    """The model, loaded once per process (workers call this for every chunk)."""
    return load_model(model_path)


def label_chunk_in_worker(rows: list[InputRow], model_path: str, fields: list[str], html_dir: str | None):
    return label_chunk(rows, worker_model(model_path), fields, html_dir)


@dataclass(frozen=True)
class BatchSummary:
    read: int
    labeled: int
    errors: int
    seconds: float

    def to_dict(self) -> dict:
        return {
            "read": self.read,
            "labeled": self.labeled,
            "errors": self.errors,
            "seconds": round(self.seconds, 2),
        }


@dataclass(frozen=True)
class Progress:
    done: int
    total: int | None
    seconds: float

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds > 0 else 0.0


ERROR_TYPES = {"row": "int", "id": "string", "reason": "string"}


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

    def summary(self, seconds: float) -> BatchSummary:
        return BatchSummary(self.read, self.labeled, self.errors, seconds)


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
) -> BatchSummary:
    """Label every row of `source` into `output`; unlabelable rows go to `errors_path` (JSONL).

    Both files are written atomically. labeled + errors = read, always. CSV cells that a spreadsheet
    would run as formulas are neutralised unless `neutralise_formulas` is off. With `html_dir`, every labeled
    posting also gets an HTML report there, and `index.html` lists them all once the run is complete.
    """
    started = time.perf_counter()
    folder = None if html_dir is None else str(html_dir)
    entries: list[IndexEntry] = []
    with batch_outputs(output, errors_path, fields, neutralise_formulas) as outputs:
        chunks = labeled_chunks(source.chunks(chunk_rows), str(model_path), fields, jobs, folder)
        for chunk, result in chunks:
            outputs.write(len(chunk), result.rows, result.errors)
            entries += result.reports
            if on_progress:
                on_progress(Progress(outputs.read, source.total, time.perf_counter() - started))
        if folder is not None:
            write_html(Path(folder) / "index.html", index_html(entries))
    return outputs.summary(time.perf_counter() - started)
