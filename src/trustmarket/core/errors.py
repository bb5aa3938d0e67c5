"""The error hierarchy (SPEC section 2, "Errors").

Every error says what was wrong and what is allowed. Engines raise these before they change any
state, so a rejected event leaves an auction exactly as it was. Each class carries a stable
``code`` that the service and the CLI report alongside the message.
"""

from __future__ import annotations


class TrustmarketError(Exception):
    """Base of every error trustmarket raises on purpose."""

    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(TrustmarketError, ValueError):
    """A value given to trustmarket is malformed or out of range."""

    code = "invalid_input"


class InvalidAmount(InvalidInput):
    """A money amount is not an exact, allowed number of minor units."""

    code = "invalid_amount"


class CurrencyError(InvalidInput):
    """A currency is unknown, or two amounts in different currencies were combined."""

    code = "currency"


class InvalidId(InvalidInput):
    """An identifier is empty, too long or uses characters outside the allowed set."""

    code = "invalid_id"


class InvalidRules(InvalidInput):
    """A rule or auction configuration is invalid or the combination is not allowed."""

    code = "invalid_rules"


class InvalidScenario(InvalidInput):
    """A scenario file is not valid JSON, misses a field or has a field of the wrong type."""

    code = "invalid_scenario"


class InvalidInstance(InvalidInput):
    """A combinatorial instance or bid refers to unknown goods, has an empty bundle, a bad price,
    a duplicate bid id, or does not fit the chosen bidding language or pricing rule."""

    code = "invalid_instance"


class BidSyntaxError(InvalidInput):
    """A bid in the text syntax could not be parsed; ``column`` (1-based) points at the fault."""

    code = "bid_syntax"

    def __init__(self, message: str, text: str, column: int) -> None:
        super().__init__(f"column {column}: {message}")
        self.column = column
        self.text = text
        #: The text with a caret under the fault, for showing on two lines.
        self.pointer = f"{text}\n{' ' * (column - 1)}^"


class FileFormatError(InvalidInput):
    """A data file (e.g. a CATS instance) is malformed; the message names the file and line."""

    code = "file_format"

    def __init__(self, message: str, path: str, line: int) -> None:
        super().__init__(f"{path}, line {line}: {message}")
        self.path = path
        self.line = line


class RejectedEvent(TrustmarketError):
    """An engine refused an event; its state is unchanged."""

    code = "rejected"


class NoPanel(RejectedEvent):
    """A shared indicator cannot get its review panel: too few eligible reviewers."""

    code = "no_panel"


class BidTooLow(RejectedEvent):
    """A bid is below the reserve, the minimum increment or the clock price."""

    code = "bid_too_low"


class InvalidBid(RejectedEvent):
    """A bid does not fit this auction (wrong shape, more units than the supply, ...)."""

    code = "invalid_bid"


class NotOpen(RejectedEvent):
    """The event came before the auction opened or after it closed."""

    code = "not_open"


class UnknownParticipant(RejectedEvent):
    """The bidder (or trader) has not registered with this auction."""

    code = "unknown_participant"


class DuplicateParticipant(RejectedEvent):
    """The bidder (or trader) is already registered."""

    code = "duplicate_participant"


class DuplicateEvent(RejectedEvent):
    """An event with this id was already applied."""

    code = "duplicate_event"


class DuplicateBid(RejectedEvent):
    """The bidder already holds a bid where the mechanism allows only one."""

    code = "duplicate_bid"


class OutOfOrder(RejectedEvent):
    """The event's time is earlier than the last applied event's time."""

    code = "out_of_order"


class RetractionNotAllowed(RejectedEvent):
    """The rules forbid this retraction or decommitment, or there is nothing to retract."""

    code = "retraction_not_allowed"


class UnsupportedEvent(RejectedEvent):
    """This mechanism does not accept this kind of event."""

    code = "unsupported_event"


class InvalidGame(InvalidInput):
    """A game's payoffs are not rectangular, do not match, are not finite numbers, or a strategy
    profile does not fit the game."""

    code = "invalid_game"


class InvalidDistribution(InvalidInput):
    """A probability distribution is malformed: negative density, not integrating to 1, an empty
    support, or a query outside its support."""

    code = "invalid_distribution"


class InvalidContract(InvalidInput):
    """A leveled commitment contract is invalid: a negative penalty, an unknown mechanism, or a
    price outside the support of the outside offers."""

    code = "invalid_contract"


class InvalidExchange(InvalidInput):
    """A safe-exchange problem is invalid: a value table missing states or inconsistent with the
    item counts, a negative price or defection cost, or a plan that does not fit the problem."""

    code = "invalid_exchange"


class InvalidFeedback(InvalidInput):
    """Feedback that does not fit its transaction or its scale: an unknown transaction, a rater
    or subject who is not a party to it, a rating off its scale, or an attribute vector of the
    wrong length."""

    code = "invalid_feedback"


class DuplicateFeedback(InvalidFeedback):
    """A second feedback for the same side of a transaction (one transaction, one feedback per
    side)."""

    code = "duplicate_feedback"


class InvalidReputation(InvalidInput):
    """A reputation model or credit-bureau parameter is out of range (an alpha outside (0, 1],
    a tracing cost C <= 0, a forgetting factor outside (0, 1], ...)."""

    code = "invalid_reputation"


class InvalidJson(InvalidInput):
    """A value has no canonical JSON form (a NaN or infinite float, a non-string key, a type JSON
    does not have, a lone surrogate), or bytes are not the canonical JSON of any value."""

    code = "invalid_json"


class InvalidKey(InvalidInput):
    """A key is malformed: raw key bytes of the wrong length, PEM that is not an Ed25519 key, or a
    seed of the wrong type."""

    code = "invalid_key"


class InvalidSignature(InvalidInput):
    """A signature is malformed or does not verify against the message and the public key."""

    code = "invalid_signature"


class InvalidProof(InvalidInput):
    """A Merkle inclusion or consistency proof is malformed (wrong hash length, too many or too
    few hashes) or does not lead to the root it claims, or it is for another tree size."""

    code = "invalid_proof"


class InvalidLogRequest(InvalidInput):
    """A request to a transparency log names an index or tree size it does not hold (a leaf
    index at or past the tree size, an old size larger than the new one, a size past the log)."""

    code = "invalid_log_request"


class DamagedLog(InvalidInput):
    """A transparency log's store lacks a hash its entries need: the file was changed outside
    the log (an entry inserted or a node deleted by hand), so no head or proof can be trusted."""

    code = "damaged_log"


class InvalidTreeHead(InvalidInput):
    """A signed tree head is malformed, comes from another log, or its signature does not
    verify with the log's key."""

    code = "invalid_tree_head"


class TreeHeadRollback(InvalidTreeHead):
    """A log answered with a tree head older than one already verified: a smaller tree size or
    an earlier timestamp (an append-only log never goes backwards)."""

    code = "tree_head_rollback"


class LogFork(InvalidTreeHead):
    """A log showed two histories: a tree head of the same size with another root, or a larger
    head that no valid consistency proof links to the verified one."""

    code = "log_fork"


class InvalidSimulation(InvalidInput):
    """A simulation request is invalid before any run starts: an unknown scenario or parameter,
    a parameter of the wrong type or out of range, zero seeds or steps, or a Ray cluster that
    cannot be reached."""

    code = "invalid_simulation"


class InvalidConfiguration(InvalidInput):
    """A setting of the marketplace service is invalid: an unknown database URL scheme, a port
    out of range, a data directory that cannot be used."""

    code = "invalid_configuration"


class InvalidAccount(InvalidInput):
    """An account request is invalid: a name outside the allowed form or already taken, a
    password too short or too long, an unknown role."""

    code = "invalid_account"


class NotAuthenticated(TrustmarketError):
    """A name and password do not match, or a token is unknown or revoked (the message never
    says which part was wrong, so it tells an attacker nothing)."""

    code = "not_authenticated"


class NotPermitted(TrustmarketError):
    """The caller is known but may not do this: a role it lacks, or someone else's resource."""

    code = "not_permitted"


class UnknownResource(TrustmarketError):
    """A request names something that does not exist (an auction, an account, a log entry)."""

    code = "not_found"


class SolverLimit(TrustmarketError):
    """An iterative method hit its stated limit (pivots, iterations) before it finished."""

    code = "solver_limit"
