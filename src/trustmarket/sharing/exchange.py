"""The threat-indicator sharing exchange (Simmons, "Mechanism Design for Cooperation in
Cybersecurity"; SPEC section 7).

Members submit STIX 2.1 Indicators (validated by the ``stix2`` package). A panel of ``k`` of the
other members, drawn by the exchange's seeded generator (never the submitter, never one member
twice), reviews each: valid or not, with a severity and a scope. When the last assigned reviewer
has voted the verdict is reached by majority (a tie rejects); severity and scope are the lower
median of the approving reviewers' ratings (the cautious middle), and the payout of
:class:`~trustmarket.sharing.rewards.RewardRules` is made at once: novelty is 0 when the same
pattern was already verified, so a duplicate earns nothing. Every submission, vote, verdict and
payout is appended to the transparency log, and the submitter's reputation is updated (a verified
indicator is a +1 from the panel, a rejected one a -1). Members who have contributed a verified
indicator see the whole pool; others see an indicator only ``embargo`` seconds after its verdict.

Time is passed in by the caller (seconds); the exchange reads no clock. A refused request raises
its specific error and changes nothing, the log included.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import stix2  # type: ignore[import-untyped]
import stix2.exceptions  # type: ignore[import-untyped]

from trustmarket.core.errors import InvalidInput, NoPanel, RejectedEvent
from trustmarket.core.events import check_time
from trustmarket.core.ids import check_id
from trustmarket.core.randomness import check_seed
from trustmarket.ledger.keys import KeyPair
from trustmarket.ledger.log import TransparencyLog
from trustmarket.reputation.feedback import Feedback
from trustmarket.reputation.model import ReputationModel
from trustmarket.reputation.models.beta import BetaModel
from trustmarket.sharing.members import Member, Tier
from trustmarket.sharing.rewards import SCOPES, SEVERITIES, RewardRules

__all__ = ["Review", "SharingExchange", "Submission"]

PANEL = "panel"


@dataclass(frozen=True)
class Review:
    """One reviewer's vote."""

    reviewer: str
    valid: bool
    severity: str
    scope: str
    time: int


@dataclass
class Submission:
    """An indicator under review or decided."""

    id: str
    member: str
    indicator: Any
    pattern: str
    category: str
    time: int
    panel: tuple[str, ...]
    reviews: dict[str, Review] = field(default_factory=dict)
    verdict: str | None = None  # "verified" or "rejected"
    severity: str | None = None
    scope: str | None = None
    payout: int = 0
    decided: int | None = None


#: The last second a STIX timestamp can name (9999-12-31T23:59:59Z).
LAST_STIX_TIME = 253_402_300_799


def _stix_time(seconds: int) -> str:
    if seconds > LAST_STIX_TIME:
        raise InvalidInput(
            f"time {seconds} is past the last second a STIX timestamp can hold "
            f"({LAST_STIX_TIME}, 9999-12-31T23:59:59Z)"
        )
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _lower_median(values: list[str], order: tuple[str, ...]) -> str:
    ranks = sorted(order.index(v) for v in values)
    return order[ranks[(len(ranks) - 1) // 2]]


class SharingExchange:
    """The exchange's state: members, submissions under review, the verified pool, the log."""

    def __init__(
        self,
        *,
        panel_size: int = 3,
        rules: RewardRules | None = None,
        embargo: int = 7 * 86_400,
        seed: int = 0,
        log: TransparencyLog | None = None,
        reputation: ReputationModel | None = None,
    ) -> None:
        if isinstance(panel_size, bool) or not isinstance(panel_size, int) or panel_size < 1:
            raise InvalidInput(f"panel_size must be a positive integer, got {panel_size!r}")
        if isinstance(embargo, bool) or not isinstance(embargo, int) or embargo < 0:
            raise InvalidInput(f"embargo must be a whole number of seconds >= 0, got {embargo!r}")
        self.seed = check_seed(seed)
        self.panel_size = panel_size
        self.rules = RewardRules() if rules is None else rules
        self.embargo = embargo
        self.log = (
            TransparencyLog(KeyPair.generate(f"sharing exchange {seed}")) if log is None else log
        )
        self.reputation: ReputationModel = BetaModel() if reputation is None else reputation
        self._rng = np.random.default_rng(seed)
        self.members: dict[str, Member] = {}
        self.submissions: dict[str, Submission] = {}
        self._verified_patterns: dict[str, str] = {}
        self._incidents: list[tuple[str, int]] = []
        self.balances: dict[str, int] = {}

    # -- members and incidents --------------------------------------------------------------

    def join(self, member: str, tier: Tier | str) -> Member:
        """Admit a member of the given tier."""
        joined = Member(member, Tier.parse(tier))
        if member in self.members:
            raise InvalidInput(f"{member} is already a member")
        self.log.append({"kind": "join", "member": member, "tier": joined.tier.value})
        self.members[member] = joined
        self.balances[member] = 0
        return joined

    def record_incident(self, category: str, time: int) -> None:
        """An incident seen in ``category``: raises the dynamic factor of its rewards."""
        check_id(category, "category")
        check_time(time)
        self.log.append({"kind": "incident", "category": category, "time": time})
        self._incidents.append((category, time))

    def recent_incidents(self, category: str, time: int) -> int:
        low = time - self.rules.window
        return sum(1 for c, t in self._incidents if c == category and low <= t <= time)

    # -- submissions ---------------------------------------------------------------------------

    def _member(self, member: str) -> Member:
        known = self.members.get(member)
        if known is None:
            raise RejectedEvent(f"{member} is not a member of the exchange; join first")
        return known

    def submit(
        self,
        member: str,
        indicator: Mapping[str, Any],
        time: int,
        reviewers: Sequence[str] | None = None,
    ) -> Submission:
        """Submit a STIX 2.1 Indicator (its properties: ``pattern``, ``pattern_type``,
        ``valid_from`` required, ``indicator_types`` optional) and draw its panel: from
        ``reviewers`` (members chosen as reviewers, e.g. the service's panel_member role)
        when given, else from every member; never the submitter."""
        self._member(member)
        check_time(time)
        if not isinstance(indicator, Mapping):
            raise InvalidInput(f"an indicator is a mapping of STIX properties, got {indicator!r}")
        if reviewers is None:
            others = sorted(m for m in self.members if m != member)
            pool, counted = "members", "the exchange has"
        else:
            unknown = sorted(str(r) for r in reviewers if r not in self.members)
            if unknown:
                raise InvalidInput(f"reviewers must be members; not members: {', '.join(unknown)}")
            others = sorted(set(reviewers) - {member})
            pool, counted = "reviewers", "eligible:"
        if len(others) < self.panel_size:
            raise NoPanel(
                f"a panel needs {self.panel_size} {pool} other than {member}; {counted} "
                f"{len(others)}"
            )
        properties = {k: v for k, v in indicator.items() if k not in ("id", "created", "modified")}
        pattern = properties.get("pattern")
        if not isinstance(pattern, str) or not pattern.strip():
            # stix2 itself fails on an empty pattern with an internal error, not a message.
            raise InvalidInput(
                "an indicator needs a 'pattern': a non-empty STIX pattern such as "
                f"\"[ipv4-addr:value = '198.51.100.1']\", got {pattern!r}"
            )
        name = f"{member}/{time}/{pattern}"
        stamp = _stix_time(time)
        try:
            parsed = stix2.v21.Indicator(
                id=f"indicator--{uuid.uuid5(uuid.NAMESPACE_URL, name)}",
                created=stamp,
                modified=stamp,
                **properties,
            )
        except (stix2.exceptions.STIXError, TypeError, ValueError) as exc:
            raise InvalidInput(f"not a valid STIX 2.1 Indicator: {exc}") from None
        if parsed.id in self.submissions:
            raise RejectedEvent(f"{member} already submitted this indicator at time {time}")
        types = list(getattr(parsed, "indicator_types", []) or [])
        category = str(types[0]) if types else "unknown"
        # The panel is drawn only once the request is known to be good: a refusal draws nothing.
        picks = self._rng.choice(len(others), size=self.panel_size, replace=False)
        panel = tuple(others[int(k)] for k in sorted(picks))
        submission = Submission(
            parsed.id, member, parsed, str(parsed.pattern), category, time, panel
        )
        self.log.append(
            {
                "kind": "submission",
                "id": parsed.id,
                "member": member,
                "time": time,
                "panel": list(panel),
                "indicator": parsed.serialize(sort_keys=True),
            }
        )
        self.submissions[parsed.id] = submission
        return submission

    def review(
        self,
        submission_id: str,
        reviewer: str,
        *,
        valid: bool,
        severity: str,
        scope: str,
        time: int,
    ) -> Submission:
        """A panel member's vote; the verdict and payout follow the last vote."""
        submission = self.submissions.get(submission_id)
        if submission is None:
            raise RejectedEvent(f"unknown submission {submission_id}")
        if reviewer == submission.member:
            raise RejectedEvent(f"{reviewer} cannot review their own submission")
        if reviewer not in submission.panel:
            raise RejectedEvent(
                f"{reviewer} is not on the panel of {submission_id} ({', '.join(submission.panel)})"
            )
        if reviewer in submission.reviews:
            raise RejectedEvent(f"{reviewer} has already voted on {submission_id}")
        if submission.verdict is not None:
            raise RejectedEvent(f"{submission_id} is already decided ({submission.verdict})")
        if not isinstance(valid, bool):
            raise InvalidInput(f"valid must be True or False, got {valid!r}")
        if severity not in SEVERITIES:
            raise InvalidInput(f"unknown severity {severity!r}; allowed: {', '.join(SEVERITIES)}")
        if scope not in SCOPES:
            raise InvalidInput(f"unknown scope {scope!r}; allowed: {', '.join(SCOPES)}")
        check_time(time)
        if time < submission.time:
            raise InvalidInput(
                f"a review at {time} comes before the submission at {submission.time}"
            )
        vote = Review(reviewer, valid, severity, scope, time)
        self.log.append(
            {
                "kind": "review",
                "id": submission_id,
                "reviewer": reviewer,
                "valid": valid,
                "severity": severity,
                "scope": scope,
                "time": time,
            }
        )
        submission.reviews[reviewer] = vote
        if len(submission.reviews) == len(submission.panel):
            self._decide(submission, time)
        return submission

    def _decide(self, submission: Submission, time: int) -> None:
        approving = [r for r in submission.reviews.values() if r.valid]
        verified = len(approving) * 2 > len(submission.panel)
        submission.decided = time
        if not verified:
            submission.verdict = "rejected"
            self.log.append({"kind": "verdict", "id": submission.id, "verdict": "rejected"})
            self._rate(submission, -1, time)
            return
        severity = _lower_median([r.severity for r in approving], SEVERITIES)
        scope = _lower_median([r.scope for r in approving], SCOPES)
        novel = submission.pattern not in self._verified_patterns
        member = self.members[submission.member]
        payout = self.rules.reward(
            severity,
            scope,
            member.tier,
            novel=novel,
            recent_incidents=self.recent_incidents(submission.category, time),
        )
        submission.verdict, submission.severity, submission.scope = "verified", severity, scope
        submission.payout = payout
        if novel:
            self._verified_patterns[submission.pattern] = submission.id
        self.log.append(
            {
                "kind": "verdict",
                "id": submission.id,
                "verdict": "verified",
                "severity": severity,
                "scope": scope,
                "novel": novel,
            }
        )
        self.log.append(
            {"kind": "payout", "id": submission.id, "member": submission.member, "amount": payout}
        )
        self.balances[submission.member] += payout
        self._rate(submission, 1, time)

    def _rate(self, submission: Submission, rating: int, time: int) -> None:
        transaction = "v" + submission.id.removeprefix("indicator--")
        self.reputation.update(Feedback(transaction, PANEL, submission.member, rating, time=time))

    def payout(self, submission_id: str) -> int:
        """The payout made for a verified submission. Payouts are made only by the rules, at the
        verdict; asking for one on a submission that is not verified is refused."""
        submission = self.submissions.get(submission_id)
        if submission is None:
            raise RejectedEvent(f"unknown submission {submission_id}")
        if submission.verdict != "verified":
            state = submission.verdict or "under review"
            raise RejectedEvent(
                f"no payout for {submission_id}: it is {state}; only a verified indicator is paid"
            )
        return submission.payout

    # -- the pool ------------------------------------------------------------------------------

    def contributor(self, member: str) -> bool:
        """Whether ``member`` has had an indicator verified."""
        return any(
            s.member == member and s.verdict == "verified" for s in self.submissions.values()
        )

    def pool(self, member: str, time: int) -> list[Submission]:
        """The verified indicators ``member`` may see at ``time``: all for contributors, those
        verified at least ``embargo`` seconds ago for others."""
        self._member(member)
        check_time(time)
        verified = [s for s in self.submissions.values() if s.verdict == "verified"]
        if self.contributor(member):
            return verified
        return [s for s in verified if s.decided is not None and s.decided + self.embargo <= time]
