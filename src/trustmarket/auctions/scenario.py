"""Scenario files: one auction - mechanism, configuration, rules and timed events - as JSON.

A scenario is what ``trustmarket auction run`` takes (the format is documented with examples in
docs/scenarios.md). Amounts are decimal strings in the scenario's currency (``"12.50"``); event
ids may be omitted (they default to ``e1``, ``e2``, ... in file order). Parsing checks every
field and raises :class:`~trustmarket.core.errors.InvalidScenario` naming the offending path.
Running applies the events in order and summarises the outcome; no I/O happens here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from trustmarket.auctions.engine import AuctionEngine
from trustmarket.auctions.registry import MECHANISMS
from trustmarket.auctions.rules import Rules
from trustmarket.core.errors import InvalidScenario, RejectedEvent, TrustmarketError
from trustmarket.core.events import INPUT_EVENTS, InputEvent, Outcome, input_event_from_json
from trustmarket.core.json_input import parse_json
from trustmarket.core.money import Money, check_currency
from trustmarket.core.serialization import from_jsonable

#: Fields that hold money anywhere in a scenario; their values are decimal strings.
MONEY_FIELDS = frozenset(
    {
        "amount",
        "max_amount",
        "unit_price",
        "price",
        "increment",
        "reserve",
        "start_price",
        "decrement",
        "floor",
        "reserve_unit_price",
        "retraction_penalty",
        "decommit_penalty",
    }
)
TOP_LEVEL = (
    "mechanism",
    "currency",
    "auction_id",
    "start",
    "end",
    "participants",
    "config",
    "rules",
    "events",
)
REQUIRED = ("mechanism", "currency", "events")


@dataclass
class Scenario:
    """A parsed scenario: the engine ready to run and the events to feed it."""

    engine: AuctionEngine[Any, Any]
    events: list[InputEvent]


@dataclass
class RunReport:
    """What a scenario run produced: the engine after the run and the events it rejected."""

    engine: AuctionEngine[Any, Any]
    applied: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """The outcome with every amount as a decimal string (what the CLI prints)."""
        engine = self.engine
        tl = engine.timeline
        outcome = engine.result() or Outcome()
        return {
            "auction_id": engine.config.auction_id,
            "mechanism": engine.info.name,
            "currency": engine.config.currency,
            "status": "closed" if tl.closed else "open",
            "close_reason": tl.close_reason,
            "final": tl.final,
            "awards": [
                {
                    "bidder": a.bidder,
                    "quantity": a.quantity,
                    "payment": a.payment.decimal(),
                    "bid_id": a.bid_id,
                }
                for a in outcome.awards
            ],
            "trades": [
                {
                    "buyer": t.buyer,
                    "seller": t.seller,
                    "quantity": t.quantity,
                    "unit_price": t.unit_price.decimal(),
                    "buy_order": t.buy_order,
                    "sell_order": t.sell_order,
                }
                for t in outcome.trades
            ],
            "notes": list(outcome.notes),
            "penalties": {name: owed.decimal() for name, owed in sorted(tl.penalties.items())},
            "decommitted": sorted(tl.decommitted),
            "events_applied": self.applied,
            "rejected": self.rejected,
        }


def decode_amounts(data: Any, currency: str, path: str) -> Any:
    """Replace decimal strings under money fields by the internal ``{minor, currency}`` form."""
    if isinstance(data, list):
        return [decode_amounts(v, currency, f"{path}[{i}]") for i, v in enumerate(data)]
    if not isinstance(data, dict):
        return data
    out: dict[str, Any] = {}
    for key, value in data.items():
        where = f"{path}.{key}"
        if key in MONEY_FIELDS and value is not None:
            if not isinstance(value, str):
                raise InvalidScenario(
                    f'{where}: amounts are decimal strings such as "12.50", got {value!r}'
                )
            try:
                out[key] = Money.parse(value, currency).to_json()
            except TrustmarketError as exc:
                raise InvalidScenario(f"{where}: {exc.message}") from exc
        else:
            out[key] = decode_amounts(value, currency, where)
    return out


def parse_scenario(data: Any) -> Scenario:
    """Build the engine and events of a scenario given as decoded JSON."""
    if not isinstance(data, dict):
        raise InvalidScenario(f"a scenario is a JSON object, got {type(data).__name__}")
    missing = [name for name in REQUIRED if name not in data]
    if missing:
        raise InvalidScenario(
            f"missing field(s): {', '.join(missing)}; a scenario needs {', '.join(REQUIRED)}"
        )
    unknown = sorted(set(data) - set(TOP_LEVEL))
    if unknown:
        raise InvalidScenario(
            f"unknown field(s) {', '.join(unknown)}; allowed: {', '.join(TOP_LEVEL)}"
        )
    name = data["mechanism"]
    # A non-string (e.g. a list) is not hashable: test the type before the lookup.
    if not isinstance(name, str) or name not in MECHANISMS:
        raise InvalidScenario(f"mechanism: unknown {name!r}; allowed: {', '.join(MECHANISMS)}")
    engine_type = MECHANISMS[name]
    try:
        currency = check_currency(data["currency"])
    except TrustmarketError as exc:
        raise InvalidScenario(f"currency: {exc.message}") from exc
    extra = data.get("config", {})
    if not isinstance(extra, dict):
        raise InvalidScenario("config: expected an object of mechanism settings")
    config_data: dict[str, Any] = {
        "auction_id": data.get("auction_id", "scenario"),
        "currency": currency,
        "start": data.get("start", 0),
        "end": data.get("end"),
        "participants": data.get("participants", []),
    }
    clash = sorted(set(extra) & set(config_data))
    if clash:
        raise InvalidScenario(f"config: {', '.join(clash)} belong at the top level")
    config_data.update(extra)
    try:
        config = from_jsonable(
            engine_type.config_type, decode_amounts(config_data, currency, "config"), "config"
        )
        rules_data = data.get("rules", {})
        rules = from_jsonable(Rules, decode_amounts(rules_data, currency, "rules"), "rules")
        engine = engine_type(config, rules)
    except InvalidScenario:
        raise
    except TrustmarketError as exc:
        raise InvalidScenario(exc.message) from exc
    raw_events = data["events"]
    if not isinstance(raw_events, list):
        raise InvalidScenario("events: expected a list of events")
    events = []
    for i, raw in enumerate(raw_events):
        path = f"events[{i}]"
        if not isinstance(raw, dict):
            raise InvalidScenario(f"{path}: expected an event object")
        kind = raw.get("type")
        if kind is not None and not isinstance(kind, str):
            raise InvalidScenario(
                f"{path}.type: expected a string, one of {', '.join(INPUT_EVENTS)}; got {kind!r}"
            )
        raw = {"id": f"e{i + 1}", **raw}
        try:
            events.append(input_event_from_json(decode_amounts(raw, currency, path), path))
        except InvalidScenario:
            raise
        except TrustmarketError as exc:
            message = exc.message if exc.message.startswith(path) else f"{path}: {exc.message}"
            raise InvalidScenario(message) from exc
    return Scenario(engine=engine, events=events)


def load_scenario(text: str) -> Scenario:
    """Parse a scenario from JSON text."""
    return parse_scenario(parse_json(text, "the scenario", error=InvalidScenario))


def run_scenario(scenario: Scenario, *, keep_going: bool = False) -> RunReport:
    """Apply the scenario's events in order.

    A rejected event stops the run with its error (naming the event), unless ``keep_going``,
    in which case it is recorded in the report and the run continues.
    """
    report = RunReport(engine=scenario.engine)
    for index, event in enumerate(scenario.events):
        try:
            scenario.engine.apply(event)
        except RejectedEvent as exc:
            if not keep_going:
                raise type(exc)(f"events[{index}] ({event.id!r}): {exc.message}") from exc
            report.rejected.append(
                {"index": index, "id": event.id, "error": exc.code, "message": exc.message}
            )
        else:
            report.applied += 1
    return report
