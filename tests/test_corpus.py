"""The bundled corpus meets the issue's counts and variety rule, and bad labeled files are refused."""

import subprocess
import sys

import pytest

from jobclass.corpus import load_labeled, repeated_sentence_ratio, sentences
from jobclass.errors import DataError
from jobclass.labels import LABELS

from .conftest import ROOT


def test_corpus_counts(corpus):
    assert len(corpus) >= 1000
    counts = corpus["label"].value_counts()
    assert set(counts.index) == set(LABELS)
    assert counts.min() >= 200


def test_corpus_posting_lengths(corpus):
    words = corpus["description"].str.split().str.len()
    assert words.min() >= 40, corpus.loc[words.idxmin(), "id"]
    assert words.max() <= 1500, corpus.loc[words.idxmax(), "id"]
    # real postings range from a few lines to pages of boilerplate; the corpus must too
    assert (words < 150).sum() >= 50 and (words > 700).sum() >= 30


def test_corpus_ids_are_unique_and_titles_present(corpus):
    assert corpus["id"].is_unique
    assert (corpus["title"].str.strip() != "").all()


def test_corpus_variety_rule(corpus):
    assert repeated_sentence_ratio(corpus["description"].tolist()) < 0.05


def test_repeated_sentence_ratio_counts_shared_sentences():
    shared = "We offer a generous pension and private health cover."
    texts = [
        f"{shared} You will build pipelines in Spark daily.",
        f"{shared} You will analyse churn for marketing teams.",
    ]
    assert repeated_sentence_ratio(texts) == pytest.approx(0.5)
    assert repeated_sentence_ratio(["One two three four five.", "Six seven eight nine ten."]) == 0.0


def test_sentences_skip_headings_and_fragments():
    assert sentences("Requirements:\n- Python\n- Five years of production experience with Spark.") == [
        "five years of production experience with spark."
    ]


def write(tmp_path, text):
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_columns_are_named(tmp_path):
    path = write(tmp_path, "title,text,label\nDS,some text,data_scientist\n")
    with pytest.raises(
        DataError, match=r"missing column\(s\) description; columns found: title, text, label"
    ):
        load_labeled(path)


def test_unknown_label_is_named_with_its_row(tmp_path):
    path = write(tmp_path, "title,description,label\nA,text,data_scientist\nB,text,data_engineer\n")
    with pytest.raises(DataError, match=r"unknown label 'data_engineer' in data row 2"):
        load_labeled(path)


def test_empty_description_is_refused(tmp_path):
    path = write(tmp_path, "title,description,label\nA,text,data_scientist\nB,  ,ml_engineer\n")
    with pytest.raises(DataError, match="empty description in data row 2"):
        load_labeled(path)


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        load_labeled(tmp_path / "absent.csv")


OVERLAP_TOOL = ROOT.parent / "shared" / "tools" / "realworld_overlap.py"


@pytest.mark.skipif(
    not OVERLAP_TOOL.exists(), reason="the real evaluation postings are not beside this clone"
)
def test_repository_shares_no_text_with_real_postings():
    result = subprocess.run([sys.executable, OVERLAP_TOOL, ROOT], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
