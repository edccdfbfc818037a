"""The evening review (Do / Check / Act): the plan beside the day's real visits, then reflection.

The form opens with the morning plan next to the visits actually logged today (from
`bot.visits.ops.visits_on_day`, so the Do part is filled in from the data, not typed again),
then asks what was done, what was not finished, not done well, not done, what went well, the
problems met and the countermeasures. Saving counts towards the streak.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from bot.checkins.days import streak
from bot.checkins.forms import text_box, typed
from bot.checkins.plan import TAGS, ensure_checkin, existing
from bot.core.actor import Actor
from bot.core.clock import start_of_local_day, zone
from bot.core.i18n import Lang, format_day, t
from bot.ui import blocks as bk
from bot.visits.ops import VisitView, visits_on_day
from storage.db import Database
from storage.models import Person

CALLBACK = "checkin_review"
FIELDS = ("done_text", "not_finished", "not_done_well", "not_done", "went_well", "problems", "countermeasures")
MAX_FIELD = 2000
FIELD_ROOM = 1_900  # a section field holds 2,000 characters, its bold heading included


@dataclass
class ReviewInput:
    values: dict[str, str | None]


def _visit_line(lang: Lang, tz: str, visit: VisitView) -> str:
    when = visit.occurred_at.astimezone(zone(tz)).strftime("%H:%M")
    channel = t(lang, f"visit.channel.{visit.channel}") if visit.channel else ""
    who = ", ".join(c.name for c in visit.contacts)
    return f"• {when} {bk.escape(visit.account_name)} ({channel}){' · ' + bk.escape(who) if who else ''}"


def review_view(
    db: Database, actor: Actor, day: date, now: datetime, *, origin: dict[str, str] | None = None
) -> dict[str, Any]:
    lang = actor.lang
    start = start_of_local_day(day, actor.tz)
    visits = visits_on_day(db, actor, start, start_of_local_day(day + timedelta(days=1), actor.tz))
    with db.transaction() as session:
        saved = existing(session, actor, day)
        plan_items = list(saved.plan_items) if saved else []
        planned_visits = list(saved.planned_visits) if saved else []
        answers = {f: getattr(saved, f) for f in FIELDS} if saved else {}
    if plan_items or planned_visits:
        plan_lines = [
            f"• {bk.escape(i['text'])} _({t(lang, 'checkin.tag.' + i['tag'])})_"
            for i in plan_items
            if i.get("tag") in TAGS
        ]
        plan_lines += [
            f"• {t(lang, 'checkin.review.visit_planned', name=bk.escape(str(v.get('name', ''))))}"
            for v in planned_visits
        ]
        plan_text = bk.fit_lines(plan_lines, FIELD_ROOM, lambda n: t(lang, "common.more", count=n))
    else:
        plan_text = t(lang, "checkin.review.no_plan")
    visit_lines = [_visit_line(lang, actor.tz, v) for v in visits.visits]
    logged = bk.fit_lines(visit_lines, FIELD_ROOM, lambda n: t(lang, "common.more", count=n)) or t(
        lang, "checkin.review.no_visits"
    )
    blocks = [
        bk.context(t(lang, "checkin.review.intro", day=format_day(lang, day))),
        bk.section(
            fields=[
                f"*{t(lang, 'checkin.review.plan')}*\n{plan_text}",
                f"*{t(lang, 'checkin.review.logged', count=len(visits.visits), standard=visits.standard)}*\n{logged}",
            ]
        ),
        bk.divider(),
    ]
    for name in FIELDS:
        blocks.append(
            text_box(
                f"review_{name}",
                t(lang, f"checkin.review.{name}"),
                initial=answers.get(name),
                placeholder=t(lang, f"checkin.review.{name}.hint"),
                optional=name != "done_text",
                max_length=MAX_FIELD,
            )
        )
    meta = {"d": day.isoformat(), **(origin or {})}
    return bk.modal(
        t(lang, "checkin.review.title"),
        blocks,
        callback_id=CALLBACK,
        submit=t(lang, "common.save"),
        close=t(lang, "common.cancel"),
        private_metadata=json.dumps(meta, separators=(",", ":")),
    )


def parse_submission(values: dict[str, dict[str, Any]]) -> ReviewInput:
    out: dict[str, str | None] = {}
    for name in FIELDS:
        text = typed(values, f"review_{name}")
        out[name] = (text or "").strip()[:MAX_FIELD] or None
    return ReviewInput(out)


def do_save_review(db: Database, actor: Actor, day: date, review: ReviewInput, now: datetime) -> int:
    """Save the review of `day`; returns the streak (working days reviewed in a row)."""
    with db.transaction() as session:
        checkin = ensure_checkin(session, actor, day, now)
        for name, value in review.values.items():
            setattr(checkin, name, value)
        checkin.reviewed_at = now
        session.flush()
        person = session.get(Person, actor.person_id)
        assert person is not None
        return streak(session, person, now.astimezone(zone(actor.tz)).date())
