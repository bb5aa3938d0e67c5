"""The AVALANCHE supply chain as a Mesa model (Padovan et al., sections 2 to 4).

Three stages of the wood chain trade along it: woodcutters cut wood, carpenters buy wood and
make boards, furniture makers buy boards, make furniture and sell it to consumers outside the
model. Every step each agent, in random order, picks one action at random among those it can
take, with probabilities proportional to its strategy's weights (section 2.1: a stochastic
test against a few numeric parameters, a non-deterministic finite automaton):

- *buy* (carpenters, furniture makers; room for input, cash): request offers from every seller
  of the stage above that has stock, rank them by the modified price ``p (2 - R)`` of their
  opening asks (equation (6)), and negotiate with the best, then the next (``partners`` in
  all), by the monotonic concession protocol (:mod:`.negotiation`). A seller opens at its
  expected sale price (a moving average of its own sales) plus ``markup`` and takes no less
  than its unit cost. The buyer's limit is the most that leaves it no loss, ``expected sale
  price - own production cost``, read as a limit on the *modified* price, so the real price it
  accepts from a seller of reputation R is at most ``limit / (2 - R)``; it opens ``discount``
  below that. A seller's ``R p`` ranking of buyers (SPEC section 4) does not arise: buyers
  start every negotiation and a seller answers one request at a time.
- *produce*: one unit of input (nothing, for a woodcutter) becomes one unit of output at the
  stage's production cost.
- *sell* (furniture makers): a consumer with a willingness to pay drawn uniformly from
  ``consumer_price (1 +- spread)`` buys one piece at the maker's ask or her price, whichever is
  lower, if it covers the maker's cost.
- *idle*.

At settlement (the control phase) each side cooperates with the probability of its reputation
constant (section 3.2.1): 1 for cooperative agents, 0 for the cheater, who keeps the money it was
paid without delivering, and the goods it received without paying. Both sides then rate each
other (1 cooperated, 0 defected, section 3.2.3) into the reputation model of the regime:
``none`` (everyone is trusted, R = 1), ``decentralized`` (each agent's own coefficients,
unknown partners at ``unknown``) or ``central`` (the rating agency of equations (2) to (5),
unknown agents at the mean of the known coefficients). Both use
:class:`trustmarket.reputation.models.reputation_coefficient.ReputationCoefficientModel`.

Wealth is cash plus stock valued at its production cost along the chain (wood at the cutting
cost, boards at wood + board costs, furniture at all three), so that it moves only with money
earned or lost. The model reads no clock and does no I/O; all randomness comes from its seed.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import mesa
import pandas as pd

from trustmarket.reputation.feedback import Feedback
from trustmarket.reputation.models.reputation_coefficient import ReputationCoefficientModel
from trustmarket.sim.avalanche.negotiation import Strategy, negotiate
from trustmarket.sim.avalanche.params import AvalancheParams

__all__ = ["GOODS", "ROLES", "AvalancheModel", "Trader"]

ROLES = ("woodcutter", "carpenter", "furniture maker")
GOODS = ("wood", "boards", "furniture")
WOODCUTTER, CARPENTER, FURNITURE_MAKER = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Trade:
    """One concluded negotiation (or a sale to a consumer, buyer ``"consumer"``)."""

    step: int
    good: str
    seller: str
    buyer: str
    price: int
    rounds: int
    delivered: bool
    paid: bool
    cheater: bool


class Trader(mesa.Agent):  # type: ignore[misc]
    """One firm of the chain: its role, reputation constant, cash and stocks."""

    def __init__(self, model: AvalancheModel, role: int, name: str, cooperation: float) -> None:
        super().__init__(model)
        self.role = role
        self.name = name
        self.cooperation = cooperation
        self.cash = model.params.start_cash
        self.input = 0
        self.output = 0
        self.input_cost = 0  # book cost of the input stock, cents
        self.output_cost = 0  # book cost of the output stock, cents
        self.expected = float(model.reference_price[role])
        self.wealth = self.cash
        self.ask = 1  # the opening ask, kept current by reprice() (asked for on every request)
        self.reprice(model.params.markup)

    def unit_cost(self) -> int:
        """The least price this agent sells a unit of its output for: its book cost."""
        return max(1, math.ceil(self.output_cost / self.output)) if self.output else 1

    def opening_ask(self, markup: float) -> int:
        """The first price it asks: its expected sale price plus the markup, never below
        cost."""
        return max(self.unit_cost(), math.ceil(self.expected * (1.0 + markup)))

    def reprice(self, markup: float) -> None:
        """Bring :attr:`ask` up to date after the stock, its cost or the expectation moved."""
        self.ask = self.opening_ask(markup)

    def step(self) -> None:
        self.model.act(self)


class AvalancheModel(mesa.Model):  # type: ignore[misc]
    """The wood chain of section 2, run for ``steps`` by :meth:`run`."""

    def __init__(self, params: AvalancheParams, seed: int) -> None:
        super().__init__(seed=seed)
        self.params = params
        self.seed_value = seed
        p = params
        self.strategy = Strategy(p.concession, p.concede_probability, p.max_rounds)
        self.production_cost = (p.wood_cost, p.board_cost, p.furniture_cost)
        self.stock_value = (
            p.wood_cost,
            p.wood_cost + p.board_cost,
            p.wood_cost + p.board_cost + p.furniture_cost,
        )
        # What each stage first expects to sell its output for: the consumer price at the top,
        # and below it the cost of the stage plus an even share of the chain's margin.
        margin = max(0, p.consumer_price - self.stock_value[2]) / 3
        self.reference_price = tuple(self.stock_value[i] + margin * (i + 1) for i in range(3))
        self.reputation: ReputationCoefficientModel | None = None
        if p.regime == "decentralized":
            self.reputation = ReputationCoefficientModel(
                p.alpha, mode="decentralized", initial=p.unknown
            )
        elif p.regime == "central":
            self.reputation = ReputationCoefficientModel(
                p.alpha, mode="central", initial="mean", empty_mean=p.unknown
            )
        self.stage: list[list[Trader]] = [[], [], []]
        prefix = ("W", "C", "F")
        for role in range(3):
            for i in range(p.agents_per_type):
                cheats = role == CARPENTER and i < p.cheaters
                trader = Trader(self, role, f"{prefix[role]}{i + 1}", 0.0 if cheats else 1.0)
                self.stage[role].append(trader)
        self.cheater_names = frozenset(t.name for t in self.stage[CARPENTER][: p.cheaters])
        self.trades: list[Trade] = []
        self.produced = [0, 0, 0]  # units made per stage (their cost left the chain)
        self.step_count = 0
        self.transactions = 0
        self.actions = ("buy", "produce", "sell", "idle")
        self.weights = (p.buy_weight, p.produce_weight, p.sell_weight, p.idle_weight)
        self.datacollector = mesa.DataCollector(
            agent_reporters={
                "agent": "name",
                "role": lambda a: ROLES[a.role],
                "cash": "cash",
                "wealth": "wealth",
                "input": "input",
                "output": "output",
            }
        )

    # -- reputation --------------------------------------------------------------------------

    def trust(self, asker: Trader, subject: Trader) -> float:
        """The reputation R of ``subject`` as ``asker`` finds it (section 3.2.5)."""
        if self.reputation is None:
            return 1.0
        return self.reputation.lookup(subject.name, by=asker.name).value

    def _rate(self, seller: Trader, buyer: Trader, delivered: bool, paid: bool) -> None:
        if self.reputation is None:
            return
        self.transactions += 1
        tx = f"t{self.transactions}"
        self.reputation.update(
            Feedback(tx, buyer.name, seller.name, 1 if delivered else -1, time=self.step_count)
        )
        self.reputation.update(
            Feedback(tx, seller.name, buyer.name, 1 if paid else -1, time=self.step_count)
        )

    # -- actions -----------------------------------------------------------------------------

    def _feasible(self, agent: Trader) -> list[int]:
        cap = self.params.capacity
        cost = self.production_cost[agent.role]
        can = []
        if agent.role != WOODCUTTER and agent.input < cap and agent.cash > 0:
            can.append(0)
        has_input = agent.role == WOODCUTTER or agent.input > 0
        if has_input and agent.output < cap and agent.cash >= cost:
            can.append(1)
        if agent.role == FURNITURE_MAKER and agent.output > 0:
            can.append(2)
        can.append(3)
        return can

    def act(self, agent: Trader) -> None:
        """One stochastic action of ``agent`` (section 2.1)."""
        can = self._feasible(agent)
        weights = [self.weights[a] for a in can]
        total = sum(weights)
        if total <= 0:
            return
        pick = self.random.random() * total
        action = can[-1]
        for a, w in zip(can, weights, strict=True):
            if pick < w:
                action = a
                break
            pick -= w
        if action == 0:
            self._buy(agent)
        elif action == 1:
            self._produce(agent)
        elif action == 2:
            self._sell_to_consumer(agent)
        self._revalue(agent)

    def _revalue(self, agent: Trader) -> None:
        inp = self.stock_value[agent.role - 1] if agent.role else 0
        agent.wealth = agent.cash + agent.input * inp + agent.output * self.stock_value[agent.role]

    def _produce(self, agent: Trader) -> None:
        cost = self.production_cost[agent.role]
        if agent.role == WOODCUTTER:
            unit_input = 0
        else:
            unit_input = agent.input_cost // agent.input
            agent.input -= 1
            agent.input_cost -= unit_input
        agent.cash -= cost
        agent.output += 1
        self.produced[agent.role] += 1
        agent.reprice(self.params.markup)
        agent.output_cost += unit_input + cost

    def _learn(self, agent: Trader, price: int) -> None:
        agent.expected += self.params.learning * (price - agent.expected)
        agent.reprice(self.params.markup)

    def _buy(self, buyer: Trader) -> None:
        limit = min(buyer.cash, math.floor(buyer.expected) - self.production_cost[buyer.role])
        if limit <= 0:
            return
        pool = self.stage[buyer.role - 1]
        n = len(pool)
        offset = self.random.randrange(n)  # equal modified asks: from a random seller on
        candidates = []
        for i, seller in enumerate(pool):
            if seller.output > 0:
                trust = self.trust(buyer, seller)
                candidates.append((seller.ask * (2.0 - trust), (i - offset) % n, trust, seller))
        for _, _, trust, seller in heapq.nsmallest(self.params.partners, candidates):
            # Equation (6): the buyer's limit bounds the modified price p (2 - R).
            real_limit = math.floor(limit / (2.0 - trust))
            offer = math.floor(real_limit * (1.0 - self.params.discount))
            outcome = negotiate(
                seller.ask, seller.unit_cost(), offer, real_limit, self.strategy, self.random
            )
            if outcome.agreed:
                self._settle(seller, buyer, outcome.price, outcome.rounds)
                return

    def _settle(self, seller: Trader, buyer: Trader, price: int, rounds: int) -> None:
        delivered = self.random.random() < seller.cooperation
        paid = self.random.random() < buyer.cooperation
        if delivered:
            book = seller.output_cost // seller.output
            seller.output -= 1
            seller.output_cost -= book
            buyer.input += 1
            # The agreed price is the unit's book cost whether or not it was paid: the cheater
            # keeps books like everyone else (the same strategy, only the settlement differs,
            # section 2.2, third test series).
            buyer.input_cost += price
        if paid:
            buyer.cash -= price
            seller.cash += price
        self._learn(seller, price)
        self._revalue(seller)
        cheater = seller.name in self.cheater_names or buyer.name in self.cheater_names
        self.trades.append(
            Trade(
                self.step_count,
                GOODS[seller.role],
                seller.name,
                buyer.name,
                price,
                rounds,
                delivered,
                paid,
                cheater,
            )
        )
        self._rate(seller, buyer, delivered, paid)

    def _sell_to_consumer(self, maker: Trader) -> None:
        spread = self.params.consumer_spread
        wtp = self.params.consumer_price * (1.0 + spread * (2.0 * self.random.random() - 1.0))
        cost = maker.unit_cost()
        if wtp < cost:
            return
        price = min(maker.ask, math.floor(wtp))
        book = maker.output_cost // maker.output
        maker.output -= 1
        maker.output_cost -= book
        maker.cash += price
        self._learn(maker, price)
        self.trades.append(
            Trade(self.step_count, "furniture", maker.name, "consumer", price, 0, True, True, False)
        )

    # -- running ---------------------------------------------------------------------------

    def step(self) -> None:
        self.step_count += 1
        self.agents.shuffle_do("step")
        if self.step_count % self.params.record_every == 0:
            self.datacollector.collect(self)

    def run(self, steps: int) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Run ``steps`` steps; return the trades (one row per trade) and the agents (one row
        per step and agent)."""
        self.datacollector.collect(self)  # step 0: the starting position
        for _ in range(steps):
            self.step()
        trades = pd.DataFrame(
            [
                (
                    t.step,
                    t.good,
                    t.seller,
                    t.buyer,
                    t.price,
                    t.rounds,
                    t.delivered,
                    t.paid,
                    t.cheater,
                )
                for t in self.trades
            ],
            columns=[
                "step",
                "good",
                "seller",
                "buyer",
                "price",
                "rounds",
                "delivered",
                "paid",
                "cheater",
            ],
        )
        agents = self.datacollector.get_agent_vars_dataframe().reset_index()
        agents = agents.rename(columns={"Step": "step"}).drop(columns=["AgentID"])
        return trades, agents
