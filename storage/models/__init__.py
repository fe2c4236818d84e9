"""All models, imported here so `Base.metadata` knows every table."""

from storage.models.audit import AuditEvent
from storage.models.base import Base
from storage.models.followup import Attendance, CheckIn, Proposal, SessionFollowUp
from storage.models.groups import (
    Group,
    GroupMode,
    GroupStatus,
    Membership,
    MembershipStatus,
    Role,
    RoomBinding,
    RoomPurpose,
)
from storage.models.joining import Invite, JoinAttempt, JoinDraft
from storage.models.messages import Message, MessageCopy, MessageState
from storage.models.moderation import (
    CLOSED_STATUSES,
    ContactMessage,
    PrivateContact,
    ReviewAlert,
    ReviewItem,
    ReviewReport,
    ReviewSource,
    ReviewStatus,
)
from storage.models.outbox import OutboxAction, OutboxMessage, OutboxStatus, Priority
from storage.models.people import Person
from storage.models.programmes import ProgrammeSnapshot
from storage.models.schedule import (
    Delivery,
    GroupSession,
    PostStatus,
    ScheduledPost,
    SessionStatus,
)
from storage.models.staff_accounts import StaffCredential, StaffLink, StaffSession
from storage.models.surveys import SurveyResponse
from storage.models.transport import ProcessedEvent, TransportCursor
from storage.models.web import WebEvent, WebEventKind, WebVisitor

__all__ = [
    "CLOSED_STATUSES",
    "Attendance",
    "AuditEvent",
    "Base",
    "CheckIn",
    "ContactMessage",
    "Delivery",
    "Group",
    "GroupMode",
    "GroupSession",
    "GroupStatus",
    "Invite",
    "JoinAttempt",
    "JoinDraft",
    "Membership",
    "MembershipStatus",
    "Message",
    "MessageCopy",
    "MessageState",
    "OutboxAction",
    "OutboxMessage",
    "OutboxStatus",
    "Person",
    "PostStatus",
    "Priority",
    "PrivateContact",
    "ProcessedEvent",
    "ProgrammeSnapshot",
    "Proposal",
    "ReviewAlert",
    "ReviewItem",
    "ReviewReport",
    "ReviewSource",
    "ReviewStatus",
    "Role",
    "RoomBinding",
    "RoomPurpose",
    "ScheduledPost",
    "SessionFollowUp",
    "SessionStatus",
    "StaffCredential",
    "StaffLink",
    "StaffSession",
    "SurveyResponse",
    "TransportCursor",
    "WebEvent",
    "WebEventKind",
    "WebVisitor",
]
