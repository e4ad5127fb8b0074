"""Streaming readers: CSV, JSONL, Parquet, a directory of .txt files, or JSONL on stdin, in chunks.

Every input record becomes an `InputRow`, numbered from 1 in input order. A record that cannot be
labeled (broken CSV row, invalid JSON line, missing or non-text field, undecodable bytes, text over the
size limit) keeps its number and carries the reason in `error`, so nothing read is ever lost.
"""

from __future__ import annotations

import csv
import json
import math
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from jobclass.batch.settings import DEFAULT_MAX_CHARS
from jobclass.errors import InputError
from jobclass.text import decode_posting, has_words, plain_text, split_title

TEXT_COLUMNS = ("description", "text", "body", "posting")
# Bytes that were not UTF-8, kept by errors="surrogateescape" as lone surrogates.
_UNDECODED = re.compile("[\udc80-\udcff]")
FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".parquet": "parquet"}


@dataclass(frozen=True)
class InputRow:
    """One input record: its number, id, title and text, or the reason it cannot be labeled."""

    row: int
    id: str
    title: str | None = None
    text: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class Columns:
    """Which input columns hold the text, the title and the id (None: pick a sensible default)."""

    text: str | None = None
    title: str | None = None
    id: str | None = None

    def resolve(self, found: list[str], source: str) -> Columns:
        """The columns to use given the ones the input has; a missing named column is an InputError."""
        listing = ", ".join(found) if found else "(none)"
        for option, name in (("--text-col", self.text), ("--title-col", self.title), ("--id-col", self.id)):
            if name is not None and name not in found:
                raise InputError(f"{source}: no column {name!r} ({option}); columns found: {listing}")
        text = self.text or next((name for name in TEXT_COLUMNS if name in found), None)
        if text is None:
            raise InputError(
                f"{source}: no text column ({' / '.join(TEXT_COLUMNS)}); name one with --text-col; "
                f"columns found: {listing}"
            )
        title = self.title or ("title" if "title" in found else None)
        row_id = self.id or ("id" if "id" in found else None)
        return Columns(text, title, row_id)


def input_format(path: str | Path) -> str:
    """csv, jsonl, parquet or dir, from the path ("-" is JSONL on stdin)."""
    if str(path) == "-":
        return "jsonl"
    path = Path(path)
    if path.is_dir():
        return "dir"
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: unknown input format (use .csv, .jsonl, .parquet, a directory or -)")
    if not path.exists():
        raise InputError(f"{path}: no such file")
    return fmt


def make_row(number: int, record: dict, columns: Columns, max_chars: int) -> InputRow:
    """An InputRow from a record's fields, with the reason when the text or title is unusable."""
    raw_id = record.get(columns.id) if columns.id else None
    row_id = str(number) if is_missing(raw_id) else str(raw_id)
    text, title = record.get(columns.text), record.get(columns.title) if columns.title else None
    if is_missing(title):
        title = None
    error = None
    if is_missing(text):
        error = f"missing text (column {columns.text!r})"
    elif not isinstance(text, str):
        error = f"text is not a string but {type(text).__name__} (column {columns.text!r})"
    elif not has_words(text := plain_text(text)):  # HTML holding no text, or only symbols, is empty too
        error = f"empty text (column {columns.text!r})"
    elif _UNDECODED.search(text):
        error = "undecodable bytes in the text (not UTF-8)"
    elif len(text) > max_chars:
        error = f"text over {max_chars:,} characters ({len(text):,})"
    elif title is not None and not isinstance(title, str):
        error = f"title is not a string but {type(title).__name__}"
    if error:
        return InputRow(number, row_id, None, None, error)
    return InputRow(number, row_id, title.strip() or None if title else None, text)


def is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def chunked(rows: Iterator[InputRow], size: int) -> Iterator[list[InputRow]]:
    while chunk := list(islice(rows, size)):
        yield chunk


class BatchInput:
    """An input file (or directory, or stdin) read as chunks of InputRows."""

    def __init__(self, path: str | Path, columns: Columns = Columns(), max_chars: int = DEFAULT_MAX_CHARS):
        self.path = str(path)
        self.format = input_format(path)
        self.columns = columns
        self.max_chars = max_chars
        self.total: int | None = None  # known up front for Parquet and directories

    def chunks(self, size: int) -> Iterator[list[InputRow]]:
        rows = {"csv": self._csv_rows, "jsonl": self._jsonl_rows, "parquet": self._parquet_rows,
                "dir": self._dir_rows}[self.format]()  # fmt: skip
        return chunked(rows, size)

    def _csv_rows(self) -> Iterator[InputRow]:
        csv.field_size_limit(max(self.max_chars * 4, 1 << 20))
        with open(self.path, encoding="utf-8", errors="surrogateescape", newline="") as handle:
            reader = csv.reader(handle, strict=True)
            try:
                header = next(reader)
            except StopIteration:
                raise InputError(f"{self.path}: the file is empty") from None
            header = [name.lstrip("\ufeff") for name in header]
            columns = self.columns.resolve(header, self.path)
            number = 0
            while True:
                line = reader.line_num + 1
                try:
                    fields = next(reader)
                except StopIteration:
                    return
                except csv.Error as err:
                    number += 1
                    yield InputRow(number, str(number), error=f"unparsable CSV at line {line}: {err}")
                    continue
                if not fields:
                    continue  # a blank line is not a record
                number += 1
                if len(fields) != len(header):
                    yield InputRow(
                        number, str(number),
                        error=f"CSV line {line}: {len(fields)} fields, the header has {len(header)} "
                        "(broken quoting?)",
                    )  # fmt: skip
                    continue
                yield make_row(number, dict(zip(header, fields, strict=True)), columns, self.max_chars)

    def _jsonl_rows(self) -> Iterator[InputRow]:
        handle = sys.stdin.buffer if self.path == "-" else open(self.path, "rb")  # noqa: SIM115
        source = "<stdin>" if self.path == "-" else self.path
        columns = None
        try:
            number = 0
            for line_number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                number += 1
                try:
                    record = json.loads(line.decode("utf-8"))
                except UnicodeDecodeError:
                    yield InputRow(number, str(number), error=f"line {line_number}: not UTF-8")
                    continue
                except json.JSONDecodeError as err:
                    yield InputRow(number, str(number), error=f"line {line_number}: invalid JSON ({err.msg})")
                    continue
                if not isinstance(record, dict):
                    yield InputRow(number, str(number), error=f"line {line_number}: not a JSON object")
                    continue
                if columns is None:
                    columns = self.columns.resolve(list(record), source)
                yield make_row(number, record, columns, self.max_chars)
        finally:
            if handle is not sys.stdin.buffer:
                handle.close()

    def _parquet_rows(self) -> Iterator[InputRow]:
        parquet = require_pyarrow(self.path)
        reader = parquet.ParquetFile(self.path)
        columns = self.columns.resolve(reader.schema_arrow.names, self.path)
        self.total = reader.metadata.num_rows
        wanted = [name for name in dict.fromkeys((columns.id, columns.title, columns.text)) if name]
        number = 0
        for batch in reader.iter_batches(batch_size=4096, columns=wanted):
            for record in batch.to_pylist():
                number += 1
                yield make_row(number, record, columns, self.max_chars)

    def _dir_rows(self) -> Iterator[InputRow]:
        files = sorted(path for path in Path(self.path).iterdir() if path.is_file())
        self.total = len(files)
        for number, path in enumerate(files, 1):
            try:
                size = path.stat().st_size
                if size > 4 * self.max_chars + 4096:  # too long whatever its encoding
                    raise InputError(f"{path}: file of {size:,} bytes, over --max-chars")
                text = decode_posting(path.read_bytes(), str(path))
            except (InputError, OSError) as err:
                yield InputRow(number, path.name, error=str(err).replace(f"{path}: ", ""))
                continue
            title, body = split_title(text)
            yield make_row(number, {"id": path.name, "title": title, "text": body},
                           Columns("text", "title", "id"), self.max_chars)  # fmt: skip


def require_pyarrow(path: str):
    try:
        import pyarrow.parquet as parquet
    except ImportError:
        raise InputError(f"{path}: Parquet needs pyarrow: pip install 'jobclass[parquet]'") from None
    return parquet
