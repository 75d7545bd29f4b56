"""All tables, imported here so that Base.metadata knows them (Alembic reads it)."""

from engine.db.base import Base
from engine.db.models.api import ApiToken, IdempotentRequest
from engine.db.models.audit import AuditEvent
from engine.db.models.case_records import *  # noqa: F403  case register tables (names in each module's __all__)
from engine.db.models.cases import *  # noqa: F403
from engine.db.models.comments import CaseComment
from engine.db.models.inbox import SavedFilter
from engine.db.models.instances import InstanceStatus, ProcessInstance
from engine.db.models.jobs import Job, JobKind, JobStatus
from engine.db.models.letters import LetterVersion
from engine.db.models.library import DefinitionFile, DefinitionVersion, LibraryBlob, LibraryDraft
from engine.db.models.logins import LoginAttempt
from engine.db.models.messages import MessageSubscription, SubscriptionKey
from engine.db.models.migrations import InstanceMigration
from engine.db.models.tasks import HumanTask, TaskCandidateRole, TaskStatus, offered_to_any
from engine.db.models.users import Role, User, user_roles

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Base",
    "CaseComment",
    "DefinitionFile",
    "DefinitionVersion",
    "HumanTask",
    "IdempotentRequest",
    "InstanceMigration",
    "InstanceStatus",
    "Job",
    "JobKind",
    "JobStatus",
    "LetterVersion",
    "LibraryBlob",
    "LibraryDraft",
    "LoginAttempt",
    "MessageSubscription",
    "ProcessInstance",
    "Role",
    "SavedFilter",
    "SubscriptionKey",
    "TaskCandidateRole",
    "TaskStatus",
    "offered_to_any",
    "User",
    "user_roles",
]
