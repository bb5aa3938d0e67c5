"""An itinerary file's fields are read by type: an integer field takes only a JSON integer (not a
float, even a whole one, nor a boolean or a string), and every fault names the field's path and
what it must be, in the library and in ``trustmarket trace`` (one line, exit code 2)."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from trustmarket.core.errors import InvalidInput
from trustmarket.ledger.itinerary import Journey, Quote
from trustmarket.ledger.tracing import trace

sys.path.insert(0, str(Path(__file__).parents[1] / "cli"))
from cli_run import run

HONEST = Path(__file__).parents[2] / "docs" / "examples" / "itinerary" / "honest.json"
MARK = "__raw__"


def honest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(HONEST.read_text())
    return data


def changed(path: list[str | int], value: Any) -> dict[str, Any]:
    """The honest journey with the field at ``path`` set to ``value`` (or deleted for
    ``...``)."""
    data = honest()
    node: Any = data
    for step in path[:-1]:
        node = node[step]
    if value is ...:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return data


def trace_text(tmp_path: Path, text: str) -> tuple[int, str, str]:
    file = tmp_path / "trip.json"
    file.write_text(text)
    return run("trace", str(file))


def with_literal(path: list[str | int], literal: str) -> str:
    """The honest journey's JSON text with the field at ``path`` written as ``literal``."""
    return json.dumps(changed(path, MARK)).replace(f'"{MARK}"', literal)


INTEGER_FIELDS = [
    (["records", "m1", 0, "quote", "price"], "records.m1[0].quote.price"),
    (["records", "m2", 0, "hop"], "records.m2[0].hop"),
    (["records", "m1", 0, "time"], "records.m1[0].time"),
    (["records", "m3", 0, "ack", "hop"], "records.m3[0].ack.hop"),
    (["records", "m4", 0, "ack", "time"], "records.m4[0].ack.time"),
    (["returned", 1, "price"], "returned[1].price"),
]


@pytest.mark.parametrize(("path", "name"), INTEGER_FIELDS)
@pytest.mark.parametrize(
    "literal", ["1e400", "-1e400", "12000.0", "1.5", "true", '"12000"', "null"]
)
def test_an_integer_field_takes_only_a_json_integer(
    tmp_path: Path, path: list[str | int], name: str, literal: str
) -> None:
    code, out, err = trace_text(tmp_path, with_literal(path, literal))
    assert code == 2 and out == "", err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert f"{name} must be an integer" in err and f"got {literal}" in err, err
    assert "Traceback" not in err


def test_the_library_shows_the_float_it_refuses() -> None:
    data = changed(["records", "m1", 0, "quote", "price"], float("inf"))
    with pytest.raises(InvalidInput, match=r"records\.m1\[0\]\.quote\.price .* got inf"):
        Journey.from_json(data)
    with pytest.raises(InvalidInput, match=r"^itinerary field price must be an integer.* 12000\.0"):
        Quote.from_json({"host": "m1", "item": "lamp", "price": 12000.0})
    with pytest.raises(InvalidInput, match=r"returned\[0\]\.price .* got false"):
        Journey.from_json(changed(["returned", 0, "price"], False))


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (["records", "m1", 0], "x", 'records.m1[0] must be a JSON object, got "x"'),
        (["records", "m1"], {"a": 1}, "records.m1 must be a JSON list, got an object"),
        (["records"], [], "records must be a JSON object, got a list"),
        (["returned"], "x", "returned must be a JSON list"),
        (["returned", 0], 5, "returned[0] must be a JSON object, got 5"),
        (["certificate"], None, "certificate must be a JSON object, got null"),
        (["certificate", "route"], "m1", "certificate.route must be a JSON list"),
        (["certificate", "route", 2], 3, "certificate.route[2] must be a string, got 3"),
        (["records", "m2", 0, "host"], 2, "records.m2[0].host must be a string, got 2"),
        (["records", "m2", 0, "quote"], [], "records.m2[0].quote must be a JSON object"),
        (["records", "m1", 0, "ack", "agent"], {}, "records.m1[0].ack.agent must be a string"),
        (["records", "m1", 0, "signature"], 7, "records.m1[0].signature must be a string"),
        (
            ["records", "m3", 0, "quote", "price"],
            ...,
            "lacks the field 'records.m3[0].quote.price'",
        ),
        (["records", "m3", 0, "certificate", "agent"], ..., "'records.m3[0].certificate.agent'"),
        (["directory", "m2"], 12, "directory.m2 must be a string, got 12"),
        (["directory", "m2"], "zz", "directory.m2: a hex public key is 64 hex digits"),
    ],
)
def test_a_malformed_field_is_named_with_what_it_must_be(
    tmp_path: Path, path: list[str | int], value: Any, message: str
) -> None:
    data = changed(path, value)
    before = copy.deepcopy(data)
    with pytest.raises(InvalidInput) as caught:
        Journey.from_json(data)
    assert message in caught.value.message
    assert "malformed field" not in caught.value.message
    assert data == before  # the input is left as it was
    code, out, err = trace_text(tmp_path, json.dumps(data))
    assert code == 2 and out == "" and message in err and err.count("\n") == 1, err


def test_a_top_level_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(InvalidInput, match="the top level must be a JSON object, got a list"):
        Journey.from_json([])  # type: ignore[arg-type]


def test_the_honest_example_still_reads_and_traces_clean() -> None:
    journey = Journey.from_json(honest())
    assert trace(journey).clean
    assert journey.to_json() == honest()
