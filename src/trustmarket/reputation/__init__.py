"""Trust and reputation (SPEC section 4): feedback, the reputation models, the credit bureau and
the attack bench.

- :mod:`trustmarket.reputation.feedback`: feedback records, transactions and the log that admits
  them (one transaction, one feedback per side).
- :mod:`trustmarket.reputation.model`: the one interface every model has.
- :mod:`trustmarket.reputation.models`: the models, one per module.
- :mod:`trustmarket.reputation.bureau`: the credit bureau of Wang, Khosla and Krishnan (SPEC 4.1).
- :mod:`trustmarket.reputation.attacks`: attack scenarios and the bench that scores any model.

Reputation code works in floats (SPEC section 2); transaction values are integer minor units.
"""

from trustmarket.reputation.feedback import (
    RATINGS,
    AttributeScale,
    Feedback,
    FeedbackLog,
    Transaction,
)
from trustmarket.reputation.model import (
    Contribution,
    Explanation,
    ModelProperties,
    ReputationModel,
)

__all__ = [
    "RATINGS",
    "AttributeScale",
    "Contribution",
    "Explanation",
    "Feedback",
    "FeedbackLog",
    "ModelProperties",
    "ReputationModel",
    "Transaction",
]
