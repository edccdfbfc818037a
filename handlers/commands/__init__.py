"""Slash command listeners, one module per command."""

from __future__ import annotations

from slack_bolt import App

from handlers.commands import account, checkin, coach, contact, deal, lead, pipeline, visit
from handlers.commands import coach_calendar as coach_calendar  # @subcommand words
from handlers.commands import coach_digest as coach_digest  # @subcommand words
from handlers.commands import coach_export as coach_export  # @subcommand words
from handlers.commands import coach_handover as coach_handover
from handlers.commands import coach_holidays as coach_holidays
from handlers.commands import coach_import as coach_import
from handlers.commands import coach_leads as coach_leads
from handlers.commands import coach_settings as coach_settings
from handlers.commands import coach_stages as coach_stages
from handlers.commands import coach_target as coach_target
from handlers.commands import coach_team as coach_team
from handlers.commands import coach_tier as coach_tier
from handlers.commands import coach_why as coach_why


def register(app: App) -> None:
    visit.register(app)  # first: Bolt tries listeners in order, and /visit is the busiest
    coach.register(app)
    pipeline.register(app)
    deal.register(app)
    checkin.register(app)
    contact.register(app)
    account.register(app)
    lead.register(app)
