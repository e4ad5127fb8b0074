"""Loading labeled postings (`title,description,label` CSV files) for training and evaluation."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pandas as pd

from jobclass.errors import DataError
from jobclass.labels import LABELS

REQUIRED_COLUMNS = ("title", "description", "label")
# Optional columns and their defaults: `scope` is "out" for a posting whose work is none of the four roles
# (its label is then the nearest one); `slice` names the writing brief a posting came from (empty: unknown),
# so cross-validation can keep one style on one side of each split.
OPTIONAL_COLUMNS = {"scope": "in", "slice": ""}
SCOPES = ("in", "out")
SENTENCE_BREAK = re.compile(r"(?<=[.!?;])\s+|\n+|\s+[•·▪-]\s+")
# Headings and bullet fragments ("Requirements:", "Python") are shorter than this: not counted as sentences.
MIN_SENTENCE_WORDS = 5


def load_labeled(path: str | Path) -> pd.DataFrame:
    """Read a labeled CSV and check it: the needed columns, known labels and scopes, no empty descriptions.

    Returns a frame with `title`, `description`, `label`, `scope` and `slice` (titles may be empty strings),
    and any other columns the file has (an evaluation file's `set` or `clarity`).
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    csv.field_size_limit(1 << 28)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, engine="python")
    except UnicodeDecodeError:
        raise DataError(f"{path}: is not UTF-8 text") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as err:
        raise DataError(f"{path}: is not a readable CSV file ({str(err).splitlines()[0]})") from None
    missing = [column for column in REQUIRED_COLUMNS if column not in frame.columns]
    if missing:
        found = ", ".join(frame.columns) or "none"
        raise DataError(f"{path}: missing column(s) {', '.join(missing)}; columns found: {found}")
    frame = frame.copy()
    if "scope" not in frame and "clarity" in frame:  # an evaluation file marks out-of-scope work by clarity
        frame["scope"] = (
            frame["clarity"].str.strip().map(lambda clarity: "out" if clarity == "other" else "in")
        )
    for column, default in OPTIONAL_COLUMNS.items():
        frame[column] = frame[column].str.strip().replace("", default) if column in frame else default
    frame["label"] = frame["label"].str.strip()
    unknown = frame.index[~frame["label"].isin(LABELS)]
    if len(unknown):
        first = unknown[0]
        raise DataError(
            f"{path}: unknown label {frame.at[first, 'label']!r} in data row {first + 1} "
            f"({len(unknown)} row(s) in all); labels are {', '.join(LABELS)}"
        )
    bad_scope = frame.index[~frame["scope"].isin(SCOPES)]
    if len(bad_scope):
        raise DataError(
            f"{path}: unknown scope {frame.at[bad_scope[0], 'scope']!r} in data row {bad_scope[0] + 1}; "
            f"scopes are {', '.join(SCOPES)}"
        )
    empty = frame.index[frame["description"].str.strip() == ""]
    if len(empty):
        raise DataError(f"{path}: empty description in data row {empty[0] + 1} ({len(empty)} row(s) in all)")
    if frame.empty:
        raise DataError(f"{path}: has no rows")
    return frame.reset_index(drop=True)


def without_duplicates(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The frame with repeated postings dropped, and warnings counting them: exact repeats (same title,
    description and label) and conflicts (the same title and description under different labels, all
    copies dropped, since neither label can be trusted)."""
    warnings = []
    repeats = frame.duplicated(["title", "description", "label"])
    if repeats.any():
        warnings.append(f"{int(repeats.sum())} duplicate row(s) (same title, description and label) dropped")
        frame = frame[~repeats]
    conflicting = frame.duplicated(["title", "description"], keep=False)
    if conflicting.any():
        warnings.append(
            f"{int(conflicting.sum())} row(s) give the same posting different labels; all of them dropped"
        )
        frame = frame[~conflicting]
    return frame.reset_index(drop=True), warnings


def sentences(text: str) -> list[str]:
    """Lower-cased, whitespace-folded sentences of at least MIN_SENTENCE_WORDS words."""
    pieces = (" ".join(piece.lower().split()).strip("-•*·▪ ") for piece in SENTENCE_BREAK.split(text))
    return [piece for piece in pieces if len(piece.split()) >= MIN_SENTENCE_WORDS]


def repeated_sentence_ratio(texts: list[str]) -> float:
    """Share of sentence occurrences whose sentence also appears in another posting (the variety rule)."""
    per_text = [set(sentences(text)) for text in texts]
    postings_with = Counter(sentence for found in per_text for sentence in found)
    total = sum(len(found) for found in per_text)
    repeated = sum(1 for found in per_text for sentence in found if postings_with[sentence] > 1)
    return repeated / total if total else 0.0
