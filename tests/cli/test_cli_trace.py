"""`trustmarket trace ITINERARY.json`: clean journeys exit 0, a named culprit exits 1 with the
evidence, bad files exit 2 with one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_run import ok_json, run

EXAMPLES = Path(__file__).parents[2] / "docs" / "examples" / "itinerary"


def test_the_honest_example_is_clean() -> None:
    data = ok_json("trace", str(EXAMPLES / "honest.json"))
    assert data["culprit"] is None
    assert (data["hops"], data["records_fetched"], data["signatures_checked"]) == (4, 4, 9)


def test_the_deleted_quote_example_names_m3_and_exits_1() -> None:
    code, out, _ = run("trace", str(EXAMPLES / "deleted-quote.json"))
    assert code == 1
    assert "culprit: m3" in out and "quote of m2 (9500) is missing" in out
    code, out, _ = run("trace", str(EXAMPLES / "deleted-quote.json"), "--json")
    assert code == 1 and '"culprit": "m3"' in out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "is not valid JSON"),
        ("[]", "one JSON object"),
        ('{"certificate": {}}', "lacks the field"),
    ],
)
def test_bad_files_are_one_line_and_exit_2(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "trip.json"
    path.write_text(text)
    code, out, err = run("trace", str(path))
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err and err.count("\n") == 1, err


def test_a_missing_file_is_an_error(tmp_path: Path) -> None:
    code, _, err = run("trace", str(tmp_path / "none.json"))
    assert code == 2 and "cannot read itinerary file" in err
