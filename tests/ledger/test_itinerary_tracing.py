"""Itinerary evidence and tracing: the honest journey is clean, every attack names its culprit
with the evidence, and tracing reports its cost."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from trustmarket.core.errors import InvalidInput, InvalidSignature
from trustmarket.ledger.itinerary import Journey, Misbehaviour, data_digest, run_journey
from trustmarket.ledger.keys import KeyPair
from trustmarket.ledger.tracing import trace

ROUTE = ("m1", "m2", "m3", "m4")
PRICES = {"m1": 12_000, "m2": 9_500, "m3": 11_000, "m4": 10_200}
OWNER = KeyPair.generate("customer")
HOSTS = {host: KeyPair.generate(f"host {host}") for host in ROUTE}


def journey(**faults: Misbehaviour) -> Journey:
    return run_journey("cu", OWNER, HOSTS, ROUTE, PRICES, item="lamp", misbehaviour=faults)


def test_an_honest_journey_is_clean_and_its_cost_is_counted() -> None:
    trip = journey()
    assert [q.host for q in trip.returned] == list(ROUTE)
    report = trace(trip)
    assert report.clean and report.culprit is None
    assert report.hops == 4
    assert report.records_fetched == 4
    # the certificate, then each host's record and its successor's acknowledgement
    assert report.signatures_checked == 1 + 2 * 4


def test_a_deleted_quote_names_the_host_that_deleted_it() -> None:
    trip = journey(m3=Misbehaviour(delete_quote="m2"))  # m3 hides the cheaper m2
    assert "m2" not in {q.host for q in trip.returned}
    report = trace(trip)
    assert report.culprit == "m3" and report.fault == "altered the data it passed on"
    assert any("quote of m2 (9500) is missing" in line for line in report.evidence)
    assert report.records[-1].host == "m3"


def test_an_altered_quote_names_the_host_and_the_signed_price() -> None:
    report = trace(journey(m4=Misbehaviour(alter_quote=("m2", 15_000))))
    assert report.culprit == "m4"
    assert any("m2 came back as 15000, but m2 signed 9500" in e for e in report.evidence)


def test_skipping_a_competitor_names_the_host_that_changed_the_route() -> None:
    trip = journey(m1=Misbehaviour(skip_next=True))
    assert "m2" not in {q.host for q in trip.returned}
    report = trace(trip)
    assert report.culprit == "m1" and report.fault == "changed the itinerary"
    assert "skipping m2" in report.evidence[0]


def test_a_forged_acknowledgement_is_caught() -> None:
    report = trace(journey(m2=Misbehaviour(skip_next=True, forge_ack=True)))
    assert report.culprit == "m2" and report.fault == "forged an acknowledgement"
    assert "not signed by m3" in report.evidence[0]


def test_a_replayed_old_record_is_caught() -> None:
    old = run_journey("cu", OWNER, HOSTS, ROUTE, PRICES, item="lamp", journey="j0")
    stale = old.records["m2"][0]
    report = trace(journey(m2=Misbehaviour(replay=stale)))
    assert report.culprit == "m2" and report.fault == "replayed an old record"
    assert "journey j0" in report.evidence[0]


def test_colluding_hosts_are_caught_at_the_one_an_honest_successor_contradicts() -> None:
    # m2 deletes m1's quote and m3 covers for it: acknowledges and records the honest data.
    trip = journey(m2=Misbehaviour(delete_quote="m1"), m3=Misbehaviour(cover_previous=True))
    report = trace(trip)
    assert report.culprit == "m3"
    assert report.fault == "altered the data it passed on"
    assert any("quote of m1" in e for e in report.evidence)


def test_a_tampered_record_fails_its_signature() -> None:
    trip = journey()
    record = trip.records["m2"][0]
    tampered = type(record).from_json({**record.to_json(), "next_host": "m4"})
    forged = Journey(
        trip.certificate, {**trip.records, "m2": (tampered,)}, trip.returned, trip.directory
    )
    report = trace(forged)
    assert report.culprit == "m2" and report.fault == "record not signed by its host"


def test_a_withheld_record_names_the_host() -> None:
    trip = journey()
    hidden = Journey(trip.certificate, {**trip.records, "m3": ()}, trip.returned, trip.directory)
    report = trace(hidden)
    assert report.culprit == "m3" and report.fault == "withheld its record"


def test_journeys_round_trip_through_json() -> None:
    trip = journey(m3=Misbehaviour(delete_quote="m2"))
    again = Journey.from_json(json.loads(json.dumps(trip.to_json())))
    assert again == trip
    assert trace(again) == trace(trip)
    assert data_digest(again.returned) == data_digest(trip.returned)


def test_a_forged_certificate_is_refused() -> None:
    trip = journey()
    mallory = KeyPair.generate("mallory")
    with pytest.raises(InvalidSignature, match="not signed by its owner cu"):
        trace(trip, {**trip.directory, "cu": mallory.public_key})


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"route": ()}, "at least one host"),
        ({"route": ("m1", "m1")}, "each host once"),
        ({"route": ("m1", "zz")}, "no key for host zz"),
        ({"prices": {"m1": 1}}, "no price for host"),
    ],
)
def test_bad_journeys_are_refused(kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"route": ROUTE, "prices": PRICES, **kwargs}
    with pytest.raises(InvalidInput, match=message):
        run_journey("cu", OWNER, HOSTS, **arguments)  # type: ignore[arg-type]


def test_a_malformed_itinerary_file_is_refused() -> None:
    with pytest.raises(InvalidInput, match="lacks the field 'records'"):
        Journey.from_json({"certificate": journey().certificate.to_json()})


def test_a_record_whose_previous_hash_does_not_match_breaks_the_chain() -> None:
    trip = journey()
    record = trip.records["m3"][0]
    relinked = replace(record, previous="00" * 32).signed(HOSTS["m3"])  # re-signed by m3 itself
    broken = Journey(
        trip.certificate, {**trip.records, "m3": (relinked,)}, trip.returned, trip.directory
    )
    report = trace(broken)
    assert report.culprit == "m3" and report.fault == "broke the chain"
    assert [r.host for r in report.records] == ["m2", "m3"]
