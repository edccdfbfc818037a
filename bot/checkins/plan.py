"""The morning plan (Plan): up to 7 items tagged key project / routine / ad hoc, plus visits.

The form has one box per tag (one item per line: quicker to type than seven rows of fields)
and is prefilled with what is already due today, so planning starts from the facts: stale
deals and cooling key contacts as key projects, overdue and due-today follow-ups as routine
work, and the accounts of those contacts as planned visits. What the last reviewed plan
missed comes first, carried over (`bot.checkins.outcome.carried`). Opening it again the same
day shows the saved plan instead.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.accounts.cadence import cooling_contacts
from bot.checkins.forms import text_box, typed
from bot.checkins.outcome import carried
from bot.core.access import access_account
from bot.core.actor import Actor
from bot.core.clock import start_of_local_day
from bot.core.i18n import Lang, format_day, t
from bot.followups.nudges import stale_deals
from bot.followups.rules import open_due_by
from bot.people.members import workspace_config
from bot.ui import blocks as bk
from storage.db import Database, in_transaction
from storage.models import Account, CheckIn, Visit
from storage.queries.sql import insert_ignoring_conflict

MAX_ITEMS = 7
MAX_ITEM_LENGTH = 300
TAGS = ("key", "routine", "adhoc")
CALLBACK = "checkin_plan"
MAX_ACCOUNT_OPTIONS = 100


@dataclass
class PlanInput:
    items: list[dict[str, str]] = field(default_factory=list)  # {"text", "tag"}
    account_ids: list[int] = field(default_factory=list)
    other_visits: list[str] = field(default_factory=list)


@dataclass
class Prefill:
    lines: dict[str, list[str]]
    visit_accounts: list[int]
    account_options: list[tuple[int, str]]
    notes: list[str]
    other_visits: list[str] = field(default_factory=list)


def _lines(text: str | None) -> list[str]:
    out = []
    for raw in (text or "").splitlines():
        line = raw.strip().lstrip("•-*·").strip()
        if line:
            out.append(line[:MAX_ITEM_LENGTH])
    return out


def prefill(session: Session, actor: Actor, day: date, now: datetime) -> Prefill:
    """What is already due today for `actor`, shaped as plan suggestions (at most 7 items)."""
    lang = actor.lang
    config = workspace_config(session, actor.team_id)
    end_of_day = start_of_local_day(day + timedelta(days=1), actor.tz)
    stale = stale_deals(session, actor.team_id, [actor.person_id], now, unreported_only=False)[:3]
    _, cooling = cooling_contacts(session, actor.team_id, [actor.person_id], now, config.cadence, limit=3)
    due = open_due_by(session, actor.team_id, actor.person_id, end_of_day, limit=MAX_ITEMS)
    key = [t(lang, "checkin.suggest.stale", deal=d.title, account=d.account_name, days=d.days_in_stage) for d in stale]
    key += [
        t(lang, "checkin.suggest.cooling", contact=c.name, account=c.account_name)
        for c in cooling
        if c.key or len(key) < 2
    ]
    carry = carried(session, actor, day)
    again = {tag: [str(i["text"]) for i in carry.items if i.get("tag") == tag] for tag in TAGS}
    kept = {text for texts in again.values() for text in texts}
    room = MAX_ITEMS - len(kept)
    key = [k for k in key if k not in kept][: max(0, min(4, room))]
    routine = [label for label in (item.label(lang) for item in due) if label not in kept][: max(0, room - len(key))]
    carried_accounts = [int(v["account_id"]) for v in carry.visits if v.get("account_id")]
    visit_accounts = list(dict.fromkeys([*carried_accounts, *[c.account_id for c in cooling if c.key][:3]]))
    notes = []
    if carry.count and carry.day is not None:
        notes.append(t(lang, "checkin.suggest.carried", count=carry.count, day=format_day(lang, carry.day)))
    if due or stale or cooling:
        notes.append(t(lang, "checkin.suggest.note", follow_ups=len(due), contacts=len(cooling), deals=len(stale)))
    return Prefill(
        {"key": again["key"] + key, "routine": again["routine"] + routine, "adhoc": again["adhoc"]},
        visit_accounts,
        account_options(session, actor, visit_accounts),
        notes,
        [str(v["name"]) for v in carry.visits if not v.get("account_id") and v.get("name")],
    )


def account_options(session: Session, actor: Actor, first: list[int]) -> list[tuple[int, str]]:
    """The actor's accounts for the visits menu: suggested ones first, then the most recently visited."""
    recent = (
        select(Visit.account_id, Visit.occurred_at)
        .where(Visit.team_id == actor.team_id, Visit.rep_id == actor.person_id)
        .order_by(Visit.occurred_at.desc())
        .limit(300)
        .subquery()
    )
    order = list(dict.fromkeys(first))
    for account_id in session.scalars(select(recent.c.account_id)):
        if account_id not in order:  # a rep visits the same account many times: list it once
            order.append(account_id)
    owned = session.scalars(
        select(Account.id)
        .where(Account.team_id == actor.team_id, Account.owner_id == actor.person_id, Account.archived_at.is_(None))
        .order_by(Account.name)
        .limit(MAX_ACCOUNT_OPTIONS)
    )
    order += [a for a in owned if a not in order]
    order = order[:MAX_ACCOUNT_OPTIONS]
    names = {aid: name for aid, name in session.execute(select(Account.id, Account.name).where(Account.id.in_(order)))}
    return [(a, names[a]) for a in order if a in names]


def existing(session: Session, actor: Actor, day: date) -> CheckIn | None:
    return session.scalar(select(CheckIn).where(CheckIn.person_id == actor.person_id, CheckIn.local_date == day))


def plan_view(
    db: Database, actor: Actor, day: date, now: datetime, *, origin: dict[str, str] | None = None
) -> dict[str, Any]:
    """The plan modal for `day`: the saved plan if there is one, else today's suggestions."""
    lang = actor.lang
    with db.transaction() as session:
        saved = existing(session, actor, day)
        if saved is not None and saved.planned_at is not None:
            lines = {tag: [i["text"] for i in saved.plan_items if i.get("tag") == tag] for tag in TAGS}
            chosen = [int(v["account_id"]) for v in saved.planned_visits if v.get("account_id")]
            others = [str(v["name"]) for v in saved.planned_visits if not v.get("account_id") and v.get("name")]
            options = account_options(session, actor, chosen)
            notes: list[str] = []
        else:
            fill = prefill(session, actor, day, now)
            lines, chosen, others, options, notes = (
                fill.lines,
                fill.visit_accounts,
                fill.other_visits,
                fill.account_options,
                fill.notes,
            )
    return _modal(lang, day, lines, chosen, others, options, notes, origin)


def _modal(
    lang: Lang,
    day: date,
    lines: dict[str, list[str]],
    chosen: list[int],
    others: list[str],
    options: list[tuple[int, str]],
    notes: list[str],
    origin: dict[str, str] | None,
) -> dict[str, Any]:
    blocks = [bk.context(t(lang, "checkin.plan.intro", day=format_day(lang, day), max=MAX_ITEMS))]
    blocks += [bk.context(note) for note in notes]
    for tag in TAGS:
        blocks.append(
            text_box(
                f"plan_{tag}",
                t(lang, f"checkin.tag.{tag}"),
                initial="\n".join(lines.get(tag, [])),
                placeholder=t(lang, f"checkin.plan.placeholder.{tag}"),
            )
        )
    opts = [bk.option(name, str(aid)) for aid, name in options]
    if opts:
        initial = [o for o in opts if int(o["value"]) in chosen]
        blocks.append(
            bk.input_block(
                "plan_visits",
                t(lang, "checkin.plan.visits"),
                bk.static_select(
                    "accounts",
                    opts,
                    multi=True,
                    initial_many=initial or None,
                    placeholder=t(lang, "checkin.plan.visits_placeholder"),
                ),
                optional=True,
            )
        )
    blocks.append(
        text_box(
            "plan_other_visits",
            t(lang, "checkin.plan.other_visits"),
            initial="\n".join(others),
            placeholder=t(lang, "checkin.plan.other_placeholder"),
        )
    )
    meta = {"d": day.isoformat(), "l": lang, **(origin or {})}
    return bk.modal(
        lang,
        t(lang, "checkin.plan.title"),
        blocks,
        callback_id=CALLBACK,
        private_metadata=json.dumps(meta, separators=(",", ":")),
    )


def parse_submission(lang: Lang, values: dict[str, dict[str, Any]]) -> tuple[PlanInput, dict[str, str]]:
    """The plan typed into the form, and errors by block id (more than 7 items)."""
    plan = PlanInput()
    for tag in TAGS:
        text = typed(values, f"plan_{tag}")
        plan.items += [{"text": line, "tag": tag} for line in _lines(text)]
    selected = ((values.get("plan_visits") or {}).get("accounts") or {}).get("selected_options") or []
    plan.account_ids = [int(o["value"]) for o in selected if str(o.get("value", "")).isdigit()]
    plan.other_visits = _lines(typed(values, "plan_other_visits"))
    errors: dict[str, str] = {}
    if len(plan.items) > MAX_ITEMS:
        block = next(f"plan_{tag}" for tag in TAGS if any(i["tag"] == tag for i in plan.items))
        errors[block] = t(lang, "checkin.plan.too_many", count=len(plan.items), max=MAX_ITEMS)
    return plan, errors


def ensure_checkin(session: Session, actor: Actor, day: date, now: datetime) -> CheckIn:
    values = {
        "team_id": actor.team_id,
        "person_id": actor.person_id,
        "local_date": day,
        "plan_items": [],
        "planned_visits": [],
        "created_at": now,
    }
    session.execute(insert_ignoring_conflict(session, CheckIn, values, key=["person_id", "local_date"]))
    row = existing(session, actor, day)
    assert row is not None
    return row


def save_plan(session: Session, actor: Actor, day: date, plan: PlanInput, now: datetime) -> CheckIn:
    """Save (or replace) the plan of `day`; accounts are checked through `access_account`."""
    if len(plan.items) > MAX_ITEMS:
        raise ValueError("too many items")
    visits: list[dict[str, Any]] = []
    for account_id in dict.fromkeys(plan.account_ids):
        account = access_account(session, actor, account_id)
        visits.append({"account_id": account.id, "name": account.name})
    visits += [{"name": name} for name in plan.other_visits]
    checkin = ensure_checkin(session, actor, day, now)
    checkin.plan_items = plan.items
    checkin.planned_visits = visits
    checkin.planned_at = now
    return checkin


do_save_plan = in_transaction(save_plan)
