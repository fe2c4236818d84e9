"""One repository per aggregate; all SQL in Piiri lives in this package."""

from storage.repositories.audit import AuditRepository
from storage.repositories.groups import GroupRepository
from storage.repositories.inbound import InboundRepository
from storage.repositories.invites import InviteRepository
from storage.repositories.joining import JoinRepository
from storage.repositories.memberships import MembershipRepository, PseudonymTakenError
from storage.repositories.messages import MessageRepository, NewCopy
from storage.repositories.outbox import (
    ClaimedSend,
    NewSend,
    OutboxRepository,
    QueuedButton,
    QueuedFile,
)
from storage.repositories.persons import PersonRepository
from storage.repositories.programmes import ProgrammeRepository
from storage.repositories.reviews import ReviewRepository
from storage.repositories.schedule import ClaimedPost, NewDelivery, ScheduleRepository
from storage.repositories.surveys import SurveyRepository

__all__ = [
    "AuditRepository",
    "ClaimedPost",
    "ClaimedSend",
    "GroupRepository",
    "InboundRepository",
    "InviteRepository",
    "JoinRepository",
    "MembershipRepository",
    "MessageRepository",
    "NewCopy",
    "NewDelivery",
    "NewSend",
    "OutboxRepository",
    "PersonRepository",
    "ProgrammeRepository",
    "PseudonymTakenError",
    "QueuedButton",
    "QueuedFile",
    "ReviewRepository",
    "ScheduleRepository",
    "SurveyRepository",
]
