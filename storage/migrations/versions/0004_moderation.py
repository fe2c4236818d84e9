"""Moderation: who a review item is about, where it came from, reports merged per reporter
(kept only as a keyed hash), when an unacknowledged alert is raised again, the alerts sent,
who closed an item, and private contact between a moderator and a member.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 01:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("review_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("membership_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("source", sa.String(length=16), server_default="screen", nullable=False)
        )
        batch_op.add_column(
            sa.Column("reports", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("resolved_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("escalate_at", UTC_TIME, nullable=True))
        batch_op.create_index("ix_review_items_escalate_at", ["escalate_at"], unique=False)
        batch_op.create_foreign_key(
            "fk_review_items_membership_id_memberships",
            "memberships",
            ["membership_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            "fk_review_items_resolved_by_persons",
            "persons",
            ["resolved_by"],
            ["id"],
            ondelete="SET NULL",
        )

    op.create_table(
        "review_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_item_id", sa.Integer(), nullable=False),
        sa.Column("reporter_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["review_item_id"],
            ["review_items.id"],
            name="fk_review_reports_review_item_id_review_items",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_review_reports"),
        sa.UniqueConstraint(
            "review_item_id", "reporter_key", name="uq_review_reports_review_item_id_reporter_key"
        ),
    )
    op.create_index(
        "ix_review_reports_review_item_id", "review_reports", ["review_item_id"], unique=False
    )

    op.create_table(
        "review_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_item_id", sa.Integer(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_item_id"],
            ["review_items.id"],
            name="fk_review_alerts_review_item_id_review_items",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["outbox_id"], ["outbox.id"], name="fk_review_alerts_outbox_id_outbox",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_review_alerts"),
    )
    op.create_index(
        "ix_review_alerts_review_item_id", "review_alerts", ["review_item_id"], unique=False
    )

    op.create_table(
        "private_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("moderator_person_id", sa.Integer(), nullable=False),
        sa.Column("membership_id", sa.Integer(), nullable=False),
        sa.Column("review_item_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", UTC_TIME, nullable=False),
        sa.Column("closed_at", UTC_TIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name="fk_private_contacts_group_id_groups",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["moderator_person_id"],
            ["persons.id"],
            name="fk_private_contacts_moderator_person_id_persons",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["memberships.id"],
            name="fk_private_contacts_membership_id_memberships",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["review_item_id"],
            ["review_items.id"],
            name="fk_private_contacts_review_item_id_review_items",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_private_contacts"),
    )
    for column in ("group_id", "moderator_person_id", "membership_id"):
        op.create_index(
            f"ix_private_contacts_{column}", "private_contacts", [column], unique=False
        )

    op.create_table(
        "contact_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("to_member", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["private_contacts.id"],
            name="fk_contact_messages_contact_id_private_contacts",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["outbox_id"],
            ["outbox.id"],
            name="fk_contact_messages_outbox_id_outbox",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_contact_messages"),
    )
    for column in ("contact_id", "outbox_id"):
        op.create_index(
            f"ix_contact_messages_{column}", "contact_messages", [column], unique=False
        )


def downgrade() -> None:
    for column in ("contact_id", "outbox_id"):
        op.drop_index(f"ix_contact_messages_{column}", table_name="contact_messages")
    op.drop_table("contact_messages")
    for column in ("group_id", "moderator_person_id", "membership_id"):
        op.drop_index(f"ix_private_contacts_{column}", table_name="private_contacts")
    op.drop_table("private_contacts")
    op.drop_index("ix_review_alerts_review_item_id", table_name="review_alerts")
    op.drop_table("review_alerts")
    op.drop_index("ix_review_reports_review_item_id", table_name="review_reports")
    op.drop_table("review_reports")
    with op.batch_alter_table("review_items", schema=None) as batch_op:
        batch_op.drop_constraint("fk_review_items_resolved_by_persons", type_="foreignkey")
        batch_op.drop_constraint("fk_review_items_membership_id_memberships", type_="foreignkey")
        batch_op.drop_index("ix_review_items_escalate_at")
        batch_op.drop_column("escalate_at")
        batch_op.drop_column("resolved_by")
        batch_op.drop_column("reports")
        batch_op.drop_column("source")
        batch_op.drop_column("membership_id")
