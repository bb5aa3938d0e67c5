"""The reputation models, one per module (SPEC section 4)."""
