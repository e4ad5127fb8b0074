"""Streaming writers for labeled rows: CSV, JSONL or Parquet, written to a temporary file beside the
target and renamed onto it only when complete, so an interrupted run never leaves a half file."""

from __future__ import annotations

import csv
import glob
import json
import os
import sys
from pathlib import Path

from jobclass.atomic import atomic_path
from jobclass.batch.targets import write_through
from jobclass.errors import InputError

LIST_SEPARATOR = "; "
# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value, neutralise_formulas: bool):
    """A value as a CSV cell: lists joined; text that a spreadsheet would run as a formula gets a leading
    apostrophe (shown as text, the apostrophe hidden) unless `neutralise_formulas` is off."""
    if isinstance(value, list):
        value = LIST_SEPARATOR.join(value)
    if neutralise_formulas and isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def output_format(path: str | Path) -> str:
    if str(path) == "-":
        return "jsonl"
    suffix = Path(path).suffix.lower()
    formats = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
    if suffix not in formats:
        raise InputError(f"{path}: unknown output format (use .csv, .jsonl, .parquet or -)")
    return formats[suffix]


def remove_leftovers(path: str | Path) -> None:
    """Delete the temporary files that runs killed while writing `path` left beside it."""
    if str(path) == "-":
        return
    target = write_through(path)
    for leftover in target.parent.glob(f".{glob.escape(target.name)}.*.partial"):
        leftover.unlink(missing_ok=True)


def check_output(path: str | Path) -> Path | None:
    """The file a RowWriter would write for `path` (None for stdout), once it is sure it can: a known
    format, not a folder, in a folder that exists and is writable. Runs call it before any work, since
    their outputs are written at the end."""
    fmt = output_format(path)
    if str(path) == "-":
        return None
    target = write_through(path)
    if target.is_dir():
        raise InputError(f"{path}: is a directory; give a file name ending in .csv, .jsonl or .parquet")
    if not target.parent.is_dir():
        raise InputError(f"{path}: the folder {target.parent} does not exist")
    if not os.access(target.parent, os.W_OK):
        raise InputError(f"{path}: cannot write there (permission denied)")
    if fmt == "parquet":
        try:
            import pyarrow.parquet  # noqa: F401
        except ImportError:
            raise InputError(f"{path}: Parquet needs pyarrow: pip install 'jobclass[parquet]'") from None
    return target


class RowWriter:
    """Writes dict rows to `path` (CSV, JSONL, Parquet; "-" is JSONL on stdout) via a temporary file.

    Use as a context manager: on a clean exit the file is renamed into place; on an exception the
    temporary file is removed and the final name is left untouched. A symlink is written through: its
    target is replaced, the link kept.
    """

    def __init__(
        self, path: str | Path, fields: list[str], types: dict[str, str], neutralise_formulas: bool = True
    ):
        self.path = str(path)
        self.neutralise_formulas = neutralise_formulas
        self.fields = fields
        self.types = types  # field -> "string", "float", "int", "bool" or "list" (of strings), for Parquet
        self.format = output_format(path)
        self._handle = None
        self._temp: str | None = None
        self._csv = None
        self._parquet = None

    def __enter__(self) -> RowWriter:
        if self.path == "-":
            self._handle = sys.stdout
            return self
        target = check_output(self.path)
        self._atomic = atomic_path(target)
        try:
            self._temp = str(self._atomic.__enter__())
        except OSError as err:
            raise InputError(f"{self.path}: cannot write there ({err.strerror})") from None
        if self.format != "parquet":
            self._handle = open(self._temp, "w", encoding="utf-8", newline="")  # noqa: SIM115
            if self.format == "csv":
                self._csv = csv.DictWriter(self._handle, fieldnames=self.fields, extrasaction="ignore")
                self._csv.writeheader()
        return self

    def write(self, rows: list[dict]) -> None:
        if self.format == "csv":
            self._csv.writerows(
                {key: csv_cell(value, self.neutralise_formulas) for key, value in row.items()} for row in rows
            )
        elif self.format == "jsonl":
            self._handle.writelines(
                json.dumps({key: row.get(key) for key in self.fields}) + "\n" for row in rows
            )
        elif rows:
            self._write_parquet(rows)

    def _write_parquet(self, rows: list[dict]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as parquet

        table = pa.Table.from_pylist(rows, schema=self._schema())
        if self._parquet is None:
            self._parquet = parquet.ParquetWriter(self._temp, table.schema)
        self._parquet.write_table(table)

    def _schema(self):
        import pyarrow as pa

        types = {
            "string": pa.string(),
            "float": pa.float64(),
            "int": pa.int64(),
            "bool": pa.bool_(),
            "list": pa.list_(pa.string()),
        }
        return pa.schema([(field, types[self.types[field]]) for field in self.fields])

    def __exit__(self, kind, error, traceback) -> None:
        if self._handle is sys.stdout:
            sys.stdout.flush()
            return
        if self._handle is not None:
            self._handle.close()
        if self.format == "parquet" and self._parquet is None and error is None:
            import pyarrow as pa
            import pyarrow.parquet as parquet

            parquet.write_table(pa.Table.from_pylist([], schema=self._schema()), self._temp)
        if self._parquet is not None:
            self._parquet.close()
        self._atomic.__exit__(kind, error, traceback)
