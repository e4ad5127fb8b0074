import codecs

import pytest

from jobclass.errors import InputError
from jobclass.text import decode_posting, posting_from_text, read_posting, split_title


def test_utf8_with_and_without_bom_decodes():
    assert decode_posting("Data Scientist in Zürich".encode(), "f") == "Data Scientist in Zürich"
    assert decode_posting(codecs.BOM_UTF8 + b"ML Engineer", "f") == "ML Engineer"


def test_utf16_with_bom_decodes():
    assert decode_posting("Applied Scientist – Köln".encode("utf-16"), "f") == "Applied Scientist – Köln"


def test_binary_file_is_refused():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"
    with pytest.raises(InputError, match="binary"):
        decode_posting(png, "logo.png")


def test_undecodable_bytes_are_refused_with_offset():
    with pytest.raises(InputError, match=r"not UTF-8 text \(undecodable byte 0xc3 at offset 3\)"):
        decode_posting(b"caf\xc3\xe9 data", "menu.txt")


def test_title_line_is_split_from_body():
    title, body = split_title("Title: Lead Data Scientist (Remote)\nWe analyse churn.")
    assert title == "Lead Data Scientist (Remote)"
    assert body == "We analyse churn."


def test_text_without_title_line_keeps_everything():
    assert split_title("We analyse churn.\nTitle: not a header") == (
        None,
        "We analyse churn.\nTitle: not a header",
    )


def test_explicit_title_overrides_title_line():
    posting = posting_from_text("Title: Data Scientist\nBody text here.", title="ML Engineer")
    assert posting.title == "ML Engineer"
    assert posting.text == "Body text here."


@pytest.mark.parametrize("content", [b"", b"   \n\t\n", b"Title: Data Scientist\n  \n"])
def test_empty_posting_is_refused(tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match="empty"):
        read_posting(path)


def test_missing_file_and_directory_are_refused(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_posting(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a directory"):
        read_posting(tmp_path)
