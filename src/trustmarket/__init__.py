"""trustmarket: trustworthy agent-mediated electronic markets.

Layers (SPEC section 1): ``core`` (money, ids, errors, events), engines (``auctions``, ...) and
applications (``cli``, ...). Engines are pure and event-sourced.
"""

__version__ = "0.1.0"
