"""The whole domain model. Tortoise discovers every model imported here."""

from models.accounts import (
    ApiToken,
    Invitation,
    InvitationKind,
    LoginAttempt,
    NotificationItem,
    NotificationSetting,
    Session,
)
from models.agenda import (
    Absence,
    AbsenceReason,
    CalendarFeed,
    DayKind,
    DayPart,
    DayRequest,
    DayStatus,
    RequestedDay,
    RequestedDayChange,
)
from models.base import CareType, Role
from models.care_times import BlockDays, SchoolFreeKind, SchoolFreePeriod, TimeBlock
from models.credits import CreditLedgerEntry, CreditType, LedgerKind
from models.diary import DiaryEntry, DiaryMedia
from models.events import Event, EventAudience
from models.media import (
    MediaFile,
    MediaKind,
    MediaStatus,
    TimelineItem,
    TimelineItemChild,
    TimelineKind,
    TimelineMedia,
)
from models.messaging import Conversation, ConversationRead, Message, MessageAttachment
from models.organisation import ClosureDay, Group, Location, Organisation
from models.people import Child, Guardianship, Placement, StaffAssignment, User
from models.publications import (
    Document,
    DocumentKind,
    NewsAttachment,
    NewsItem,
    Newsletter,
    NewsletterAttachment,
    NewsRead,
)

__all__ = [
    "Absence",
    "AbsenceReason",
    "ApiToken",
    "BlockDays",
    "CalendarFeed",
    "CareType",
    "Child",
    "ClosureDay",
    "Conversation",
    "ConversationRead",
    "CreditLedgerEntry",
    "CreditType",
    "DayKind",
    "DayPart",
    "DayRequest",
    "DayStatus",
    "DiaryEntry",
    "DiaryMedia",
    "Document",
    "DocumentKind",
    "Event",
    "EventAudience",
    "Group",
    "Guardianship",
    "Invitation",
    "InvitationKind",
    "LedgerKind",
    "Location",
    "LoginAttempt",
    "MediaFile",
    "MediaKind",
    "MediaStatus",
    "Message",
    "MessageAttachment",
    "NewsAttachment",
    "NewsItem",
    "NewsRead",
    "Newsletter",
    "NewsletterAttachment",
    "NotificationItem",
    "NotificationSetting",
    "Organisation",
    "Placement",
    "RequestedDay",
    "RequestedDayChange",
    "Role",
    "SchoolFreeKind",
    "SchoolFreePeriod",
    "Session",
    "StaffAssignment",
    "TimeBlock",
    "TimelineItem",
    "TimelineItemChild",
    "TimelineKind",
    "TimelineMedia",
    "User",
]
