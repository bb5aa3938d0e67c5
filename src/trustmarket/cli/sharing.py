"""``trustmarket sharing``: a local threat-indicator sharing exchange in a data directory
(SPEC section 7, docs/sharing.md).

The directory holds ``exchange.json`` (the seed, panel size and embargo) and ``requests.jsonl``,
every accepted request in order. Each command rebuilds the exchange by replaying the requests
(the exchange is deterministic for its seed), applies the new one, and appends it only if it was
accepted: a refused request leaves the directory as it was.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from trustmarket.cli.common import (
    JsonFlag,
    check_output_directory,
    console,
    print_json,
    reports_errors,
)
from trustmarket.core.errors import InvalidInput, TrustmarketError
from trustmarket.core.json_input import parse_json, read_json_file
from trustmarket.sharing import SCOPES, SEVERITIES, SharingExchange, Submission

sharing_app = typer.Typer(
    help="A local threat-indicator sharing exchange in a data directory.", no_args_is_help=True
)

DirOption = Annotated[Path, typer.Option("--dir", help="The exchange's data directory.")]
TimeOption = Annotated[int, typer.Option("--time", help="The time of the request (seconds).")]


def _config(directory: Path) -> dict[str, Any]:
    path = directory / "exchange.json"
    if not path.is_file():
        raise InvalidInput(f"{directory} holds no exchange; run trustmarket sharing init first")
    data = read_json_file(path, "exchange settings")
    keys = ("seed", "panel_size", "embargo")
    if not isinstance(data, dict) or any(key not in data for key in keys):
        raise InvalidInput(f"{path} is not an exchange's settings: an object with {keys}")
    return {key: data[key] for key in keys}


#: The fields of each kind of stored request.
_REQUEST_FIELDS = {
    "join": ("member", "tier"),
    "submit": ("member", "indicator", "time"),
    "review": ("id", "reviewer", "valid", "severity", "scope", "time"),
    "incident": ("category", "time"),
}


def _apply(market: SharingExchange, request: dict[str, Any]) -> Any:
    kind = request.get("kind")
    fields = _REQUEST_FIELDS.get(kind) if isinstance(kind, str) else None
    if fields is None:
        raise InvalidInput(f"unknown request kind {kind!r}; allowed: {', '.join(_REQUEST_FIELDS)}")
    missing = [f for f in fields if f not in request]
    if missing:
        raise InvalidInput(f"a {kind} request needs {', '.join(missing)}")
    if kind == "join":
        return market.join(request["member"], request["tier"])
    if kind == "submit":
        return market.submit(request["member"], request["indicator"], request["time"])
    if kind == "review":
        return market.review(
            request["id"],
            request["reviewer"],
            valid=request["valid"],
            severity=request["severity"],
            scope=request["scope"],
            time=request["time"],
        )
    if kind == "incident":
        return market.record_incident(request["category"], request["time"])
    raise AssertionError(kind)  # every kind in _REQUEST_FIELDS is handled above


def load(directory: Path) -> SharingExchange:
    """The exchange of ``directory``, rebuilt from its requests."""
    config = _config(directory)
    market = SharingExchange(
        panel_size=config["panel_size"], embargo=config["embargo"], seed=config["seed"]
    )
    requests = directory / "requests.jsonl"
    if not requests.is_file():
        return market
    try:
        lines = requests.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read {requests}: {exc}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{requests} line {number}"
        request = parse_json(line, where)
        if not isinstance(request, dict):
            raise InvalidInput(f"{where}: a request is a JSON object, got {request!r}")
        try:
            _apply(market, request)
        except TrustmarketError as exc:
            raise InvalidInput(f"{where} no longer applies: {exc.message}") from None
    return market


def _accept(directory: Path, request: dict[str, Any]) -> Any:
    market = load(directory)
    result = _apply(market, request)
    with open(directory / "requests.jsonl", "a", encoding="utf-8") as out:
        out.write(json.dumps(request, sort_keys=True) + "\n")
    return result


def _submission_json(s: Submission) -> dict[str, Any]:
    return {
        "id": s.id,
        "member": s.member,
        "pattern": s.pattern,
        "panel": list(s.panel),
        "votes": len(s.reviews),
        "verdict": s.verdict,
        "severity": s.severity,
        "scope": s.scope,
        "payout": s.payout,
    }


@sharing_app.command("init")
@reports_errors
def init(
    directory: DirOption,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the panel draws.")] = 0,
    panel_size: Annotated[int, typer.Option("--panel-size", help="Reviewers per report.")] = 3,
    embargo: Annotated[int, typer.Option("--embargo", help="Seconds for non-contributors.")] = (
        7 * 86_400
    ),
) -> None:
    """Create an empty exchange in a new data directory."""
    check_output_directory(directory, "--dir")
    if (directory / "exchange.json").exists():
        raise InvalidInput(f"{directory} already holds an exchange")
    SharingExchange(panel_size=panel_size, embargo=embargo, seed=seed)  # checks the settings
    directory.mkdir(parents=True, exist_ok=True)
    settings = {"seed": seed, "panel_size": panel_size, "embargo": embargo}
    (directory / "exchange.json").write_text(json.dumps(settings, indent=2) + "\n")
    console().print(f"created an exchange in {directory}")


@sharing_app.command("join")
@reports_errors
def join(
    member: Annotated[str, typer.Argument(help="The member's id.")],
    tier: Annotated[
        str,
        typer.Option("--tier", help="critical-infrastructure, core-business or small-business."),
    ],
    directory: DirOption,
) -> None:
    """Admit a member."""
    _accept(directory, {"kind": "join", "member": member, "tier": tier})
    console().print(f"{member} joined ({tier})")


@sharing_app.command("submit")
@reports_errors
def submit(
    member: Annotated[str, typer.Argument(help="The submitting member.")],
    indicator: Annotated[Path, typer.Argument(help="A JSON file of STIX Indicator properties.")],
    directory: DirOption,
    time: TimeOption = 0,
    json_output: JsonFlag = False,
) -> None:
    """Submit an indicator; prints its id and panel."""
    properties = read_json_file(indicator, "indicator file")
    result = _accept(
        directory, {"kind": "submit", "member": member, "indicator": properties, "time": time}
    )
    if json_output:
        print_json(_submission_json(result))
        return
    console().print(f"{result.id}: panel {', '.join(result.panel)}")


@sharing_app.command("review")
@reports_errors
def review(
    submission: Annotated[str, typer.Argument(help="The submission id.")],
    reviewer: Annotated[str, typer.Argument(help="The reviewing member.")],
    directory: DirOption,
    severity: Annotated[str, typer.Option("--severity", help=", ".join(SEVERITIES))] = "medium",
    scope: Annotated[str, typer.Option("--scope", help=", ".join(SCOPES))] = "specific",
    reject: Annotated[bool, typer.Option("--reject", help="Vote the report invalid.")] = False,
    time: TimeOption = 0,
    json_output: JsonFlag = False,
) -> None:
    """A panel member's vote; the verdict and payout follow the last vote."""
    request = {
        "kind": "review",
        "id": submission,
        "reviewer": reviewer,
        "valid": not reject,
        "severity": severity,
        "scope": scope,
        "time": time,
    }
    result = _accept(directory, request)
    if json_output:
        print_json(_submission_json(result))
        return
    state = result.verdict or f"{len(result.reviews)} of {len(result.panel)} votes"
    console().print(f"{result.id}: {state}; payout {result.payout}")


@sharing_app.command("status")
@reports_errors
def status(directory: DirOption, json_output: JsonFlag = False) -> None:
    """Members with their balances and reputations, and every submission."""
    market = load(directory)
    members: list[dict[str, Any]] = [
        {
            "member": m.id,
            "tier": m.tier.value,
            "balance": market.balances[m.id],
            "reputation": market.reputation.score(m.id),
        }
        for m in market.members.values()
    ]
    submissions = [_submission_json(s) for s in market.submissions.values()]
    if json_output:
        print_json({"members": members, "submissions": submissions, "log_size": len(market.log)})
        return
    out = console(wide=True)
    table = Table(title="members")
    for column in ("member", "tier", "balance (minor units)", "reputation"):
        table.add_column(column)
    for row in members:
        table.add_row(row["member"], row["tier"], str(row["balance"]), f"{row['reputation']:.3f}")
    out.print(table)
    table = Table(title=f"submissions ({len(market.log)} log entries)")
    for column in ("id", "member", "panel", "verdict", "severity", "scope", "payout"):
        table.add_column(column)
    for s in submissions:
        table.add_row(
            s["id"],
            s["member"],
            ", ".join(s["panel"]),
            s["verdict"] or f"{s['votes']} votes",
            s["severity"] or "",
            s["scope"] or "",
            str(s["payout"]),
        )
    out.print(table)
