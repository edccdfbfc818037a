"""The evening review (Do / Check / Act): the plan beside the day's real visits, then reflection.

The form opens with the morning plan next to the visits actually logged today (from
`bot.visits.ops.visits_on_day`, so the Do part is filled in from the data, not typed again),
then asks what was done, what was not finished, not done well, not done, what went well, the
problems met and the countermeasures. Each planned item is marked done or missed from the
day's data (`bot.checkins.outcome`), shown as ticked boxes the rep can correct; saving stores
the marks, so the next plan starts with what was missed. Saving counts towards the streak.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.checkins.days import streak
from bot.checkins.forms import text_box, typed
from bot.checkins.outcome import Entry, mark, plan_entries
from bot.checkins.plan import TAGS, ensure_checkin, existing
from bot.core.actor import Actor
from bot.core.clock import start_of_local_day, zone
from bot.core.i18n import Lang, format_day, join_list, t
from bot.ui import blocks as bk
from bot.visits.ops import VisitView, visits_on_day
from storage.db import Database
from storage.models import Person

CALLBACK = "checkin_review"
FIELDS = ("done_text", "not_finished", "not_done_well", "not_done", "went_well", "problems", "countermeasures")
MAX_FIELD = 2000
FIELD_ROOM = 1_900  # a section field holds 2,000 characters, its bold heading included


DONE_BLOCK = "review_done_items"


@dataclass
class ReviewInput:
    values: dict[str, str | None]
    done_keys: set[str] | None = None  # the plan entries ticked done; None: the form had no list


@dataclass(frozen=True)
class ReviewSaved:
    streak: int
    done: int
    missed: int


def _visit_line(lang: Lang, tz: str, visit: VisitView) -> str:
    when = visit.occurred_at.astimezone(zone(tz)).strftime("%H:%M")
    channel = t(lang, f"visit.channel.{visit.channel}") if visit.channel else ""
    who = join_list(lang, (c.name for c in visit.contacts))
    return f"• {when} {bk.escape(visit.account_name)} ({channel}){' · ' + bk.escape(who) if who else ''}"


def review_view(
    db: Database, actor: Actor, day: date, now: datetime, *, origin: dict[str, str] | None = None
) -> dict[str, Any]:
    lang = actor.lang
    start = start_of_local_day(day, actor.tz)
    end = start_of_local_day(day + timedelta(days=1), actor.tz)
    visits = visits_on_day(db, actor, start, end)
    with db.transaction() as session:
        saved = existing(session, actor, day)
        entries = plan_entries(session, actor, saved, (v.account_id for v in visits.visits), start, end)
        answers = {f: getattr(saved, f) for f in FIELDS} if saved else {}
    entries = [e for e in entries if e.tag is None or e.tag in TAGS]
    more = lambda n: t(lang, "common.more", count=n)  # noqa: E731
    plan_text = bk.fit_lines([_entry_line(lang, e) for e in entries], FIELD_ROOM, more) or t(
        lang, "checkin.review.no_plan"
    )
    visit_lines = [_visit_line(lang, actor.tz, v) for v in visits.visits]
    logged = bk.fit_lines(visit_lines, FIELD_ROOM, more) or t(lang, "checkin.review.no_visits")
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
    if entries:
        shown = entries[: bk.limits.MAX_CHECKBOXES]
        options = [bk.option(_entry_text(lang, e), e.key) for e in shown]
        ticked = [o for o, e in zip(options, shown, strict=True) if e.done]
        blocks.append(
            bk.input_block(
                DONE_BLOCK,
                t(lang, "checkin.review.done_items"),
                bk.checkboxes("done", options, initial=ticked or None),
                optional=True,
                hint=t(lang, "checkin.review.done_items.hint"),
            )
        )
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
        lang,
        t(lang, "checkin.review.title"),
        blocks,
        callback_id=CALLBACK,
        private_metadata=json.dumps(meta, separators=(",", ":")),
    )


def _entry_text(lang: Lang, entry: Entry) -> str:
    if entry.tag is None:
        return t(lang, "checkin.review.visit_planned", name=entry.text)
    return f"{entry.text} ({t(lang, 'checkin.tag.' + entry.tag)})"


def _entry_line(lang: Lang, entry: Entry) -> str:
    mark = "✅" if entry.done else "✗"
    status = t(lang, "checkin.review.entry_done" if entry.done else "checkin.review.entry_missed")
    return f"{mark} {bk.escape(_entry_text(lang, entry))} _{status}_"


def parse_submission(values: dict[str, dict[str, Any]]) -> ReviewInput:
    out: dict[str, str | None] = {}
    for name in FIELDS:
        text = typed(values, f"review_{name}")
        out[name] = (text or "").strip()[:MAX_FIELD] or None
    done_keys = None
    if DONE_BLOCK in values:
        state = (values.get(DONE_BLOCK) or {}).get("done") or {}
        done_keys = {str(o.get("value")) for o in state.get("selected_options") or [] if isinstance(o, dict)}
    return ReviewInput(out, done_keys)


def do_save_review(db: Database, actor: Actor, day: date, review: ReviewInput, now: datetime) -> ReviewSaved:
    """Save the review of `day` with each planned item marked done or missed (as ticked in the
    form, or else as the day's data shows); returns the streak and the counts."""
    start = start_of_local_day(day, actor.tz)
    end = start_of_local_day(day + timedelta(days=1), actor.tz)
    visited = [v.account_id for v in visits_on_day(db, actor, start, end).visits]
    with db.transaction() as session:
        return save_review(session, actor, day, review, now, visited)


def save_review(
    session: Session, actor: Actor, day: date, review: ReviewInput, now: datetime, visited: list[int]
) -> ReviewSaved:
    """Save the review of `day` with each planned item marked done or missed (as ticked in the
    form, or else as the day's data shows); returns the streak and the counts. `visited`: the
    accounts of the rep's visits that day, as the form showed them (`do_save_review` reads them)."""
    start = start_of_local_day(day, actor.tz)
    end = start_of_local_day(day + timedelta(days=1), actor.tz)
    checkin = ensure_checkin(session, actor, day, now)
    for name, value in review.values.items():
        setattr(checkin, name, value)
    done_keys = review.done_keys
    if done_keys is None:
        done_keys = {e.key for e in plan_entries(session, actor, checkin, visited, start, end) if e.done}
    done, missed = mark(checkin, done_keys)
    checkin.reviewed_at = now
    session.flush()
    person = session.get(Person, actor.person_id)
    assert person is not None
    return ReviewSaved(streak(session, person, now.astimezone(zone(actor.tz)).date()), done, missed)
