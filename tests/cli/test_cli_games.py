"""`trustmarket games`: equilibria and sharing through the CLI, JSON output and bad input."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from cli_run import run

from trustmarket.analysis.games import Game

BOS = ("--A", "[[2, 0], [0, 1]]", "--B", "[[1, 0], [0, 2]]")


@pytest.mark.parametrize("method", ["vertex", "support"])
def test_exact_json_equals_the_library(method: str) -> None:
    code, out, err = run("games", "equilibria", *BOS, "--method", method, "--exact", "--json")
    assert code == 0, err
    data = json.loads(out)
    expected = Game([[2, 0], [0, 1]], [[1, 0], [0, 2]], exact=True).equilibria(method)
    got = {
        (tuple(Fraction(p) for p in e["row"]), tuple(Fraction(p) for p in e["col"]))
        for e in data["equilibria"]
    }
    assert got == {(e.row, e.col) for e in expected.equilibria}
    assert data["degenerate"] is False and len(got) == 3


def test_decimal_input_stays_exact() -> None:
    code, out, _ = run(
        "games",
        "equilibria",
        "--A",
        "[[0.1, 0], [0, 0.2]]",
        "--B",
        "[[0.2, 0], [0, 0.1]]",
        "--exact",
        "--json",
    )
    assert code == 0
    mixed = [e for e in json.loads(out)["equilibria"] if "0" not in e["row"]]
    assert mixed[0]["row"] == ["1/3", "2/3"]


def test_lemke_howson_and_table_output() -> None:
    code, out, _ = run(
        "games", "equilibria", *BOS, "--method", "lemke-howson", "--label", "1", "--json"
    )
    assert code == 0 and len(json.loads(out)["equilibria"]) == 1
    code, out, _ = run("games", "equilibria", *BOS)
    assert code == 0 and "degenerate: no" in out and "0.666667" in out


def test_sharing_reports_least_rates() -> None:
    code, out, _ = run(
        "games", "sharing", "--knowledge", "3", "1", "--risk", "0.5", "--synergy", "0.4", "--json"
    )
    assert code == 0
    rates = json.loads(out)["least_rates"]
    assert rates["equilibrium"] == pytest.approx(0.1)
    assert rates["unique"] == pytest.approx(0.5 / 3)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--A", "[[1, 2]", "--B", "[[1, 2]]"), "not valid JSON"),
        (("--A", "[[1, 2]]", "--B", "[[1, 2], [3, 4]]"), "same shape"),
        (("--A", "[[1, 2]]", "--B", "[[1, 2]]", "--method", "magic"), "unknown method"),
        (("--A", "[[1, NaN]]", "--B", "[[1, 2]]"), "finite"),
        (("--A", '[[1, "x"]]', "--B", "[[1, 2]]"), "not a number"),
        (
            ("--A", "[[1, 2]]", "--B", "[[1, 2]]", "--method", "lemke-howson", "--label", "9"),
            "initial_label",
        ),
        (("--A", "{}", "--B", "[[1, 2]]"), "list of rows"),
    ],
)
def test_bad_input_is_one_line_error(args: tuple[str, ...], message: str) -> None:
    code, out, err = run("games", "equilibria", *args)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err and err.count("\n") == 1


def test_bad_sharing_parameters() -> None:
    code, _, err = run("games", "sharing", "--knowledge", "0", "1", "--risk", "0.5")
    assert code == 2 and "knowledge" in err
