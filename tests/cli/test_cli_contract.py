"""`trustmarket contract equilibria|optimize`: tables, one JSON document, the input format and
the error convention (one line `error: ...` on stderr, exit code 2, nothing on stdout)."""

from __future__ import annotations

import pytest
from cli_run import ok_json, run

from trustmarket.analysis.commitment import (
    CommitmentGame,
    Contract,
    Mechanism,
    PiecewiseLinear,
    ScipyDistribution,
)
from trustmarket.cli.contract import parse_distribution
from trustmarket.core.errors import InvalidDistribution

F = "0:0 4:1 8:1 12:0"
G = "0:0, 2:1, 6:1, 10:0"
SHAPES = ["--contractor", F, "--contractee", G, "--normalize"]


def refused(args: list[str], *fragments: str) -> str:
    code, out, err = run(*args)
    assert code == 2, (out, err)
    assert out == ""
    assert err.startswith("error: ") and len(err.splitlines()) == 1, err
    for fragment in fragments:
        assert fragment in err, err
    return err


def test_parse_distribution() -> None:
    pdf = parse_distribution(" 0:0  1:1 2:0 ")
    assert isinstance(pdf, PiecewiseLinear)
    assert pdf.points == ((0.0, 0.0), (1.0, 1.0), (2.0, 0.0))
    assert parse_distribution("0:0;1:4;2:0", normalize=True) == PiecewiseLinear(
        [(0, 0), (1, 1), (2, 0)]
    )
    normal = parse_distribution("norm(loc=6, scale=1.5)")
    assert isinstance(normal, ScipyDistribution) and normal.mean == 6.0
    assert parse_distribution("uniform(-2, 4)").support == (-2.0, 2.0)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("0:0 1:x", "not a pair of numbers"),
        ("0 1 2", "cannot read '0'"),
        ("0:1 1:1 2:1", "integrates to 2"),
        ("poisson(3)", "not a continuous scipy.stats distribution"),
        ("norm(6, -1)", "outside the distribution's domain"),
        ("norm(mu)", "plain numbers"),
        ("norm(6", "cannot read"),
        ("__import__('os')", "not a continuous scipy.stats distribution"),
        ("cauchy(0, 1)", "finite mean"),
    ],
)
def test_bad_distribution_text(text: str, fragment: str) -> None:
    with pytest.raises(InvalidDistribution, match=fragment.replace("(", r"\(")):
        parse_distribution(text)


def test_equilibria_json_matches_the_library() -> None:
    data = ok_json("contract", "equilibria", *SHAPES, "--rho", "6", "--a", "1", "--b", "1")
    game = CommitmentGame(
        PiecewiseLinear.normalized([(0, 0), (4, 1), (8, 1), (12, 0)]),
        PiecewiseLinear.normalized([(0, 0), (2, 1), (6, 1), (10, 0)]),
    )
    assert data["contract"] == {"rho": 6.0, "a": 1.0, "b": 1.0}
    assert data["status_quo"]["contractor"] == pytest.approx(-6.0)
    assert [m["mechanism"] for m in data["mechanisms"]] == [m.value for m in Mechanism]
    for entry in data["mechanisms"]:
        expected = game.equilibria(Contract(6, 1, 1), entry["mechanism"])
        assert len(entry["equilibria"]) == len(expected.points)
        for got, want in zip(entry["equilibria"], expected.points, strict=True):
            assert got["a_star"] == pytest.approx(want.a_star)
            assert got["contractee_payoff"] == pytest.approx(want.contractee_payoff)


def test_equilibria_tables_and_several_equilibria() -> None:
    code, out, err = run(
        "contract", "equilibria",
        "--contractor", "1.5:0 2:1 2.5:0 7.5:0 8:1 8.5:0",
        "--contractee", "2.5:0 3:1 3.5:0 7.5:0 8:1 8.5:0",
        "--normalize", "--rho", "5", "--a", "2", "--b", "2",
        "--mechanism", "simultaneous-both-pay",
    )  # fmt: skip
    assert code == 0 and err == ""
    assert "simultaneous-both-pay: 3 equilibria" in out
    assert "sequential" not in out


def test_never_decommits_is_null_in_json() -> None:
    data = ok_json(
        "contract", "equilibria", *SHAPES, "--rho", "12", "--a", "0", "--b", "1",
        "--mechanism", "sequential-contractee-first",
    )  # fmt: skip
    eq = data["mechanisms"][0]["equilibria"][0]
    assert eq["b_star"] is None and eq["p_a"] == 1.0


def test_optimize() -> None:
    data = ok_json("contract", "optimize", *SHAPES)
    assert data["full_commitment"]["gain"] == pytest.approx(6 - 32 / 7)
    gains = [m["gain"] for m in data["mechanisms"]]
    assert len(gains) == 4 and max(gains) - min(gains) < 1e-9
    for m in data["mechanisms"]:
        fair = m["fair"]
        assert fair["contractor_gain"] == pytest.approx(fair["contractee_gain"], abs=1e-9)
        assert m["prices"][0] <= fair["contract"]["rho"] <= m["prices"][1]
        assert m["advantage"] == pytest.approx(m["gain"] - data["full_commitment"]["gain"])
    code, out, err = run("contract", "optimize", *SHAPES)
    assert code == 0 and err == ""
    assert "Fair optimal contracts" in out and "neither pays" in out


def test_optimize_scipy_and_no_beneficial_contract() -> None:
    data = ok_json(
        "contract", "optimize", "--contractor", "norm(6, 1.5)", "--contractee",
        "norm(loc=5.5, scale=2)", "--mechanism", "simultaneous-both-pay",
    )  # fmt: skip
    assert len(data["mechanisms"]) == 1 and data["mechanisms"][0]["gain"] > 0.5
    args = ["contract", "optimize", "--contractor", "0:0.5 2:0.5", "--contractee", "5:0.5 7:0.5"]
    data = ok_json(*args)
    assert all(m["fair"] is None for m in data["mechanisms"])
    assert data["full_commitment"]["prices"] is None
    code, out, _ = run(*args)
    assert code == 0 and "no leveled commitment contract beats the status quo" in out


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--rho", "6", "--a", "-1", "--b", "1"], ["penalty a = -1 is below zero"]),
        (["--rho", "13", "--a", "1", "--b", "1"], ["outside the support", "0 <= rho <= 12"]),
        (["--rho", "6", "--a", "1", "--b", "1", "--mechanism", "x"], ["unknown mechanism 'x'"]),
        (["--rho", "6", "--a", "1"], ["--b"]),
        (["--rho", "nan", "--a", "1", "--b", "1"], ["rho must be finite"]),
    ],
)
def test_equilibria_bad_input(args: list[str], fragments: list[str]) -> None:
    refused(["contract", "equilibria", *SHAPES, *args], *fragments)


def test_bad_distributions_on_the_command_line() -> None:
    refused(
        ["contract", "optimize", "--contractor", "0:1 1:1 2:1", "--contractee", G],
        "integrates to 2",
        "--normalize",
    )
    refused(
        ["contract", "optimize", "--contractor", "0:-1 1:3", "--contractee", G, "--normalize"],
        "densities must be >= 0",
    )
    refused(
        ["contract", "optimize", "--contractor", "3:1 1:1", "--contractee", G, "--normalize"],
        "strictly increasing",
    )
    refused(["contract", "optimize", "--contractor", F], "--contractee")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        # Python's parser raised MemoryError on thousands of nested signs.
        ("norm(" + "-" * 100_000 + "1)", "a scipy distribution call has at most 1000 characters"),
        ("norm(" + "(" * 100_000 + ")", "at most 1000 characters; got 100,006"),
        ("norm(" + "-" * 990 + "1)", "must be plain numbers"),  # within the bound: no recursion
        ("norm((((6))), 1)", "cannot read 'norm((((6))), 1)'; write e.g. 'norm(6, 1.5)'"),
        ("norm(1" + "0" * 400 + ")", "must be finite numbers"),  # was OverflowError
        ("norm(1e999, 1)", "must be finite numbers"),
        ("beta(" + ", ".join(["1"] * 11) + ")", "has 11 arguments; a scipy distribution takes"),
        ("0:1 " * 250_001, "at most 1,000,000 characters; got 1,000,004"),
        (" ".join(f"{x}:1" for x in range(20_001)), "at most 20,000 x:density pairs; got 20,001"),
    ],
    ids=[
        "nested-signs",
        "nested-parentheses",
        "signs-within-bound",
        "parentheses-within-bound",
        "huge-integer",
        "infinite-float",
        "too-many-arguments",
        "too-long",
        "too-many-pairs",
    ],
)
def test_pathological_text_is_refused_quickly(text: str, fragment: str) -> None:
    with pytest.raises(InvalidDistribution) as refusal:
        parse_distribution(text)
    assert fragment in refusal.value.message
    assert len(refusal.value.message) < 400  # the text is not echoed whole


def test_the_largest_texts_allowed_are_read() -> None:
    xs = range(20_000)
    pdf = parse_distribution(" ".join(f"{x}:1" for x in xs), normalize=True)
    assert isinstance(pdf, PiecewiseLinear) and len(pdf.points) == 20_000
    padded = "norm(6, 1.5" + " " * (1000 - 12) + ")"
    assert len(padded) == 1000 and parse_distribution(padded).mean == 6.0


def test_pathological_text_on_the_command_line() -> None:
    refused(
        ["contract", "optimize", "--contractor", "norm(" + "-" * 10_000 + "1)", "--contractee", G],
        "a scipy distribution call has at most 1000 characters; got 10,007",
    )
