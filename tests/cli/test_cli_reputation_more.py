"""`trustmarket reputation`: a hostile feedback CSV (a field past the csv limit, bytes that are
not UTF-8) is one `error:` line naming the file and line; one pre-trusted agent can be given
without a comma; the bench refuses, before any work, sizes that cannot fit in memory."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from cli_run import ok_json, run

from trustmarket.cli import reputation as reputation_cli
from trustmarket.core.errors import InvalidReputation
from trustmarket.reputation.feedback_csv import read_feedback_csv
from trustmarket.reputation.models import make_model, model_class

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "reputation" / "feedback.csv"
HEADER = "transaction,rater,subject,rating\n"


def refused(args: list[str], *fragments: str) -> str:
    code, out, err = run(*args)
    assert code == 2 and out == "", (code, out, err)
    assert err.startswith("error: ") and err.count("\n") == 1, err
    for fragment in fragments:
        assert fragment in err, err
    return err


def test_a_field_past_the_csv_limit_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text(HEADER + "t1,ann," + "x" * (csv.field_size_limit() + 1) + ",1\n")
    refused(["reputation", "score", str(path)], f"{path}, line 2", "longer than 131,072")


def test_bytes_that_are_not_utf8_are_one_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(HEADER.encode() + "t1,ann,bo,1\nt1,bo,ren\u00e9,1\n".encode("latin-1"))
    refused(["reputation", "score", str(path)], f"{path}, line 3", "not UTF-8 text")


def test_a_feedback_path_that_is_a_directory_is_one_line(tmp_path: Path) -> None:
    refused(["reputation", "score", str(tmp_path)], "cannot read feedback file")


def scores_with(pretrusted: list[str]) -> dict[str, float]:
    records, _ = read_feedback_csv(EXAMPLE)
    model = make_model("eigentrust", pretrusted=pretrusted)
    model.update_many(records)
    return model.scores()


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("pretrusted=ann", ["ann"]),
        ("pretrusted=ann,", ["ann"]),
        ("pretrusted= ann , bo ", ["ann", "bo"]),
        ("pretrusted=", []),
        ("pretrusted=42", ["42"]),  # an id of digits stays text
        ("pretrusted=true", ["true"]),
    ],
)
def test_one_pretrusted_agent_needs_no_comma(setting: str, expected: list[str]) -> None:
    data = ok_json("reputation", "score", str(EXAMPLE), "-m", "eigentrust", "--set", setting)
    assert data["parameters"] == {"pretrusted": expected}
    assert data["scores"] == pytest.approx(scores_with(expected))


def test_a_single_pretrusted_agent_changes_the_scores() -> None:
    assert scores_with(["ann"]) != pytest.approx(scores_with([]))


def test_a_bad_pretrusted_id_is_still_refused() -> None:
    refused(
        ["reputation", "score", str(EXAMPLE), "-m", "eigentrust", "--set", "pretrusted=a b"],
        "invalid pre-trusted peer 'a b'",
    )


def test_only_collection_parameters_become_lists() -> None:
    assert reputation_cli.collection_parameters(model_class("eigentrust")) == {"pretrusted"}
    for name in ("beta", "coefficient", "weighted", "accumulative"):
        assert reputation_cli.collection_parameters(model_class(name)) == frozenset()
    assert reputation_cli.parse_setting("alpha=0.5", {"pretrusted"}) == ("alpha", 0.5)
    assert reputation_cli.parse_setting("pretrusted=ann", {"pretrusted"}) == (
        "pretrusted",
        ["ann"],
    )


def bench(tmp_path: Path, *args: str) -> list[str]:
    out = ["--csv", str(tmp_path / "b.csv"), "--heatmap", str(tmp_path / "b.png")]
    return ["reputation", "bench", "--models", "ratio", "--attacks", "none", *args, *out]


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (
            ["--rounds", "1000000000"],
            ["rounds must be a whole number from 1 to 1,000,000, got 1,000,000,000"],
        ),
        (["--rounds", "1000001"], ["rounds must be a whole number from 1 to 1,000,000"]),
        (["--rounds", "0"], ["rounds must be a whole number from 1 to 1,000,000, got 0"]),
        (
            ["--agents", "1000000000"],
            ["agents must be a whole number from 10 to 100,000, got 1,000,000,000"],
        ),
        (["--agents", "100001"], ["agents must be a whole number from 10 to 100,000"]),
        (["--agents", "9"], ["agents must be a whole number from 10 to 100,000, got 9"]),
        (
            ["--rounds", "1000000", "--agents", "101"],
            ["at most 100,000,000", "1,000,000 x 101 = 101,000,000"],
        ),
        (["--rounds", "10000", "--agents", "100000"], ["at most 100,000,000"]),
    ],
)
def test_bench_sizes_past_the_limits_are_refused_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], fragments: list[str]
) -> None:
    def never(*_: object, **__: object) -> None:
        raise AssertionError("the bench started")

    monkeypatch.setattr(reputation_cli, "run_bench", never)
    refused(bench(tmp_path, *args), *fragments)
    assert sorted(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("rounds", "agents"), [("1000000", "100"), ("1000", "100000"), ("1", "10")]
)
def test_bench_sizes_at_the_limits_reach_the_bench(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rounds: str, agents: str
) -> None:
    seen: list[tuple[object, object]] = []

    def stub(*_: object, rounds: int, agents: int, **__: object) -> None:
        seen.append((rounds, agents))
        raise InvalidReputation("stopped here")

    monkeypatch.setattr(reputation_cli, "run_bench", stub)
    refused(bench(tmp_path, "--rounds", rounds, "--agents", agents), "stopped here")
    assert seen == [(int(rounds), int(agents))]
