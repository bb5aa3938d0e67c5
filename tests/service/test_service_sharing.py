"""The sharing exchange over HTTP, on both databases: join in tiers, submit a STIX indicator,
the drawn panel reviews, the rules pay, the pool follows contribution, and the exchange is the
same after a restart (its events are replayed with the same panels)."""

from __future__ import annotations

from typing import Any

import pytest
from live_server import PASSWORD, LiveServer, live_server

from trustmarket.client import ApiError, Client
from trustmarket.service.settings import Settings
from trustmarket.sharing import SharingExchange

INDICATOR = {
    "pattern": "[ipv4-addr:value = '198.51.100.7']",
    "pattern_type": "stix",
    "valid_from": "2026-11-01T00:00:00Z",
    "indicator_types": ["malicious-activity"],
}
MEMBERS = [
    ("grid", "critical-infrastructure"),
    ("bank", "core-business"),
    ("shop", "small-business"),
    ("mill", "small-business"),
    ("port", "core-business"),
]


def _members(server: LiveServer) -> dict[str, Client]:
    """The members, every one also a panel member (an admin grants the role)."""
    admin = server.admin()
    clients = {}
    for name, tier in MEMBERS:
        clients[name] = server.user(name)
        admin.set_roles(name, ["participant", "panel_member"])
        joined = clients[name].request("POST", "/api/sharing/members", json={"tier": tier})
        assert joined == {"member": name, "tier": tier}
    return clients


def _review(client: Client, submission: str, severity: str, scope: str, valid: bool = True) -> Any:
    return client.request(
        "POST",
        f"/api/sharing/submissions/{submission}/reviews",
        json={"valid": valid, "severity": severity, "scope": scope},
    )


def test_an_indicator_is_reviewed_paid_and_pooled(settings: Settings) -> None:
    with live_server(settings) as server:
        members = _members(server)
        made = members["grid"].request(
            "POST", "/api/sharing/submissions", json={"indicator": INDICATOR}
        )
        submission, panel = made["submission_id"], made["panel"]
        assert len(panel) == 3 and "grid" not in panel and made["verdict"] is None
        outsider = next(n for n, _ in MEMBERS if n not in panel and n != "grid")
        with pytest.raises(ApiError) as not_drawn:
            _review(members[outsider], submission, "high", "root")
        assert not_drawn.value.status == 409 and "not on the panel" in not_drawn.value.message
        with pytest.raises(ApiError) as hidden:
            members[outsider].request("GET", f"/api/sharing/submissions/{submission}")
        assert hidden.value.status == 403
        assert members[panel[0]].request("GET", "/api/sharing/me")["to_review"] == [submission]
        votes = [("high", "root"), ("critical", "root"), ("medium", "specific")]
        for reviewer, (severity, scope) in zip(panel, votes, strict=True):
            decided = _review(members[reviewer], submission, severity, scope)
        assert decided["verdict"] == "verified"
        assert (decided["severity"], decided["scope"]) == ("high", "root")  # lower medians
        # base 1000.00 x high 4 x root 3 x critical infrastructure 3 x novel 1 x dynamic 1
        assert decided["payout"] == 3_600_000
        me = members["grid"].request("GET", "/api/sharing/me")
        assert me["balance"] == 3_600_000 and me["contributor"] and me["reputation"] > 0.5
        # the contributor sees the pool; the others wait for the embargo
        assert [
            s["submission_id"] for s in members["grid"].request("GET", "/api/sharing/pool")
        ] == [submission]
        assert members[outsider].request("GET", "/api/sharing/pool") == []
        # the same requests through the library give the same panel and payout
        library = SharingExchange(seed=int(_seed(server)))
        for name, tier in MEMBERS:
            library.join(name, tier)
        mirrored = library.submit("grid", INDICATOR, time=made["time"])
        assert list(mirrored.panel) == panel
    with live_server(settings) as again:
        grid = again.client()
        grid.login("grid", PASSWORD)
        after = grid.request("GET", "/api/sharing/me")
        assert after["balance"] == 3_600_000 and after["submitted"] == [submission]
        shown = grid.request("GET", f"/api/sharing/submissions/{submission}")
        assert shown["panel"] == panel and shown["verdict"] == "verified"


def _seed(server: LiveServer) -> str:
    from sqlalchemy import select

    from trustmarket.service.schema import ServiceIdentity

    def read(work: Any) -> str:
        return str(
            work.connection.scalar(
                select(ServiceIdentity.value).where(ServiceIdentity.name == "sharing_seed")
            )
        )

    return server.service.writer.call(read)


def test_sharing_refusals(server: LiveServer) -> None:
    members = _members(server)
    grid = members["grid"]
    with pytest.raises(ApiError) as twice:
        grid.request("POST", "/api/sharing/members", json={"tier": "small-business"})
    assert twice.value.status == 422 and "already a member" in twice.value.message
    with pytest.raises(ApiError) as bad_tier:
        grid.request("POST", "/api/sharing/members", json={"tier": "huge"})
    assert bad_tier.value.status == 422
    with pytest.raises(ApiError) as not_stix:
        grid.request("POST", "/api/sharing/submissions", json={"indicator": {"pattern": "x"}})
    assert not_stix.value.status == 422 and "STIX" in not_stix.value.message
    stranger = server.user("stranger")
    with pytest.raises(ApiError) as not_member:
        stranger.request("POST", "/api/sharing/submissions", json={"indicator": INDICATOR})
    assert not_member.value.status == 409 and "join first" in not_member.value.message
    with pytest.raises(ApiError) as no_admin:
        grid.request("POST", "/api/sharing/incidents", json={"category": "malicious-activity"})
    assert no_admin.value.status == 403
    assert grid.request("GET", "/api/sharing/me")["submitted"] == []


def test_panels_are_drawn_only_from_panel_members(server: LiveServer) -> None:
    admin = server.admin()
    clients = {}
    for name, tier in MEMBERS:
        clients[name] = server.user(name)
        clients[name].request("POST", "/api/sharing/members", json={"tier": tier})
    for name in ("bank", "shop", "mill"):
        admin.set_roles(name, ["participant", "panel_member"])
    for k in range(4):
        indicator = {**INDICATOR, "pattern": f"[ipv4-addr:value = '198.51.100.{k + 20}']"}
        made = clients["port"].request(
            "POST", "/api/sharing/submissions", json={"indicator": indicator}
        )
        assert sorted(made["panel"]) == ["bank", "mill", "shop"]  # grid holds no role
    with pytest.raises(ApiError) as too_few:  # shop may not review its own: 2 others remain
        clients["shop"].request("POST", "/api/sharing/submissions", json={"indicator": INDICATOR})
    assert too_few.value.status == 409
    assert "needs 3 reviewers other than shop; eligible: 2" in too_few.value.message
    assert "panel_member role" in too_few.value.message
