"""The web chat: visitors (a cookie token and a recovery phrase, both only as keyed hashes;
the chat id encrypted) and one numbered event log per chat, so a page that reconnects gets
exactly what it missed, across restarts.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "web_visitors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("phrase_hash", sa.String(length=64), nullable=True),
        sa.Column("chat_hash", sa.String(length=64), nullable=False),
        sa.Column("chat_enc", sa.LargeBinary(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("last_seen_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_visitors")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_visitors_token_hash")),
        sa.UniqueConstraint("chat_hash", name=op.f("uq_web_visitors_chat_hash")),
        sa.UniqueConstraint("phrase_hash", name=op.f("uq_web_visitors_phrase_hash")),
    )
    op.create_table(
        "web_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visitor_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("attachment", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["visitor_id"],
            ["web_visitors.id"],
            name=op.f("fk_web_events_visitor_id_web_visitors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_events")),
        sa.UniqueConstraint("visitor_id", "seq", name=op.f("uq_web_events_visitor_id_seq")),
    )
    op.create_index(op.f("ix_web_events_visitor_id"), "web_events", ["visitor_id"], unique=False)
    op.create_index(op.f("ix_web_events_created_at"), "web_events", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_web_events_created_at"), table_name="web_events")
    op.drop_index(op.f("ix_web_events_visitor_id"), table_name="web_events")
    op.drop_table("web_events")
    op.drop_table("web_visitors")
