"""Files no command can use (nested too deeply, not UTF-8, numbers too long) and damaged data
directories: each command answers with one ``error:`` line and exit code 2, never a traceback."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from cli_run import run
from test_cli_sharing import setup as sharing_setup

DEEP = "[" * 10_000 + "]" * 10_000
HOSTILE = {
    "deep.json": (DEEP.encode(), "nested too deeply"),
    "binary.json": (b"\xff\xfebad", "is not UTF-8 text"),
    "long.json": (b'{"a": ' + b"7" * 5000 + b"}", "number too long"),
}


def refused(args: list[str], says: str) -> None:
    code, out, err = run(*args)
    assert code == 2 and out == "", (code, out, err)
    assert err.startswith("error: ") and err.count("\n") == 1 and says in err, err


@pytest.mark.parametrize("name", list(HOSTILE))
@pytest.mark.parametrize(
    "command",
    [
        ["auction", "run", "{file}"],
        ["trace", "{file}"],
        ["exchange", "plan", "{file}"],
        ["exchange", "check", "{file}"],
        ["ledger", "append", "{dir}/log.db", "{file}", "--key", "{dir}/key.pem"],
    ],
)
def test_file_readers_refuse_hostile_files(tmp_path: Path, command: list[str], name: str) -> None:
    content, says = HOSTILE[name]
    path = tmp_path / name
    path.write_bytes(content)
    assert run("ledger", "keygen", "--out", str(tmp_path / "key.pem"))[0] == 0
    args = [a.replace("{file}", str(path)).replace("{dir}", str(tmp_path)) for a in command]
    if command[0] == "auction" and name == "binary.json":
        says = "cannot read scenario"
    refused(args, says)
    assert not (tmp_path / "log.db").exists()  # nothing was started


def test_a_game_nested_too_deeply_is_refused() -> None:
    refused(["games", "equilibria", "--A", DEEP, "--B", "[[1]]"], "nested too deeply")


def test_ledger_head_and_prove_do_not_create_a_log_at_a_mistyped_path(tmp_path: Path) -> None:
    key = str(tmp_path / "key.pem")
    assert run("ledger", "keygen", "--out", key)[0] == 0
    missing = str(tmp_path / "typo.db")
    refused(["ledger", "head", missing, "--key", key, "--time", "1"], "no log at")
    refused(["ledger", "prove", missing, "--key", key, "--index", "0"], "no log at")
    assert not Path(missing).exists()
    refused(["ledger", "keygen", "--out", str(tmp_path / "no" / "such" / "k.pem")], "cannot write")


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("garbage", "line 5 is not valid JSON"),
        ("[1]", "line 5: a request is a JSON object"),
        ("{}", "unknown request kind None"),
        ('{"kind": "join", "member": "zz"}', "a join request needs tier"),
        ('{"kind": "join", "member": "grid", "tier": "small-business"}', "no longer applies"),
    ],
)
def test_a_damaged_requests_file_is_named_with_its_line(
    tmp_path: Path, line: str, says: str
) -> None:
    data, _ = sharing_setup(tmp_path)
    requests = Path(data) / "requests.jsonl"
    requests.write_text(requests.read_text() + line + "\n")
    refused(["sharing", "status", "--dir", data], says)


def test_sharing_refuses_an_empty_pattern_a_time_past_year_9999_and_a_file_as_directory(
    tmp_path: Path,
) -> None:
    data, indicator = sharing_setup(tmp_path)
    before = (Path(data) / "requests.jsonl").read_text()
    empty = tmp_path / "empty-pattern.json"
    empty.write_text(json.dumps({**json.loads(Path(indicator).read_text()), "pattern": ""}))
    refused(["sharing", "submit", "grid", str(empty), "--dir", data], "needs a 'pattern'")
    refused(
        ["sharing", "submit", "grid", indicator, "--dir", data, "--time", "253402300800"],
        "past the last second a STIX timestamp can hold",
    )
    assert (Path(data) / "requests.jsonl").read_text() == before
    refused(["sharing", "init", "--dir", indicator], "is a file")


@pytest.mark.parametrize(
    "command",
    [
        ["bureau", "plot", "--out", "{target}"],
        ["reputation", "bench", "--rounds", "10", "--agents", "4", "--csv", "{target}"],
        ["reputation", "bench", "--rounds", "10", "--agents", "4", "--heatmap", "{target}"],
        ["wdp", "generate", "arbitrary", "--goods", "4", "--bids", "5", "-o", "{target}"],
    ],
)
@pytest.mark.parametrize(
    ("where", "says"),
    [("no/such/out.png", "does not exist"), (".", "is a directory"), ("", "needs a file name")],
)
def test_output_files_are_checked_before_any_work(
    tmp_path: Path, command: list[str], where: str, says: str
) -> None:
    target = "" if not where else str(tmp_path / where)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        refused([a.replace("{target}", target) for a in command], says)
        assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing written anywhere


def test_an_output_directory_that_is_a_file_is_refused(tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.write_text("")
    refused(["sim", "run", "avalanche", "--out", str(taken)], "is a file; give a directory")
    refused(["sim", "reproduce", "--out", str(taken)], "is a file; give a directory")


def test_a_pdf_whose_moments_overflow_is_refused_not_printed_as_nan() -> None:
    refused(
        ["contract", "equilibria", "--contractor", "0:0 1e308:1", "--contractee",
         "0:0 2:1 6:1 10:0", "--normalize", "--rho", "6", "--a", "1", "--b", "1", "--json"],
        "within +-1e+100",
    )  # fmt: skip


def test_running_out_of_memory_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    import numpy as np

    generate = importlib.import_module("trustmarket.combinatorial.generate")

    def too_big(*args: object) -> None:
        np.empty((1 << 22, 1 << 22))  # 128 TiB: numpy raises _ArrayMemoryError, a MemoryError

    monkeypatch.setattr(generate, "generate", too_big)
    out = str(tmp_path / "big.txt")
    refused(["wdp", "generate", "L7", "--goods", "4096", "--bids", "1000000", "-o", out],
            "not enough memory for this request")  # fmt: skip


@pytest.mark.parametrize("family", ["levy_stable(1.5, 0)", "studentized_range(3, 10)"])
def test_scipy_families_too_slow_to_tabulate_are_refused_at_once(family: str) -> None:
    refused(
        ["contract", "equilibria", "--contractor", family, "--contractee", "0:0 2:1 6:1 10:0",
         "--normalize", "--rho", "6", "--a", "1", "--b", "1"],
        "too slow to tabulate",
    )  # fmt: skip


@pytest.mark.parametrize("spec", ["norm:0,0", "norm:0,1e-320"])
def test_a_degenerate_bureau_distribution_is_one_line_without_warnings(spec: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning on the way would end the command with it
        refused(["bureau", "reputation", "--F", spec], "scale > 0, above 1e-300")


def test_an_overflowing_profit_function_prints_no_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        code, _, err = run("bureau", "m1", "--h", "linear:1e308")
    assert code == 0 and err == ""
