"""Reading JSON that people hand us: every kind of bad text is an InvalidInput naming its source."""

from __future__ import annotations

from pathlib import Path

import pytest

from trustmarket.core.errors import InvalidInput, InvalidScenario
from trustmarket.core.json_input import parse_json, read_json_file


def test_good_json_is_read_and_floats_can_stay_text() -> None:
    assert parse_json('{"a": [1, 2.5]}', "x") == {"a": [1, 2.5]}
    assert parse_json("[0.1]", "x", parse_float=str) == ["0.1"]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("{", "x is not valid JSON: Expecting property name enclosed in double quotes at line 1"),
        ("[" * 100_000 + "]" * 100_000, "x is nested too deeply to read as JSON"),
        ("[" + "9" * 5000 + "]", "x holds a number too long to read"),
    ],
)
def test_bad_text_is_refused_with_its_reason(text: str, says: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_json(text, "x")
    assert says in refused.value.message


def test_the_caller_chooses_the_error_class() -> None:
    with pytest.raises(InvalidScenario):
        parse_json("nope", "the scenario", error=InvalidScenario)


def test_files_that_cannot_be_read_say_why(tmp_path: Path) -> None:
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfebad")
    cases = [
        (binary, "is not UTF-8 text"),
        (tmp_path, "is a directory; give a file"),
        (tmp_path / "missing.json", "cannot read entry"),
    ]
    for path, says in cases:
        with pytest.raises(InvalidInput) as refused:
            read_json_file(path, "entry")
        assert says in refused.value.message, refused.value.message
    good = tmp_path / "good.json"
    good.write_text('{"ok": true}', encoding="utf-8")
    assert read_json_file(good, "entry") == {"ok": True}
