"""Attack scenarios: a seeded, interactive market in which buyers pick sellers by reputation.

SPEC section 4, "Attack bench". A :class:`Scenario` holds the ground truth and the attack:

- **buyers** (honest): they always pay, pick a seller by the model's score and rate truthfully;
- **honest sellers**: each cooperates (delivers as promised) with its own true probability,
  drawn uniformly from :data:`HONEST_COOPERATION`;
- **cheaters**: sellers with a low true probability, drawn from :data:`CHEATER_COOPERATION`,
  who also run the scenario's :class:`Attack` (the attacker coalition);
- **fake identities** some attacks add (Sybils, shill accounts): they never sell, they only rate.

:meth:`Scenario.play` is the deterministic generator of rounds. The market runs in *days* of
``day`` rounds. At the start of a day every feedback of the day before is applied to the model
(``update_many``), the model's scores of every seller are published (a :class:`Snapshot`) and
the attack may replace identities (:meth:`Attack.leaves`); during the day the model's state does
not change. In each round:

1. a buyer and ``candidates`` distinct sellers are drawn at random;
2. the buyer picks the candidate with the highest score (as seen by the buyer, ``by=buyer``, for
   personal-view models; the published score otherwise). Only the order of the scores matters,
   so non-probabilistic scores compare by rank; ties are broken by a seeded random key;
3. the seller cooperates with its true probability in force (a seeded uniform draw below it);
4. the buyer rates the seller truthfully, +1 if it cooperated and -1 if it defected, and the
   seller rates the buyer +1 (she paid); each rating carries an attribute vector consistent with
   it (see :meth:`Market.rate`), so attribute-reading models see the same verdict;
5. the attack adds its own feedback (:meth:`Attack.feedback`).

The buyers, candidates, trade values, outcome draws and tie keys are drawn up front from the
seed, so every model faces the same market (common random numbers): two models differ only by
what they make the buyers choose. Nothing here reads a clock or does I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

import numpy as np

from trustmarket.core.errors import InvalidReputation
from trustmarket.core.randomness import check_seed
from trustmarket.reputation.checks import at_least
from trustmarket.reputation.feedback import Feedback
from trustmarket.reputation.model import ReputationModel

__all__ = [
    "CHEATER_COOPERATION",
    "HONEST_COOPERATION",
    "VALUE_RANGE",
    "Agent",
    "Attack",
    "Market",
    "NoAttack",
    "Round",
    "Scenario",
    "Snapshot",
    "Trade",
    "make_scenario",
    "occurrences",
]

#: The range of honest sellers' true cooperation probabilities.
HONEST_COOPERATION = (0.6, 0.98)
#: The range of cheaters' true cooperation probabilities.
CHEATER_COOPERATION = (0.05, 0.35)
#: The range of trade values, in minor units (10.00 to 100.00).
VALUE_RANGE = (1_000, 10_000)
#: The attribute scores (on the 0 to 5 scale) that go with each rating: a uniform draw per
#: attribute in the stated range.
ATTRIBUTE_RANGES = {1: (3.5, 5.0), 0: (2.0, 3.0), -1: (0.0, 1.5)}
ATTRIBUTES = 3
_BLOCK = 3 * 4096

Role = Literal["buyer", "seller", "fake"]


@dataclass(frozen=True, slots=True)
class Agent:
    """One market participant and its ground truth.

    ``cooperation`` is the true probability that the agent, as a seller, delivers (buyers always
    pay: 1.0; fake identities never sell: 0.0). ``honest`` is False for cheaters and fake
    identities. ``owner`` is the cheater a fake identity works for.
    """

    id: str
    role: Role
    cooperation: float
    honest: bool
    owner: str | None = None


def occurrences(per_round: float, rng: np.random.Generator) -> int:
    """How many attack events happen this round when ``per_round`` are expected: the whole part,
    plus one more with probability the fractional part."""
    whole = int(per_round)
    return whole + int(rng.random() < per_round - whole)


def check_rate(value: object, what: str) -> float:
    """A finite number >= 0 (an expected count of events per round)."""
    return at_least(value, what, 0.0)


def check_count(value: object, what: str, least: int = 1) -> int:
    """A whole number >= ``least``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise InvalidReputation(f"{what} must be a whole number >= {least}, got {value!r}")
    return value


def fake_identities(cheaters: Sequence[Agent], kind: str, count: int) -> tuple[Agent, ...]:
    """``count`` fake accounts per cheater, ``<cheater>.<kind><k>``, owned by it, never selling."""
    return tuple(
        Agent(f"{c.id}.{kind}{k}", "fake", 0.0, False, owner=c.id)
        for c in cheaters
        for k in range(count)
    )


def praise_from_fakes(
    market: Market,
    time: int,
    rng: np.random.Generator,
    per_round: float,
    value: Callable[[], int],
) -> list[Feedback]:
    """``per_round`` expected fake trades, each a random fake account of a random cheater rating
    its owner +1 at ``value()`` minor units (the Sybil and the shill attacks)."""
    cheaters = market.cheaters()
    out: list[Feedback] = []
    for _ in range(occurrences(per_round, rng)):
        owner = cheaters[int(rng.integers(len(cheaters)))]
        fakes = market.fakes(owner)
        fake = fakes[int(rng.integers(len(fakes)))]
        out.append(market.rate(market.transaction(), fake, owner, 1, time, value()))
    return out


@dataclass(frozen=True, slots=True)
class Attack:
    """What the cheaters do besides selling. The base class does nothing more (no attack).

    Subclasses override the hooks they need; each hook is called by :meth:`Scenario.play`:

    - :meth:`identities`: the fake identities the attack adds (once, when the scenario is made);
    - :meth:`cooperation`: a cheater's cooperation probability at a time;
    - :meth:`feedback`: the attack's extra feedback in a round;
    - :meth:`leaves`: at the start of a day, the cheaters that leave and rejoin under a new id.
    """

    name: ClassVar[str] = "none"

    def identities(self, cheaters: Sequence[Agent]) -> tuple[Agent, ...]:
        """The fake identities this attack creates for ``cheaters``."""
        return ()

    def cooperation(self, cheater: Agent, rank: int, count: int, time: int) -> float:
        """The probability that ``cheater`` (the ``rank``-th of ``count``) cooperates at
        ``time``."""
        return cheater.cooperation

    def feedback(self, market: Market, time: int, rng: np.random.Generator) -> list[Feedback]:
        """The attack's feedback in the round at ``time``."""
        return []

    def leaves(
        self, market: Market, published: Snapshot, score: Callable[[str], float]
    ) -> tuple[str, ...]:
        """The current ids of the cheaters that leave now and rejoin under a new id;
        ``score(id)`` is the model's current score of any id (a new one gets the prior)."""
        return ()


@dataclass(frozen=True, slots=True)
class NoAttack(Attack):
    """The baseline: cheaters sell with their low cooperation and do nothing else."""

    name: ClassVar[str] = "none"


@dataclass(frozen=True, slots=True)
class Trade:
    """One market trade: the buyer, the candidates she saw, the seller she picked (its current
    id), whether it cooperated, the value in minor units, and whether the seller is a cheater."""

    time: int
    buyer: str
    seller: str
    candidates: tuple[str, ...]
    cooperated: bool
    value: int
    cheater: bool


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The scores published at the start of a day, for every current seller id (``by=None``),
    with the truth in force at that time and which sellers are cheaters."""

    time: int
    sellers: tuple[str, ...]
    scores: tuple[float, ...]
    truth: tuple[float, ...]
    cheater: tuple[bool, ...]

    @property
    def honest_median(self) -> float:
        """The median published score of the honest sellers."""
        return float(
            np.median([s for s, c in zip(self.scores, self.cheater, strict=True) if not c])
        )

    def score(self, seller: str) -> float:
        """The published score of ``seller``."""
        return self.scores[self.sellers.index(seller)]


@dataclass(frozen=True, slots=True)
class Round:
    """One round of :meth:`Scenario.play`: its trade, every feedback it produced (the trade's
    two, then the attack's) and, on the first round of a day, the snapshot published then
    (before any whitewasher left that day)."""

    time: int
    trade: Trade
    feedback: tuple[Feedback, ...]
    published: Snapshot | None = None


class Market:
    """The mutable state of one run of a scenario: the current id of each seller slot (a
    whitewasher changes its id), the transaction counter and the attribute generator.

    Attacks read it (:meth:`cheaters`, :meth:`honest_sellers`, :meth:`fakes`) and write
    feedback through it (:meth:`transaction`, :meth:`rate`, :meth:`value`)."""

    __slots__ = (
        "_attribute_rng",
        "_cheater_rank",
        "_fakes",
        "_generation",
        "_next",
        "_persona",
        "_position",
        "_uniform",
        "scenario",
        "sellers",
    )

    def __init__(self, scenario: Scenario, attribute_rng: np.random.Generator) -> None:
        self.scenario = scenario
        sellers = [a for a in scenario.agents if a.role == "seller"]
        #: The current id of each seller slot.
        self.sellers: list[str] = [a.id for a in sellers]
        # Every id a seller has had -> the seller (its first id is its persona).
        self._persona: dict[str, Agent] = {a.id: a for a in sellers}
        cheaters = [a.id for a in sellers if not a.honest]
        self._cheater_rank = {persona: k for k, persona in enumerate(cheaters)}
        self._generation: dict[str, int] = {a.id: 0 for a in sellers}
        fakes: dict[str, list[str]] = {}
        for agent in scenario.agents:
            if agent.role == "fake" and agent.owner is not None:
                fakes.setdefault(agent.owner, []).append(agent.id)
        self._fakes = {owner: tuple(ids) for owner, ids in fakes.items()}
        self._next = 0
        self._attribute_rng = attribute_rng
        self._uniform: list[float] = []
        self._position = 0

    # -- who is who ------------------------------------------------------------------------------

    def persona(self, seller: str) -> Agent:
        """The seller behind ``seller`` (any id it has had)."""
        return self._persona[seller]

    def is_cheater(self, seller: str) -> bool:
        return not self._persona[seller].honest

    def cheaters(self) -> list[str]:
        """The current ids of the cheaters, in slot order."""
        return [s for s in self.sellers if not self._persona[s].honest]

    def honest_sellers(self) -> list[str]:
        """The ids of the honest sellers, in slot order."""
        return [s for s in self.sellers if self._persona[s].honest]

    def fakes(self, cheater: str) -> tuple[str, ...]:
        """The fake identities working for the cheater behind ``cheater``."""
        return self._fakes.get(self._persona[cheater].id, ())

    def cooperation(self, seller: str, time: int) -> float:
        """The true probability that ``seller`` cooperates at ``time``."""
        agent = self._persona[seller]
        if agent.honest:
            return agent.cooperation
        return self.scenario.attack.cooperation(
            agent, self._cheater_rank[agent.id], len(self._cheater_rank), time
        )

    # -- identity changes ------------------------------------------------------------------------

    def next_identity(self, seller: str) -> str:
        """The id the seller behind ``seller`` would take if it rejoined now."""
        persona = self._persona[seller].id
        return f"{persona}.w{self._generation[persona] + 1}"

    def rejoin(self, seller: str) -> str:
        """The seller ``seller`` leaves and rejoins under a new id, which it returns. Its old id
        keeps its history in the model but is no longer offered to buyers."""
        new = self.next_identity(seller)
        agent = self._persona[seller]
        self._generation[agent.id] += 1
        self._persona[new] = agent
        self.sellers[self.sellers.index(seller)] = new
        return new

    # -- feedback --------------------------------------------------------------------------------

    def transaction(self) -> str:
        """A new transaction id."""
        self._next += 1
        return f"t{self._next}"

    def value(self, rng: np.random.Generator) -> int:
        """A trade value drawn from :data:`VALUE_RANGE` (minor units)."""
        return int(rng.integers(VALUE_RANGE[0], VALUE_RANGE[1] + 1))

    def rate(
        self, transaction: str, rater: str, subject: str, rating: int, time: int, value: int
    ) -> Feedback:
        """A feedback with an attribute vector consistent with ``rating``: each of the three
        scores (delivery, quality, price on 0 to 5) uniform in :data:`ATTRIBUTE_RANGES`
        (+1: 3.5 to 5, 0: 2 to 3, -1: 0 to 1.5)."""
        low, high = ATTRIBUTE_RANGES[rating]
        span = high - low
        if self._position + ATTRIBUTES > len(self._uniform):
            # Uniforms are drawn in blocks: one generator call per block, not per feedback.
            self._uniform = self._attribute_rng.random(_BLOCK).tolist()
            self._position = 0
        start = self._position
        self._position = start + ATTRIBUTES
        return Feedback(
            transaction=transaction,
            rater=rater,
            subject=subject,
            rating=rating,
            time=time,
            value=value,
            attributes=tuple(low + span * u for u in self._uniform[start : start + ATTRIBUTES]),
        )

    def publish(self, model: ReputationModel, time: int) -> Snapshot:
        """The model's score of every current seller, with the truth at ``time``."""
        return Snapshot(
            time=time,
            sellers=tuple(self.sellers),
            scores=tuple(model.score(s) for s in self.sellers),
            truth=tuple(self.cooperation(s, time) for s in self.sellers),
            cheater=tuple(self.is_cheater(s) for s in self.sellers),
        )


@dataclass(frozen=True, slots=True)
class Scenario:
    """A seeded market under one attack (see the module docstring): the agents with their
    ground truth, how many rounds, and the market's parameters.

    ``candidates``: how many sellers a buyer chooses among; ``day``: rounds between two
    publications of the scores; ``surplus``: the buyer's gain from a cooperated trade, as a share
    of its value (a cheated buyer loses the whole value). Build one with :func:`make_scenario`.
    """

    attack: Attack
    agents: tuple[Agent, ...]
    rounds: int
    seed: int
    candidates: int = 4
    day: int = 25
    surplus: float = 0.25

    def __post_init__(self) -> None:
        if not isinstance(self.attack, Attack):
            raise InvalidReputation(f"attack must be an Attack, got {type(self.attack).__name__}")
        check_count(self.rounds, "rounds")
        check_seed(self.seed)
        check_count(self.candidates, "candidates", 2)
        check_count(self.day, "day (rounds between publications of the scores)")
        check_rate(self.surplus, "surplus")
        if len(self.sellers) < self.candidates:
            raise InvalidReputation(
                f"a buyer picks among {self.candidates} sellers but there are only "
                f"{len(self.sellers)}; give more agents or fewer candidates"
            )
        if not self.buyers:
            raise InvalidReputation("a scenario needs at least one buyer")
        if len(self.cheaters) < 2 or len(self.sellers) - len(self.cheaters) < 2:
            raise InvalidReputation("a scenario needs at least two cheaters and two honest sellers")

    @property
    def buyers(self) -> tuple[Agent, ...]:
        return tuple(a for a in self.agents if a.role == "buyer")

    @property
    def sellers(self) -> tuple[Agent, ...]:
        """Every seller, honest or cheater, in slot order."""
        return tuple(a for a in self.agents if a.role == "seller")

    @property
    def cheaters(self) -> tuple[Agent, ...]:
        return tuple(a for a in self.agents if a.role == "seller" and not a.honest)

    @property
    def fakes(self) -> tuple[Agent, ...]:
        return tuple(a for a in self.agents if a.role == "fake")

    def play(self, model: ReputationModel) -> Iterator[Round]:
        """Run the market against ``model`` (a fresh one: the run feeds it every feedback),
        yielding each round. Deterministic: the same scenario and model give the same rounds."""
        streams = np.random.SeedSequence(self.seed).spawn(3)
        draws = np.random.default_rng(streams[0])
        market = Market(self, np.random.default_rng(streams[1]))
        attack_rng = np.random.default_rng(streams[2])
        buyers = [a.id for a in self.buyers]
        n, k = self.rounds, self.candidates
        who = draws.integers(0, len(buyers), n)
        # k distinct seller slots per round: the first k of a random permutation of the slots.
        slots = np.argsort(draws.random((n, len(market.sellers))), axis=1)[:, :k]
        values = draws.integers(VALUE_RANGE[0], VALUE_RANGE[1] + 1, n)
        outcome = draws.random(n)
        ties = draws.random((n, k))
        personal = model.properties.personal_view
        pending: list[Feedback] = []
        table: dict[str, float] = {}
        for t in range(n):
            published = None
            if t % self.day == 0:
                model.update_many(pending)
                pending = []
                published = market.publish(model, t)
                table = dict(zip(published.sellers, published.scores, strict=True))
                # Whitewashers leave after the publication: their new ids are offered to buyers
                # from now on (at the newcomer's score) and published from the next day.
                for seller in self.attack.leaves(market, published, model.score):
                    new = market.rejoin(seller)
                    table[new] = model.score(new)
            buyer = buyers[who[t]]
            candidates = tuple(market.sellers[s] for s in slots[t])
            if personal:
                scores = [model.score(c, by=buyer) for c in candidates]
            else:
                scores = [table[c] for c in candidates]
            key = ties[t]
            pick = max(range(k), key=lambda j: (scores[j], key[j]))
            seller = candidates[pick]
            cooperated = bool(outcome[t] < market.cooperation(seller, t))
            value = int(values[t])
            tx = market.transaction()
            feedback = [
                market.rate(tx, buyer, seller, 1 if cooperated else -1, t, value),
                market.rate(tx, seller, buyer, 1, t, value),
            ]
            feedback += self.attack.feedback(market, t, attack_rng)
            pending += feedback
            trade = Trade(
                t, buyer, seller, candidates, cooperated, value, market.is_cheater(seller)
            )
            yield Round(t, trade, tuple(feedback), published)
        model.update_many(pending)


def make_scenario(
    attack: Attack | None = None,
    *,
    agents: int = 100,
    rounds: int = 1000,
    seed: int = 0,
    cheater_share: float = 0.2,
    candidates: int = 4,
    day: int = 25,
    surplus: float = 0.25,
) -> Scenario:
    """A seeded scenario: ``agents // 2`` honest buyers and the rest sellers, of which
    ``round(cheater_share * sellers)`` (at least two) are cheaters, chosen at random; the
    attack's fake identities come on top.

    Ids: buyers ``b000``, ``b001``, ...; sellers ``s000``, ...; fake identities
    ``<cheater>.<kind><k>`` (``s007.sybil3``); a whitewasher's new ids ``<cheater>.w<k>``.
    True cooperation probabilities: honest sellers uniform on :data:`HONEST_COOPERATION`,
    cheaters uniform on :data:`CHEATER_COOPERATION`.
    """
    attack = NoAttack() if attack is None else attack
    check_count(agents, "agents", 10)
    check_seed(seed)
    if (
        isinstance(cheater_share, bool)
        or not isinstance(cheater_share, int | float)
        or not 0.0 < cheater_share < 1.0
    ):
        raise InvalidReputation(f"cheater_share must be a number in (0, 1), got {cheater_share!r}")
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(4)[3])
    n_buyers = agents // 2
    n_sellers = agents - n_buyers
    n_cheaters = min(n_sellers - 2, max(2, round(cheater_share * n_sellers)))
    cheating = {int(i) for i in rng.choice(n_sellers, size=n_cheaters, replace=False)}
    width = max(3, len(str(max(n_buyers, n_sellers) - 1)))
    population = [Agent(f"b{i:0{width}d}", "buyer", 1.0, True) for i in range(n_buyers)]
    honest_p = rng.uniform(*HONEST_COOPERATION, n_sellers)
    cheater_p = rng.uniform(*CHEATER_COOPERATION, n_sellers)
    sellers = [
        Agent(
            f"s{i:0{width}d}",
            "seller",
            float(cheater_p[i] if i in cheating else honest_p[i]),
            i not in cheating,
        )
        for i in range(n_sellers)
    ]
    population += sellers
    population += attack.identities([a for a in sellers if not a.honest])
    return Scenario(
        attack=attack,
        agents=tuple(population),
        rounds=rounds,
        seed=seed,
        candidates=candidates,
        day=day,
        surplus=surplus,
    )
