"""`/checkin`: open today's PDCA form, take time off, set one's own check-in times and quiet hours."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from slack_bolt import App

from bot.checkins.days import do_end_time_off, do_set_time_off, do_set_times, local_today, parse_until
from bot.checkins.due import form_due
from bot.checkins.plan import plan_view
from bot.checkins.review import review_view
from bot.core.actor import Actor
from bot.core.i18n import format_day, t
from bot.people.notify import hhmm
from bot.ui.reply import Reply
from handlers.commands.deal import with_response_url
from handlers.listener import Request, command_text, listener

PLAN_WORDS = {"plan", "morning", "计划", "早"}
REVIEW_WORDS = {"review", "evening", "复盘", "总结", "晚"}
BACK_WORDS = {"back", "on", "resume", "回来了", "回来", "销假", "结束休假", "恢复"}
OFF = re.compile(r"^(off|away|vacation|holiday|休假|请假|不在)")
TIMES_WORDS = {"time", "times", "时间"}
QUIET_WORDS = {"quiet", "hours", "免打扰", "勿扰"}
HELP_WORDS = {"help", "帮助", "?"}
_HHMM = re.compile(r"\b(\d{1,2}[:：]\d{2})\b")


def open_form(req: Request, kind: str, origin: dict[str, str] | None, *, day: date | None = None) -> None:
    """The plan or review form for `day` (a prompt's day; today when opened by command; `kind`
    "now": whichever the time of day calls for)."""
    svc, actor, now = req.svc, req.actor, req.now
    if kind == "now":
        kind = form_due(svc.db, actor, now)
    day = day or local_today(actor, now)
    builder = plan_view if kind == "plan" else review_view
    view = builder(svc.db, actor, day, now, origin=origin)
    req.client.views_open(trigger_id=req.trigger_id, view=with_response_url(view, req.body.get("response_url")))


@listener(command_text)
def handle_checkin(req: Request) -> None:
    svc, actor, text, now = req.svc, req.actor, req.text, req.now
    word = text.split(maxsplit=1)[0].lower() if text else ""
    if not word:
        open_form(req, "now", None)
    elif word in PLAN_WORDS:
        open_form(req, "plan", None)
    elif word in REVIEW_WORDS:
        open_form(req, "review", None)
    elif OFF.match(text.lower()):
        req.reply(_time_off(svc, actor, text, now))
    elif word in BACK_WORDS:
        ended = do_end_time_off(svc.db, actor, now)
        req.reply(Reply(t(actor.lang, "checkin.on.done" if ended else "checkin.on.none")))
    elif word in TIMES_WORDS or word in QUIET_WORDS:
        req.reply(_times(svc, actor, word in QUIET_WORDS, text))
    else:
        req.reply(Reply(t(actor.lang, "checkin.help")))


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
    valid = [v for v in found if v is not None]
    if len(found) != 2 or len(valid) != 2 or (quiet and valid[0] >= valid[1]):
        return Reply(t(lang, "checkin.quiet.usage" if quiet else "checkin.times.usage"))
    first, second = valid
    if quiet:
        do_set_times(svc.db, actor, quiet_start=first, quiet_end=second)
        return Reply(t(lang, "checkin.quiet.done", start=first, end=second))
    do_set_times(svc.db, actor, morning=first, evening=second)
    return Reply(t(lang, "checkin.times.done", morning=first, evening=second))


def register(app: App) -> None:
    app.command("/checkin")(handle_checkin)
