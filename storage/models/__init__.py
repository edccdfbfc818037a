"""All models, imported here so that `Base.metadata` is complete (Alembic relies on it)."""

from storage.base import Base
from storage.models.accounts import Account, AccountAlias, Contact
from storage.models.audit import RecordChange
from storage.models.calendar import AccountDomain, CalendarConnection, CalendarMeeting
from storage.models.checkins import CheckIn
from storage.models.deals import Deal, DealReason, StageChange
from storage.models.delivery import Delivery, JobRun
from storage.models.followups import FollowUp
from storage.models.handovers import Handover
from storage.models.installations import EventReceipt, SlackBot, SlackInstallation, SlackOAuthState
from storage.models.leads import Lead, LeadKey
from storage.models.people import Person, TimeOff
from storage.models.settings import SettingsChange
from storage.models.visits import Visit, VisitContact
from storage.models.work_queue import WorkItem
from storage.models.workspace import Holiday, SalesTeam, Stage, Target, Workspace

__all__ = [
    "Account",
    "AccountAlias",
    "AccountDomain",
    "Base",
    "CalendarConnection",
    "CalendarMeeting",
    "CheckIn",
    "Contact",
    "Deal",
    "DealReason",
    "Delivery",
    "EventReceipt",
    "FollowUp",
    "Handover",
    "Holiday",
    "JobRun",
    "Lead",
    "LeadKey",
    "Person",
    "RecordChange",
    "SalesTeam",
    "SettingsChange",
    "SlackBot",
    "SlackInstallation",
    "SlackOAuthState",
    "Stage",
    "StageChange",
    "Target",
    "TimeOff",
    "Visit",
    "VisitContact",
    "WorkItem",
    "Workspace",
]
