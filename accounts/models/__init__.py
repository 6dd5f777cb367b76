"""The accounts app's models, one module per concern (as Wagtail's ``wagtail/models/``):
``account`` (accounts, responsibility, follow-up), ``posts`` (posts that may need an
answer, their reminders, ingest tokens), ``crisis`` (crisis periods and their messages),
``platform`` (the connection to a Page and the outbox of actions there). ``posts``,
``crisis`` and ``platform`` import ``account``, never each other (``platform`` names the
others by string); the rest of the code imports
from here. Tables keep their names (``accounts_<model>``)."""

from .account import (
    ANSWERING_ROLES,
    Account,
    AccountStatus,
    FollowUpReminder,
    FollowUpStage,
    Platform,
    Responsibility,
    ResponsibilityRole,
)
from .crisis import CrisisMessage, CrisisPeriod, CrisisStatus
from .platform import (
    ActionKind,
    ActionState,
    ConnectionStatus,
    MediaCommentChange,
    PageTaskChange,
    PageUser,
    PlatformAction,
    PlatformConnection,
)
from .posts import (
    CloseReason,
    FindingConfidence,
    FindingKind,
    IngestToken,
    Post,
    PostCategory,
    PostReminder,
    PostSource,
    PostStatus,
    ScreeningStatus,
)

__all__ = [
    "ANSWERING_ROLES",
    "Account",
    "AccountStatus",
    "ActionKind",
    "ActionState",
    "ConnectionStatus",
    "CloseReason",
    "CrisisMessage",
    "CrisisPeriod",
    "CrisisStatus",
    "FindingConfidence",
    "FindingKind",
    "FollowUpReminder",
    "FollowUpStage",
    "IngestToken",
    "MediaCommentChange",
    "PageTaskChange",
    "PageUser",
    "Platform",
    "PlatformAction",
    "PlatformConnection",
    "Post",
    "PostCategory",
    "PostReminder",
    "PostSource",
    "PostStatus",
    "Responsibility",
    "ResponsibilityRole",
    "ScreeningStatus",
]
