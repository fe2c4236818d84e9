"""Joining and the relay: invite codes, the join flow in progress, failed code attempts,
when a group is open, waiting-list offers, replies/edits/removals through the outbox, and
the tombstone a person leaves after /forgetme.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 22:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("hint", sa.String(length=8), nullable=False),
        sa.Column(
            "role", sa.String(length=20), server_default="participant", nullable=False
        ),
        sa.Column("max_uses", sa.Integer(), nullable=True),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.Column("expires_at", UTC_TIME, nullable=True),
        sa.Column("revoked_at", UTC_TIME, nullable=True),
        sa.Column("created_by_person_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name="fk_invites_group_id_groups", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_invites"),
        sa.UniqueConstraint("code_hash", name="uq_invites_code_hash"),
    )
    op.create_index("ix_invites_group_id", "invites", ["group_id"], unique=False)

    op.create_table(
        "join_drafts",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("invite_id", sa.Integer(), nullable=True),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("waiting", sa.Boolean(), nullable=False),
        sa.Column("age_band", sa.String(length=16), nullable=True),
        sa.Column("pseudonym", sa.String(length=40), nullable=True),
        sa.Column("suggestions", sa.JSON(), nullable=False),
        sa.Column("started_at", UTC_TIME, nullable=False),
        sa.Column("expires_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name="fk_join_drafts_person_id_persons",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name="fk_join_drafts_group_id_groups", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["invite_id"],
            ["invites.id"],
            name="fk_join_drafts_invite_id_invites",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("person_id", name="pk_join_drafts"),
    )
    op.create_index("ix_join_drafts_expires_at", "join_drafts", ["expires_at"], unique=False)

    op.create_table(
        "join_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name="fk_join_attempts_person_id_persons",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_join_attempts"),
    )
    op.create_index(
        "ix_join_attempts_person_at", "join_attempts", ["person_id", "at"], unique=False
    )

    with op.batch_alter_table("groups", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("open_policy", sa.String(length=16), server_default="always", nullable=False)
        )
        batch_op.add_column(
            sa.Column("open_extra_hours", sa.SmallInteger(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("media_policy", sa.String(length=16), server_default="off", nullable=False)
        )
        batch_op.add_column(sa.Column("finished_at", UTC_TIME, nullable=True))

    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.add_column(sa.Column("offer_expires_at", UTC_TIME, nullable=True))

    # Not in batch mode: on SQLite that would rebuild the table and lose its append-only
    # triggers. A plain ADD COLUMN keeps them on both engines.
    op.add_column("audit_events", sa.Column("chain", sa.String(length=64), nullable=True))

    with op.batch_alter_table("room_bindings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rights_warned_at", UTC_TIME, nullable=True))

    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("active_group_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("erased_at", UTC_TIME, nullable=True))
        batch_op.create_foreign_key(
            "fk_persons_active_group_id_groups",
            "groups",
            ["active_group_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_message_id", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("media_kind", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("deliver_at", UTC_TIME, nullable=True))
        batch_op.create_index(
            "ix_messages_state_deliver", ["state", "deliver_at"], unique=False
        )

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("action", sa.String(length=8), server_default="send", nullable=False)
        )
        batch_op.add_column(sa.Column("target_outbox_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("target_message_id", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("reply_to_outbox_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("reply_to_message_id", sa.String(length=128), nullable=True)
        )
        batch_op.create_index(
            "ix_outbox_transport_message_id", ["transport_message_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_transport_message_id")
        batch_op.drop_column("reply_to_message_id")
        batch_op.drop_column("reply_to_outbox_id")
        batch_op.drop_column("target_message_id")
        batch_op.drop_column("target_outbox_id")
        batch_op.drop_column("action")

    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_state_deliver")
        batch_op.drop_column("deliver_at")
        batch_op.drop_column("media_kind")
        batch_op.drop_column("source_message_id")

    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_constraint("fk_persons_active_group_id_groups", type_="foreignkey")
        batch_op.drop_column("erased_at")
        batch_op.drop_column("active_group_id")

    with op.batch_alter_table("room_bindings", schema=None) as batch_op:
        batch_op.drop_column("rights_warned_at")

    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_column("offer_expires_at")

    op.execute("ALTER TABLE audit_events DROP COLUMN chain")

    with op.batch_alter_table("groups", schema=None) as batch_op:
        batch_op.drop_column("finished_at")
        batch_op.drop_column("media_policy")
        batch_op.drop_column("open_extra_hours")
        batch_op.drop_column("open_policy")

    op.drop_index("ix_join_attempts_person_at", table_name="join_attempts")
    op.drop_table("join_attempts")
    op.drop_index("ix_join_drafts_expires_at", table_name="join_drafts")
    op.drop_table("join_drafts")
    op.drop_index("ix_invites_group_id", table_name="invites")
    op.drop_table("invites")
