"""Feedback CSV files that the csv module or the UTF-8 decoder would refuse with their own
errors (a field past the csv field limit, bytes that are not UTF-8) are a FileFormatError naming
the file and the line; a UTF-8 byte-order mark is not part of the first column's name; and
eigentrust's ``pretrusted`` still refuses a bare string from Python callers."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from trustmarket.core.errors import FileFormatError, InvalidReputation
from trustmarket.reputation.feedback_csv import read_feedback_csv
from trustmarket.reputation.models import make_model

HEADER = "transaction,rater,subject,rating\n"
ROWS = "t1,ann,bo,1\nt1,bo,ann,1\n"


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "feedback.csv"
    path.write_bytes(data)
    return path


def test_a_field_over_the_csv_limit_names_the_file_and_line(tmp_path: Path) -> None:
    big = "x" * (csv.field_size_limit() + 1)
    path = write(tmp_path, (HEADER + ROWS + f"t2,ann,{big},1\n").encode())
    with pytest.raises(FileFormatError, match="longer than 131,072 characters") as caught:
        read_feedback_csv(path)
    assert (caught.value.path, caught.value.line) == (str(path), 4)
    assert str(path) in caught.value.message


def test_a_field_just_at_the_csv_limit_is_read_then_judged(tmp_path: Path) -> None:
    big = "x" * csv.field_size_limit()
    path = write(tmp_path, (HEADER + f"t1,ann,bo,{big}\n").encode())
    with pytest.raises(FileFormatError, match="rating must be an integer"):
        read_feedback_csv(path)


def test_a_big_quoted_field_over_several_lines_names_the_line_it_reaches(tmp_path: Path) -> None:
    lines = "\n".join("y" * 50_000 for _ in range(4))
    path = write(tmp_path, (HEADER + f't1,ann,"{lines}",1\n').encode())
    with pytest.raises(FileFormatError, match="longer than") as caught:
        read_feedback_csv(path)
    assert caught.value.line == 4  # the third physical line of the field passes the limit


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"transaction,rater,subject,rating\n\xff,ann,bo,1\n", 2),
        (b"transaction,rater,subject,rat\xe9ing\n", 1),
        (HEADER.encode() + ROWS.encode() + b"t2,ann,b\xc3,1\n", 4),
        (b"\xff\xfet\x00r\x00", 1),  # UTF-16
    ],
)
def test_bytes_that_are_not_utf8_name_the_file_and_line(
    tmp_path: Path, data: bytes, line: int
) -> None:
    path = write(tmp_path, data)
    with pytest.raises(FileFormatError, match="not UTF-8 text") as caught:
        read_feedback_csv(path)
    assert caught.value.line == line


def test_a_utf8_byte_order_mark_is_not_part_of_the_header(tmp_path: Path) -> None:
    path = write(tmp_path, b"\xef\xbb\xbf" + (HEADER + ROWS).encode())
    records, _ = read_feedback_csv(path)
    assert [(r.rater, r.subject) for r in records] == [("ann", "bo"), ("bo", "ann")]


def test_ordinary_and_non_ascii_files_still_read(tmp_path: Path) -> None:
    path = write(tmp_path, (HEADER + ROWS).encode())
    records, scale = read_feedback_csv(path)
    assert len(records) == 2 and scale is None
    text = "transaction,rater,subject,rating,qualité\r\nt1,ann,bo,1,4\r\nt1,bo,ann,1,5\r\n"
    records, scale = read_feedback_csv(write(tmp_path, text.encode()))
    assert scale is not None and scale.names == ("qualité",)
    assert [r.attributes for r in records] == [(4.0,), (5.0,)]


def test_the_library_still_refuses_a_bare_string_for_pretrusted() -> None:
    with pytest.raises(InvalidReputation, match="not the string 'ann'"):
        make_model("eigentrust", pretrusted="ann")
    assert make_model("eigentrust", pretrusted=["ann"]).pretrusted == ("ann",)  # type: ignore[attr-defined]
