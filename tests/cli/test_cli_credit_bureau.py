"""`trustmarket bureau reputation|m1|m2|plot`: the library's numbers, one JSON document, and
bad input as one `error:` line with exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_run import ok_json, run


def test_reputation_prints_every_fixed_point() -> None:
    data = ok_json("bureau", "reputation", "--C", "0.02", "--L", "0.1")
    assert [round(r, 4) for r in data["fixed_points"]] == [0.8167]
    data = ok_json("bureau", "reputation", "--L", "1", "--F", "uniform:0,1", "--G", "uniform:0,1")
    assert [round(r, 4) for r in data["fixed_points"]] == [0.9608]
    code, out, _ = run("bureau", "reputation", "--C", "0.05", "--L", "0.3", "--G", "norm:0.4,0.1")
    assert code == 0 and "fixed point R" in out


def test_m1_reports_stable_points_basins_and_paths() -> None:
    data = ok_json("bureau", "m1", "--h", "linear:1", "--start", "0.05", "--start", "0.5")
    points = [(round(p["reputation"], 6), p["attracting"]) for p in data["stable_points"]]
    assert points == [(0.0, False), (0.96, True)]
    assert all(abs(p["path"][-1] - 0.96) < 1e-6 for p in data["paths"])
    capped = ok_json("bureau", "m1", "--h", "points:0,0;0.5,0.5;1,1", "--r-max", "0.9")
    assert capped["stable_points"][-1]["cap"]


def test_m2_shows_overbidding_punished() -> None:
    data = ok_json("bureau", "m2", "--h", "linear:1", "--start", "0.5")
    runs = {r["strategy"]: r for r in data["runs"]}
    truthful = runs["bid the highest stable point"]["payoff"]
    overbids = [r for name, r in runs.items() if name.startswith("overbid")]
    assert overbids and all(r["punished"] and r["payoff"] < truthful for r in overbids)


def test_plot_writes_a_png(tmp_path: Path) -> None:
    for extra in ([], ["--h", "linear:1"]):
        out = tmp_path / f"figure{len(extra)}.png"
        code, _, err = run("bureau", "plot", "--out", str(out), *extra)
        assert code == 0, err
        assert out.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["reputation", "--C", "0"], "the tracing cost C must be > 0"),
        (["reputation", "--L", "-1"], "L_m must be >= 0"),
        (["reputation", "--F", "uniform:1,0"], "lo < hi"),
        (["reputation", "--G", "cauchyy:0,1"], "unknown continuous distribution"),
        (["m1", "--h", "square"], "write linear:K"),
        (["m1", "--h", "points:0,1;1,2"], "h(0) must be 0"),
        (["m1", "--h", "points:0,0;0.5,1;1,0.5"], "non-decreasing"),
        (["m1", "--start", "2"], "starting reputation must be in [0, 1]"),
        (["m2", "--discount", "1.5"], "discount must be in [0, 1]"),
        (["m2", "--audit-cost", "-1"], "audit cost C_a must be >= 0"),
        # Huge values: a float option reads 1e400 or 400 digits as inf; an int option gets the
        # integer itself (--periods 10**400 ran M2 for ever).
        (["reputation", "--C", "1e400"], "the tracing cost C must be a finite number > 0"),
        (["reputation", "--L", "1" + "0" * 400], "L_m must be a finite number >= 0, got inf"),
        (["m1", "--r-max", "1e400"], "r_max, the highest allowed reputation, must be a number"),
        (["m2", "--discount", "1e400"], "the discount must be a finite number in [0, 1]"),
        (
            ["m2", "--periods", "1" + "0" * 400],
            "periods must be an integer from 1 to 10,000, got an integer of about 401 digits",
        ),
        (["m2", "--periods", "10001"], "periods must be an integer from 1 to 10,000, got 10001"),
        # The library's own refusal of h, not "needs a number"; a huge argument is not echoed.
        (["m1", "--h", "linear:-1"], "the slope of h must be >= 0"),
        (["m1", "--h", "linear:" + "9" * 400], "the slope of h must be a finite number >= 0"),
        (["m1", "--h", "linear:x" + "9" * 400], "linear:K needs a number K, got 'x999"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    code, out, err = run("bureau", *args)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err and err.count("\n") == 1, err


def test_a_huge_argument_is_not_echoed_whole() -> None:
    code, _, err = run("bureau", "m1", "--h", "linear:x" + "9" * 5000)
    assert code == 2 and "..." in err and len(err) < 200, err
