"""The documents of e-Pôles (MongoEngine)."""

from app.models.access_request import AccessRequest, PasswordToken
from app.models.api_client import ApiClient
from app.models.article_template import ArticleTemplate
from app.models.audit import AuditEvent
from app.models.convention import (
    Acknowledgment,
    Article,
    Convention,
    ConventionSchool,
    Derogation,
    Signature,
)
from app.models.directory_import import DirectoryImport
from app.models.financing import (
    FinancingParameters,
    PupilCountSheet,
    TeamFunction,
    TeamScenario,
)
from app.models.message import Message
from app.models.organisation import OrganisingAuthority
from app.models.outbox import OutboxMessage
from app.models.pole import Coordinator, Pole
from app.models.school import School
from app.models.school_year import SchoolYear, YearClosure
from app.models.setting import AppSetting
from app.models.stored_file import StoredFile
from app.models.throttle import LoginCounter
from app.models.user import Grant, User

__all__ = [
    "AccessRequest",
    "Acknowledgment",
    "ApiClient",
    "AppSetting",
    "Article",
    "ArticleTemplate",
    "AuditEvent",
    "Convention",
    "ConventionSchool",
    "Coordinator",
    "Derogation",
    "DirectoryImport",
    "FinancingParameters",
    "Grant",
    "LoginCounter",
    "Message",
    "OrganisingAuthority",
    "OutboxMessage",
    "PasswordToken",
    "Pole",
    "PupilCountSheet",
    "School",
    "SchoolYear",
    "Signature",
    "StoredFile",
    "TeamFunction",
    "TeamScenario",
    "User",
    "YearClosure",
]
