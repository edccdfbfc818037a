"""`meeting-prompts`: read the connected calendars that are due (every 15 minutes each, backing
off on errors), then DM each rep about their customer meetings that ended: Log visit (the visit
form prefilled), Not a customer meeting, Later. One prompt per meeting, ever; meetings that ended
in quiet hours come together afterwards (bot/calendar/prompts.py says how).

A calendar that stops working is reported to its rep once (`calendar-broken` key per breakage).
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.calendar import ops, prompts, render
from bot.core.i18n import lang_for, t
from scheduler.jobs._common import workspaces
from scheduler.ledger import after_sent
from scheduler.registry import JobContext, job
from scheduler.sender import Message, Send
from storage.models import CalendarConnection, Delivery, Person

log = logging.getLogger("scheduler.meetings")

READERS = 4  # calendars read at once (network-bound)


def _read_due_calendars(ctx: JobContext, team_id: str) -> list[Send]:
    """Read this workspace's due calendars; the broken-calendar notices that are now due."""
    services = ctx.services
    with services.db.transaction() as session:
        due = ops.due_connections(session, team_id, ctx.at)
    if not due:
        return []

    def read(connection_id: int) -> ops.ReadResult:
        return ops.read_calendar(services.db, services.settings, connection_id, ctx.at)

    with ThreadPoolExecutor(max_workers=min(READERS, len(due)), thread_name_prefix="calendar") as pool:
        results = list(pool.map(read, due))
    sends = []
    with services.db.transaction() as session:
        for result in results:
            if not result.notify or result.error is None:
                continue
            row = session.execute(
                select(CalendarConnection, Person)
                .join(Person, Person.id == CalendarConnection.person_id)
                .where(CalendarConnection.id == result.connection_id)
            ).first()
            if row is None:
                continue
            connection, person = row
            lang = lang_for(person.locale, person.lang)
            text, blocks = render.broken_notice(lang, result.error)
            since = (connection.last_ok_at or connection.created_at).strftime("%Y%m%dT%H%M")
            sends.append(
                Send(
                    team_id=team_id,
                    recipient=person.slack_user_id,
                    dedupe_key=f"broken:{connection.id}:{since}",
                    message=Message(text=text, blocks=blocks),
                    channel=person.dm_channel_id,
                    summary=t(lang, "calendar.broken.summary"),
                    items=[f"calendar:{connection.id}"],
                )
            )
    return sends


def plan(session: Session, team_id: str, at: datetime) -> list[Send]:
    """Queue what is due now and build one Send per queued batch (set-based, no Slack)."""
    prompts.queue_due(session, team_id, at)
    sends = []
    for batch in prompts.queued_batches(session, team_id):
        text, blocks = render.prompt_message(batch)
        sends.append(
            Send(
                team_id=team_id,
                recipient=batch.user_id,
                dedupe_key=f"mtg:{batch.key}",
                message=Message(text=text, blocks=blocks),
                channel=batch.dm_channel_id,
                summary=render.prompt_summary(batch),
                items=[f"meeting:{m.id}" for m in batch.meetings],
            )
        )
    return sends


@after_sent(prompts.MEETING_PROMPTS)
def _sent(session: Session, delivery: Delivery) -> None:
    """Once a prompt is in Slack its meetings are prompted (never again); a notice, notified."""
    items = [str(i) for i in delivery.items or []]
    meetings = [int(i.split(":", 1)[1]) for i in items if i.startswith("meeting:")]
    calendars = [int(i.split(":", 1)[1]) for i in items if i.startswith("calendar:")]
    ops.mark_prompted(session, meetings, delivery.sent_at or delivery.claimed_at)
    ops.mark_error_notified(session, calendars)


@job(prompts.MEETING_PROMPTS, minutes=5, description="read calendars; one DM per customer meeting after it ends")
def sweep(ctx: JobContext) -> int:
    sends: list[Send] = []
    for team_id in workspaces(ctx.services):
        try:
            sends += _read_due_calendars(ctx, team_id)
        except Exception:  # one workspace's calendars must not stop the prompts
            log.exception("reading calendars of %s failed", team_id)
        with ctx.services.db.transaction() as session:
            sends += plan(session, team_id, ctx.at)
    ctx.sender.deliver_all(sends)
    return ctx.sender.sent
