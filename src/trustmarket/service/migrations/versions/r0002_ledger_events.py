"""The transparency log's tables, the service's identity, and what an auction event needs to be
proved: its salt and its place in the log.

Revision ID: r0002
Revises: r0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0002"
down_revision = "r0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the ledger and identity tables and the new auction columns."""
    op.create_table(
        "ledger_entries",
        sa.Column("idx", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "ledger_nodes",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("hash", sa.LargeBinary(32), nullable=False),
    )
    op.create_table(
        "service_identity",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    with op.batch_alter_table("auctions") as batch:
        batch.add_column(sa.Column("title", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("status", sa.String(16), nullable=False, server_default="open"))
    with op.batch_alter_table("auction_events") as batch:
        batch.add_column(sa.Column("account_id", sa.String(26), nullable=True))
        batch.add_column(sa.Column("salt", sa.LargeBinary(16), nullable=True))
        batch.add_column(sa.Column("log_index", sa.BigInteger, nullable=True))


def downgrade() -> None:
    """Remove them again."""
    with op.batch_alter_table("auction_events") as batch:
        for column in ("log_index", "salt", "account_id"):
            batch.drop_column(column)
    with op.batch_alter_table("auctions") as batch:
        batch.drop_column("status")
        batch.drop_column("title")
    for table in ("service_identity", "ledger_nodes", "ledger_entries"):
        op.drop_table(table)
