"""Settled transactions and the feedback left on them.

Revision ID: r0004
Revises: r0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0004"
down_revision = "r0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the transactions and feedback tables."""
    op.create_table(
        "transactions",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("auction_id", sa.String(64), nullable=False),
        sa.Column("buyer", sa.String(64), nullable=False),
        sa.Column("seller", sa.String(64), nullable=False),
        sa.Column("value", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("time", sa.BigInteger, nullable=False),
    )
    op.create_index("transactions_buyer", "transactions", ["buyer"])
    op.create_index("transactions_seller", "transactions", ["seller"])
    op.create_table(
        "feedback",
        sa.Column(
            "transaction_id",
            sa.String(200),
            sa.ForeignKey("transactions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("rater", sa.String(64), primary_key=True),
        sa.Column("subject", sa.String(64), nullable=False),
        sa.Column("rating", sa.Integer, nullable=False),
        sa.Column("attributes_json", sa.Text, nullable=True),
        sa.Column("value", sa.BigInteger, nullable=False),
        sa.Column("time", sa.BigInteger, nullable=False),
    )
    op.create_index("feedback_subject", "feedback", ["subject"])


def downgrade() -> None:
    """Drop them."""
    op.drop_table("feedback")
    op.drop_table("transactions")
