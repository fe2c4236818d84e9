"""Staff accounts for the dashboard: a password per staff person (argon2id, failed attempts,
locked until), their browser sessions (token hashes with idle and absolute ends), and one-time
links to set a password.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "staff_credentials",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("failed_attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("locked_until", UTC_TIME, nullable=True),
        sa.Column("password_set_at", UTC_TIME, nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name="fk_staff_credentials_person_id_persons",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name="pk_staff_credentials"),
    )
    for table in ("staff_sessions", "staff_links"):
        extra = (
            [sa.Column("last_seen_at", UTC_TIME, nullable=False)]
            if table == "staff_sessions"
            else [sa.Column("used_at", UTC_TIME, nullable=True)]
        )
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("token_hash", sa.String(length=64), nullable=False),
            sa.Column("person_id", sa.Integer(), nullable=False),
            sa.Column("created_at", UTC_TIME, nullable=False),
            sa.Column("expires_at", UTC_TIME, nullable=False),
            *extra,
            sa.ForeignKeyConstraint(
                ["person_id"],
                ["persons.id"],
                name=f"fk_{table}_person_id_persons",
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
            sa.UniqueConstraint("token_hash", name=f"uq_{table}_token_hash"),
        )
        op.create_index(f"ix_{table}_person_id", table, ["person_id"], unique=False)


def downgrade() -> None:
    for table in ("staff_links", "staff_sessions"):
        op.drop_index(f"ix_{table}_person_id", table_name=table)
        op.drop_table(table)
    op.drop_table("staff_credentials")
