"""`/checkin`: open today's PDCA form, take time off, set one's own check-in times and quiet hours."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.checkins.days import do_end_time_off, do_set_time_off, do_set_times, local_today, parse_until
from bot.checkins.plan import plan_view
from bot.checkins.review import review_view
from bot.core.actor import Actor
from bot.core.clock import zone
from bot.core.i18n import format_day, t
from bot.people.members import workspace_config
from bot.people.notify import CHECKIN_EVENING, hhmm, window_for
from bot.ui.reply import Reply
from handlers._support import current_actor, send_ephemeral, services, user_errors
from handlers.commands.deal import with_response_url

PLAN_WORDS = {"plan", "morning", "计划", "早"}
REVIEW_WORDS = {"review", "evening", "复盘", "总结", "晚"}
BACK_WORDS = {"back", "on", "resume", "回来了", "回来", "销假", "结束休假", "恢复"}
OFF = re.compile(r"^(off|away|vacation|holiday|休假|请假|不在)")
TIMES_WORDS = {"time", "times", "时间"}
QUIET_WORDS = {"quiet", "hours", "免打扰", "勿扰"}
HELP_WORDS = {"help", "帮助", "?"}
_HHMM = re.compile(r"\b(\d{1,2}[:：]\d{2})\b")


def _which_form(svc: Any, actor: Actor, now: datetime) -> str:
    """Today's form: the review once the evening check-in time has come, else the plan."""
    with svc.db.transaction() as session:
        from storage.models import Person

        person = session.get(Person, actor.person_id)
        assert person is not None
        evening = window_for(CHECKIN_EVENING, workspace_config(session, actor.team_id).schedule).start_for(person)
    local = now.astimezone(zone(actor.tz)).strftime("%H:%M")
    return "review" if local >= evening else "plan"


def open_form(
    client: WebClient,
    body: dict[str, Any],
    actor: Actor,
    svc: Any,
    kind: str,
    origin: dict[str, str] | None,
    *,
    day: date | None = None,
) -> None:
    """The plan or review form for `day` (the prompt's day; today when opened by command)."""
    now = svc.clock.now()
    day = day or local_today(actor, now)
    builder = plan_view if kind == "plan" else review_view
    view = builder(svc.db, actor, day, now, origin=origin)
    client.views_open(trigger_id=body["trigger_id"], view=with_response_url(view, body.get("response_url")))


def handle_checkin(
    ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond
) -> None:
    ack()
    text = (body.get("text") or "").strip()
    actor = current_actor(context, client, body)
    svc = services(context)
    with user_errors(client, body, actor, text, respond):
        word = text.split(maxsplit=1)[0].lower() if text else ""
        now = svc.clock.now()
        if not word:
            open_form(client, body, actor, svc, _which_form(svc, actor, now), None)
        elif word in PLAN_WORDS:
            open_form(client, body, actor, svc, "plan", None)
        elif word in REVIEW_WORDS:
            open_form(client, body, actor, svc, "review", None)
        elif OFF.match(text.lower()):
            send_ephemeral(client, body, _time_off(svc, actor, text, now), respond)
        elif word in BACK_WORDS:
            ended = do_end_time_off(svc.db, actor, now)
            send_ephemeral(
                client, body, Reply(t(actor.lang, "checkin.on.done" if ended else "checkin.on.none")), respond
            )
        elif word in TIMES_WORDS or word in QUIET_WORDS:
            send_ephemeral(client, body, _times(svc, actor, word in QUIET_WORDS, text), respond)
        else:
            send_ephemeral(client, body, Reply(t(actor.lang, "checkin.help")), respond)


def _time_off(svc: Any, actor: Actor, text: str, now: datetime) -> Reply:
    lang = actor.lang
    until = parse_until(text, local_today(actor, now))
    if until is None:
        return Reply(t(lang, "checkin.off.bad_date"))
    try:
        saved = do_set_time_off(svc.db, actor, until, now)
    except ValueError:
        return Reply(t(lang, "checkin.off.out_of_range"))
    return Reply(
        t(
            lang,
            "checkin.off.done",
            start=format_day(lang, saved.starts_on),
            end=format_day(lang, saved.ends_on),
            back=format_day(lang, saved.back_on),
        )
    )


def _times(svc: Any, actor: Actor, quiet: bool, text: str) -> Reply:
    lang = actor.lang
    found = [hhmm(v) for v in _HHMM.findall(text)]
    if len(found) != 2 or None in found or (quiet and found[0] >= found[1]):  # type: ignore[operator]
        return Reply(t(lang, "checkin.quiet.usage" if quiet else "checkin.times.usage"))
    first, second = found
    if quiet:
        do_set_times(svc.db, actor, quiet_start=first, quiet_end=second)
        return Reply(t(lang, "checkin.quiet.done", start=first, end=second))
    do_set_times(svc.db, actor, morning=first, evening=second)
    return Reply(t(lang, "checkin.times.done", morning=first, evening=second))


def register(app: App) -> None:
    app.command("/checkin")(handle_checkin)
