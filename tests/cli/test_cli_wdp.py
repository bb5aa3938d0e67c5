"""`trustmarket wdp`: generate -> solve -> vcg through the CLI on CATS files, parse, and the
error convention (one line `error: ...` on stderr, exit code 2, nothing on stdout)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from cli_run import run

from trustmarket.combinatorial import parse_bid, read_cats, solve, vcg

SPEC_BID = (
    "[({1,2}, 30) XOR ({1,3}, 25)] OR [({4,5}, 75) XOR ({3,5}, 55) XOR ({6}, 25)] OR [({7,8}, 25)]"
)


def ok(*args: str) -> str:
    code, out, err = run(*args)
    assert code == 0, (out, err)
    assert err == ""
    return out


def ok_json(*args: str) -> dict[str, Any]:
    data = json.loads(ok(*args, "--json"))
    assert isinstance(data, dict)
    return data


def refused(args: list[str], *fragments: str) -> str:
    """The command fails the convention way; returns the message."""
    code, out, err = run(*args)
    assert code == 2, (out, err)
    assert out == ""
    assert err.startswith("error: ") and err.endswith("\n"), err
    assert len(err.splitlines()) == 1, err
    for fragment in fragments:
        assert fragment in err, err
    return err


class CatsFile:
    """The bid lines of a CATS file, read here without the library."""

    def __init__(self, path: Path) -> None:
        header: dict[str, int] = {}
        self.bids: dict[str, tuple[Decimal, list[int], int | None]] = {}
        for line in path.read_text().splitlines():
            parts = line.split()
            if not parts or parts[0].startswith("%"):
                continue
            if parts[0] in ("goods", "bids", "dummy"):
                header[parts[0]] = int(parts[1])
                continue
            assert parts[-1] == "#"
            goods = [int(g) for g in parts[2:-1]]
            real = [g for g in goods if g < header["goods"]]
            dummy = [g for g in goods if g >= header["goods"]]
            self.bids[parts[0]] = (Decimal(parts[1]), real, dummy[0] if dummy else None)
        self.goods = header["goods"]
        assert len(self.bids) == header["bids"]

    def bidder(self, bid_id: str) -> str:
        """A bidder is named by the lowest id among the bids sharing her dummy good."""
        group = self.bids[bid_id][2]
        if group is None:
            return bid_id
        return str(min(int(b) for b, (_, _, g) in self.bids.items() if g == group))

    def value(self, winners: list[str]) -> Decimal:
        return sum((self.bids[w][0] for w in winners), Decimal(0))

    def assert_feasible(self, winners: list[str]) -> None:
        goods = [g for w in winners for g in self.bids[w][1]]
        assert len(goods) == len(set(goods)), "a good is sold twice"
        groups = [self.bids[w][2] for w in winners if self.bids[w][2] is not None]
        assert len(groups) == len(set(groups)), "two bids of one XOR bidder win"


def generate(tmp_path: Path, dist: str, goods: int, bids: int, seed: int) -> Path:
    path = tmp_path / f"{dist}-{goods}-{bids}-{seed}.txt"
    out = ok(
        "wdp", "generate", dist, "--goods", str(goods), "--bids", str(bids), "--seed", str(seed),
        "-o", str(path),
    )  # fmt: skip
    assert out == f"wrote {path}: {goods} goods, {bids} bids\n"
    return path


# ---------------------------------------------------------------------------------------------
# generate -> solve -> vcg
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("dist", "goods", "bids"), [("arbitrary", 12, 40), ("regions", 16, 50), ("matching", 16, 40)]
)
def test_generate_solve_vcg_round_trip(tmp_path: Path, dist: str, goods: int, bids: int) -> None:
    path = generate(tmp_path, dist, goods, bids, seed=5)
    text = path.read_text()
    assert text.startswith(f"% trustmarket wdp generate {dist} --goods {goods} --bids {bids}")
    cats = CatsFile(path)
    assert cats.goods == goods
    assert sorted(cats.bids, key=int) == [str(i) for i in range(bids)]

    solved = ok_json("wdp", "solve", str(path))
    assert {"value", "winners", "status", "seconds"} <= solved.keys()
    assert solved["status"] == "optimal"
    assert solved["gap"] == 0.0 and solved["bound"] == solved["value"]
    assert isinstance(solved["seconds"], float) and solved["seconds"] >= 0.0
    assert solved["solver"] == "search"
    # Money is an exact decimal string: the sum of the winners' prices as written in the file.
    assert isinstance(solved["value"], str)
    assert solved["winners"] and all(w in cats.bids for w in solved["winners"])
    cats.assert_feasible(solved["winners"])
    assert Decimal(solved["value"]) == cats.value(solved["winners"])
    # ... and the optimum the library finds for the same file.
    inst = read_cats(path)
    assert solved["value"] == inst.format_price(solve(inst, solver="mip").value)

    priced = ok_json("wdp", "vcg", str(path))
    assert priced["value"] == solved["value"]
    assert priced["status"] == "optimal"
    assert priced["incentive_compatible"] is True
    assert priced["notes"] == []
    won = {cats.bidder(w) for w in priced["winners"]}
    assert set(priced["payments"]) == won
    for bidder, pay in priced["payments"].items():
        own = cats.value([w for w in priced["winners"] if cats.bidder(w) == bidder])
        assert isinstance(pay, str)
        assert Decimal(0) <= Decimal(pay) <= own
    expected = vcg(inst)
    assert priced["payments"] == {b: inst.format_price(p) for b, p in expected.payments.items()}


def test_generate_is_reproducible_from_the_seed(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = generate(tmp_path / "a", "L4", 10, 30, 1).read_bytes()
    assert generate(tmp_path / "b", "L4", 10, 30, 1).read_bytes() == first
    assert generate(tmp_path / "b", "L4", 10, 30, 2).read_bytes() != first


@pytest.mark.parametrize("command", ["solve", "vcg"])
def test_mip_and_search_give_the_same_value(tmp_path: Path, command: str) -> None:
    path = generate(tmp_path, "scheduling", 10, 40, seed=3)
    search = ok_json("wdp", command, str(path), "--solver", "search")
    mip = ok_json("wdp", command, str(path), "--solver", "mip")
    assert (search["solver"], mip["solver"]) == ("search", "mip")
    assert search["value"] == mip["value"]
    assert search["status"] == mip["status"] == "optimal"
    if command == "vcg" and search["winners"] == mip["winners"]:
        assert search["payments"] == mip["payments"]


def test_plain_output_shows_value_winners_and_payments(tmp_path: Path) -> None:
    path = generate(tmp_path, "arbitrary", 12, 40, seed=5)
    solved = ok_json("wdp", "solve", str(path))
    out = ok("wdp", "solve", str(path))
    assert f"optimal value {solved['value']}" in out
    assert "Winning bids" in out
    for bid_id in solved["winners"]:
        assert bid_id in out
    priced = ok_json("wdp", "vcg", str(path))
    out = ok("wdp", "vcg", str(path))
    assert "Clarke-Groves payments" in out
    for bidder, pay in priced["payments"].items():
        assert bidder in out and pay in out


@pytest.fixture(scope="module")
def hard_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An instance the exact solvers need seconds for (see test_solve_api.py)."""
    return generate(tmp_path_factory.mktemp("hard"), "L7", 32, 300, seed=1)


def test_a_time_limit_is_reported(hard_file: Path) -> None:
    solved = ok_json("wdp", "solve", str(hard_file), "--time-limit", "0.2")
    assert solved["status"] == "time_limit"
    assert solved["gap"] > 0.0
    assert Decimal(solved["bound"]) > Decimal(solved["value"])
    out = ok("wdp", "solve", str(hard_file), "--time-limit", "0.2", "--solver", "mip")
    assert "time_limit value" in out
    assert "stopped at the time limit, bound" in out


def test_vcg_with_a_time_limit_says_incentive_compatibility_is_not_guaranteed(
    hard_file: Path,
) -> None:
    priced = ok_json("wdp", "vcg", str(hard_file), "--time-limit", "0.1", "--solver", "mip")
    assert priced["status"] == "time_limit"
    assert priced["incentive_compatible"] is False
    assert any("incentive compatibility is not guaranteed" in n for n in priced["notes"])
    out = ok("wdp", "vcg", str(hard_file), "--time-limit", "0.1", "--solver", "mip")
    assert "incentive compatibility" in out.replace("\n", " ")


# ---------------------------------------------------------------------------------------------
# parse
# ---------------------------------------------------------------------------------------------
def test_parse_prints_the_canonical_form() -> None:
    data = ok_json("wdp", "parse", SPEC_BID)
    assert data["language"] == "or_of_xors"
    assert data["canonical"] == SPEC_BID
    assert [len(t) for t in data["tables"]] == [2, 3, 1]
    assert data["tables"][1][0] == {"bundle": {"4": 1, "5": 1}, "price": "75"}
    out = ok("wdp", "parse", SPEC_BID)
    # On one line, exactly as it parses back, however wide the terminal.
    assert out.splitlines()[0] == f"or_of_xors bid: {SPEC_BID}"
    assert out.count("XOR disjunct") == 3


@pytest.mark.parametrize(
    ("text", "currency", "canonical", "language"),
    [
        ("( {b, a} , $5.5 ) XOR ({c:2}, 3)", "USD", "({a,b}, 5.50) XOR ({c:2}, 3.00)", "xor"),
        ("({2,1},30) OR ({3},4)", "PTS", "({1,2}, 30) OR ({3}, 4)", "or"),
        ("[({x}, 1)] OR [({y}, 2)]", "PTS", "[({x}, 1)] OR [({y}, 2)]", "or_of_xors"),
    ],
)
def test_parse_normalises_to_a_fixed_point(
    text: str, currency: str, canonical: str, language: str
) -> None:
    data = ok_json("wdp", "parse", text, "--currency", currency)
    assert data["canonical"] == canonical
    assert data["language"] == language
    again = ok_json("wdp", "parse", canonical, "--currency", currency)
    assert again == data
    assert parse_bid(canonical, currency) == parse_bid(text, currency)
    assert f"{language} bid: {canonical}" in ok("wdp", "parse", text, "--currency", currency)


# ---------------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("command", ["solve", "vcg"])
def test_missing_file(tmp_path: Path, command: str) -> None:
    missing = tmp_path / "nope.txt"
    for extra in ([], ["--json"]):
        refused(["wdp", command, str(missing), *extra], f"no such file: {missing}")


GOOD_CATS = "% a comment\ngoods 3\nbids 2\ndummy 0\n\n0\t5.00\t0\t1\t#\n1\t4.00\t2\t#\n"


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        (GOOD_CATS.replace("4.00", "four"), 7, "price must be a non-negative decimal number"),
        (GOOD_CATS.replace("\t2\t#", "\t2"), 7, "must end with '#'"),
        (GOOD_CATS.replace("\t2\t#", "\t9\t#"), 7, "out of range"),
        (GOOD_CATS.replace("1\t#", "1\t1\t#"), 6, "listed twice"),
        (GOOD_CATS.replace("goods 3", "goods three"), 2, "goods must be a whole number"),
        (GOOD_CATS.replace("bids 2", "bids 3"), 7, "announces 3 bids but the file has 2"),
        ("0\t5\t0\t#\n", 1, "before the 'goods N' and 'bids M' header"),
    ],
)
@pytest.mark.parametrize("command", ["solve", "vcg"])
def test_malformed_cats_file_names_the_file_and_line(
    tmp_path: Path, command: str, text: str, line: int, fragment: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(text)
    for extra in ([], ["--json"]):
        refused(["wdp", command, str(path), *extra], f"error: {path}, line {line}: ", fragment)
    assert path.read_text() == text


def test_the_good_cats_file_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "good.txt"
    path.write_text(GOOD_CATS)
    assert ok_json("wdp", "solve", str(path))["value"] == "9.00"


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["nope"], ["unknown distribution 'nope'", "allowed: arbitrary, matching, paths"]),
        (["Arbitrary"], ["unknown distribution 'Arbitrary'"]),
        (["arbitrary", "--goods", "0"], ["goods must be an int from 1 to 4096, got 0"]),
        (["arbitrary", "--bids", "0"], ["bids must be an int from 1 to 1000000, got 0"]),
        (["arbitrary", "--seed", "-1"], ["seed must be an int >= 0, got -1"]),
        (["paths", "--goods", "2"], ["needs at least 3 goods"]),
    ],
)
def test_generate_bad_input_writes_nothing(
    tmp_path: Path, args: list[str], fragments: list[str]
) -> None:
    out = tmp_path / "x.txt"
    base = {"--goods": "8", "--bids": "20"}
    for flag, value in zip(args[1::2], args[2::2], strict=True):
        base[flag] = value
    argv = ["wdp", "generate", args[0], *[t for kv in base.items() for t in kv], "-o", str(out)]
    refused(argv, *fragments)
    assert not out.exists()


@pytest.mark.parametrize(
    ("where", "says"),
    [("missing-dir/x.txt", "missing-dir does not exist"), (".", "is a directory")],
)
def test_generate_to_an_unwritable_place(tmp_path: Path, where: str, says: str) -> None:
    target = tmp_path / where
    refused(
        ["wdp", "generate", "arbitrary", "--goods", "4", "--bids", "5", "-o", str(target)],
        says,
    )
    assert not (tmp_path / "missing-dir").exists()


@pytest.mark.parametrize("command", ["solve", "vcg"])
@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        (["--solver", "cplex"], "unknown solver 'cplex'; allowed: search, mip"),
        (["--solver", "MIP"], "unknown solver 'MIP'; allowed: search, mip"),
        (["--time-limit", "-1"], "time_limit must be a positive, finite number of seconds"),
        (["--time-limit", "0"], "time_limit must be a positive, finite number of seconds"),
        (["--time-limit", "nan"], "time_limit must be a positive, finite number of seconds"),
        (["--time-limit", "inf"], "time_limit must be a positive, finite number of seconds"),
        (["--time-limit", "soon"], "Invalid value for '--time-limit'"),
    ],
)
def test_bad_solver_and_time_limit(
    tmp_path: Path, command: str, options: list[str], fragment: str
) -> None:
    path = tmp_path / "good.txt"
    path.write_text(GOOD_CATS)
    for extra in ([], ["--json"]):
        refused(["wdp", command, str(path), *options, *extra], fragment)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["({1,2}, 30) XOR"], "column 16: expected '('"),
        (["({1,1}, 30)"], "appears twice"),
        (["({1}, 3)", "--currency", "XXX"], "unknown currency 'XXX'"),
        (["({1}, 3.5)"], "column"),
        ([""], "column"),
    ],
)
def test_parse_bad_input(args: list[str], fragment: str) -> None:
    for extra in ([], ["--json"]):
        refused(["wdp", "parse", *args, *extra], fragment)
