"""`trustmarket reputation score|models`: scores equal the library's, parameters are checked
against the model, and bad input ends with one `error:` line and exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_run import ok_json, run

from trustmarket.reputation.feedback_csv import read_feedback_csv
from trustmarket.reputation.models import make_model, model_names

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "reputation" / "feedback.csv"


@pytest.mark.parametrize("name", model_names())
def test_scores_equal_the_library_model(name: str) -> None:
    data = ok_json("reputation", "score", str(EXAMPLE), "--model", name)
    records, scale = read_feedback_csv(EXAMPLE)
    model = make_model(name, scale=scale) if name == "weighted" else make_model(name)
    model.update_many(records)
    assert data["model"] == name
    assert data["feedback"] == len(records) == 11
    assert data["scores"] == pytest.approx(model.scores())


def test_parameters_and_personal_views_reach_the_model() -> None:
    data = ok_json(
        "reputation", "score", str(EXAMPLE), "-m", "coefficient",
        "--set", "alpha=0.5", "--set", "mode=decentralized", "--by", "ann", "--explain", "flo",
    )  # fmt: skip
    records, _ = read_feedback_csv(EXAMPLE)
    model = make_model("coefficient", alpha=0.5, mode="decentralized")
    model.update_many(records)
    assert data["parameters"] == {"alpha": 0.5, "mode": "decentralized"}
    assert data["scores"]["flo"] == pytest.approx(model.score("flo", "ann"))
    assert data["explanation"]["subject"] == "flo"
    assert data["explanation"]["score"] == pytest.approx(model.score("flo", "ann"))


def test_list_parameters_and_the_table() -> None:
    data = ok_json(
        "reputation", "score", str(EXAMPLE), "-m", "eigentrust", "--set", "pretrusted=ann,bo"
    )
    assert data["parameters"] == {"pretrusted": ["ann", "bo"]}
    code, out, _ = run("reputation", "score", str(EXAMPLE), "-m", "accumulative", "--explain", "bo")
    assert code == 0
    assert "star level" in out and "bo" in out and "#positive - #negative" in out


def test_models_lists_every_model_with_its_properties() -> None:
    data = ok_json("reputation", "models")
    assert [row["name"] for row in data["models"]] == list(model_names())
    coefficient = next(row for row in data["models"] if row["name"] == "coefficient")
    assert coefficient["personal_view"] and "alpha" in coefficient["parameters"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-m", "nope"], "unknown reputation model 'nope'"),
        (
            ["-m", "beta", "--set", "forget=0.5"],
            "has no parameter forget; its parameters: forgetting",
        ),
        (["-m", "beta", "--set", "forgetting=2"], "forgetting must be a number in (0, 1]"),
        (["-m", "beta", "--set", "oops"], "--set takes name=value"),
        (["-m", "coefficient", "--set", "alpha=0"], "alpha must be in (0, 1]"),
        (  # an int too large for a float: was an OverflowError traceback
            ["-m", "beta", "--set", "forgetting=1" + "0" * 400],
            "forgetting must be a number in (0, 1]; got an integer of about 401 digits",
        ),
        (["-m", "weighted", "--set", "scale=x"], "comes from the feedback file"),
    ],
)
def test_bad_model_input_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    code, out, err = run("reputation", "score", str(EXAMPLE), *args)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err and err.count("\n") == 1


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "feedback.csv"
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "line 1: empty file"),
        ("rater,subject,rating\n", "line 1: the header lacks transaction"),
        ("transaction,rater,subject,rating\nt1,a,b,2\n", "line 2: rating must be -1, 0 or +1"),
        ("transaction,rater,subject,rating\nt1,a,b,x\n", "line 2: rating must be an integer"),
        ("transaction,rater,subject,rating\nt1,a,a,1\n", "line 2: a cannot rate itself"),
        ("transaction,rater,subject,rating\nt1,a,b\n", "line 2: 3 fields"),
        (
            "transaction,rater,subject,rating\nt1,a,b,1\nt1,a,b,1\n",
            "line 3: a has already rated transaction t1; one feedback per side",
        ),
        (
            "transaction,rater,subject,rating\nt1,a,b,1\nt1,c,a,1\n",
            "line 3: transaction t1 is between a and b, not c and a",
        ),
        (
            "transaction,rater,subject,rating,q,d\nt1,a,b,1,5,\n",
            "line 2: give every attribute score",
        ),
        (
            "transaction,rater,subject,rating,q\nt1,a,b,1,7\n",
            "line 2: attributes: q = 7.0 is off the scale; allowed 0.0 to 5.0",
        ),
        ("transaction,rater,subject,rating,value\nt1,a,b,1,-5\n", "line 2: a transaction value"),
    ],
)
def test_bad_files_name_the_line(tmp_path: Path, text: str, message: str) -> None:
    code, out, err = run("reputation", "score", write(tmp_path, text))
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err, err


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    code, _, err = run("reputation", "score", str(tmp_path / "none.csv"))
    assert code == 2 and "cannot read feedback file" in err


def test_the_weighted_model_needs_attributes(tmp_path: Path) -> None:
    code, _, err = run(
        "reputation", "score", write(tmp_path, "transaction,rater,subject,rating\nt1,a,b,1\n"),
        "-m", "weighted",
    )  # fmt: skip
    assert code == 2 and "reads critical-attribute ratings" in err


def test_bench_prints_tables_and_writes_csv_and_heatmap(tmp_path: Path) -> None:
    from trustmarket.reputation.attacks import BenchTable, run_bench

    csv_path, png = tmp_path / "bench.csv", tmp_path / "bench.png"
    args = ["reputation", "bench", "--models", "ratio,beta", "--attacks", "none,sybil"]
    args += ["--rounds", "200", "--agents", "40", "--csv", str(csv_path), "--heatmap", str(png)]
    data = ok_json(*args)
    expected = run_bench(["ratio", "beta"], ["none", "sybil"], seed=0, rounds=200, agents=40)
    assert data["results"] == json.loads(json.dumps(expected.to_rows()))
    assert BenchTable.from_csv(csv_path) == expected
    assert png.read_bytes()[:4] == b"\x89PNG"
    code, out, _ = run(*args)
    assert code == 0 and "cheater_share" in out and "sybil" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--models", "nope"], "unknown reputation model"),
        (["--attacks", "meteor"], "unknown attack"),
        (["--metric", "speed"], "unknown metric 'speed'"),
        (["--rounds", "0"], "rounds"),
    ],
)
def test_bench_bad_input(tmp_path: Path, args: list[str], message: str) -> None:
    out_files = ["--csv", str(tmp_path / "b.csv"), "--heatmap", str(tmp_path / "b.png")]
    code, out, err = run("reputation", "bench", "--models", "ratio", *args, *out_files)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err, err
    assert not (tmp_path / "b.csv").exists()
