"""The reminder messages: overdue follow-ups, cooling relationships, stale deals.

One message per person per job per day (bot/people/notify.py), listing every item with its buttons;
what does not fit (`PER_MESSAGE`) is counted, never silently dropped. Rendering only: the
sweeps in scheduler/jobs select the items and hand these messages to the sender. Action ids:
`nudge_done` / `nudge_snooze` / `nudge_log_visit` (a follow-up), `decay_plan_visit` (a contact),
`stale_next_step` (a deal); handlers/actions/nudges.py answers them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from bot.accounts.cadence import DecayWarning
from bot.core.clock import zone
from bot.core.i18n import Lang, format_amount, format_day, t
from bot.followups.rules import SNOOZE_OPTIONS, FollowUpItem
from bot.ui import blocks as bk
from storage.models import Account, Deal, Stage

PER_MESSAGE = 10


@cache
def _item_controls(lang: Lang) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A follow-up's Done / Snooze / Log visit controls in `lang`, built once; each item copies
    them with its own id (thousands of items are rendered per sweep)."""
    options = [bk.option(t(lang, f"nudge.snooze.{o}"), f"0:{o}") for o in SNOOZE_OPTIONS]
    return (
        bk.button(t(lang, "nudge.done"), "nudge_done", "0", style="primary"),
        bk.static_select("nudge_snooze", options, placeholder=t(lang, "nudge.snooze")),
        bk.button(t(lang, "nudge.log_visit"), "nudge_log_visit", "0"),
    )


def _controls(lang: Lang, follow_up_id: int) -> list[dict[str, Any]]:
    done, snooze, log = _item_controls(lang)
    fid = str(follow_up_id)
    options = [{**o, "value": f"{fid}:{key}"} for o, key in zip(snooze["options"], SNOOZE_OPTIONS, strict=True)]
    return [{**done, "value": fid}, {**snooze, "options": options}, {**log, "value": fid}]


def follow_up_blocks(
    lang: Lang, items: Sequence[tuple[FollowUpItem, str]], tz: str, now: datetime
) -> list[dict[str, Any]]:
    """One section per follow-up and its buttons (or its new status once acted on)."""
    blocks: list[dict[str, Any]] = []
    local = zone(tz)
    today = now.astimezone(local).date()
    for item, status in items:
        local_due = item.due_at.astimezone(local)
        late = (today - local_due.date()).days
        label = bk.escape(item.label(lang))
        if status != "open" or item.due_at > now:
            state = (
                t(lang, "nudge.status.snoozed", day=format_day(lang, local_due.date()))
                if status == "open"
                else t(lang, f"nudge.status.{status}")
            )
            blocks.append(bk.section(f"~{label}~  {state}", block_id=f"fudone_{item.id}"))
            continue
        when = (
            t(lang, "nudge.due_late", day=format_day(lang, local_due.date()), days=late)
            if late > 0
            else t(lang, "nudge.due_today", time=local_due.strftime("%H:%M"))
        )
        blocks.append(bk.section(f"*{label}*\n{when}", block_id=f"fu_{item.id}"))
        blocks.append(bk.actions(*_controls(lang, item.id), block_id=f"fu_{item.id}_actions"))
    return blocks


def follow_up_nudge(
    lang: Lang, day: date, total: int, items: Sequence[FollowUpItem], tz: str, now: datetime
) -> tuple[str, list[dict[str, Any]]]:
    """(notification text, blocks) of the daily overdue follow-up message."""
    text = t(lang, "nudge.title", count=total)
    blocks = [bk.header(t(lang, "nudge.header", day=format_day(lang, day))), bk.section(text)]
    blocks += follow_up_blocks(lang, [(i, "open") for i in items], tz, now)
    if total > len(items):
        blocks.append(bk.context(t(lang, "nudge.more", count=total - len(items))))
    return text, blocks


def nudge_ids(blocks: Sequence[dict[str, Any]]) -> list[int]:
    """The follow-up ids a nudge message lists (from its block ids), to redraw it after a click."""
    ids = []
    for block in blocks:
        block_id = str(block.get("block_id") or "")
        if block_id.startswith("fu_") and not block_id.endswith("_actions") and block_id[3:].isdigit():
            ids.append(int(block_id[3:]))
        elif block_id.startswith("fudone_") and block_id[7:].isdigit():
            ids.append(int(block_id[7:]))
    return ids


# ----- relationship decay ---------------------------------------------------------------------
def decay_warning(
    lang: Lang, day: date, warnings: Sequence[DecayWarning], total: int | None = None, *, cooling: int | None = None
) -> tuple[str, list[dict[str, Any]]]:
    """The contacts that crossed a rung of their ladder (the first `PER_MESSAGE`; `total`
    counts all pending), under the owner's count of cooling relationships (`cooling`, from
    `bot.accounts.cadence.cooling_counts`: the App Home's number)."""
    shown = list(warnings)[:PER_MESSAGE]
    total = max(total or 0, len(warnings))
    text = t(lang, "decay.title", count=max(cooling or 0, total))
    blocks = [bk.header(t(lang, "decay.header", day=format_day(lang, day))), bk.section(text)]
    for w in shown:
        role = t(lang, f"decay.role.{w.buying_role}") if w.buying_role in ROLES else ""
        line = t(
            lang,
            "decay.line",
            contact=bk.escape(w.name),
            account=bk.escape(w.account_name),
            days=w.days_since,
            meaning=t(lang, f"decay.rung.{_meaning(w.rung)}"),
        )
        if role:
            line += f" · {role}"
        if w.key:
            line += f" · {t(lang, 'decay.key')}"
        blocks.append(
            bk.section(
                line,
                accessory={**_button(lang, "decay.plan_visit", "decay_plan_visit"), "value": str(w.contact_id)},
                block_id=f"decay_{w.contact_id}",
            )
        )
    if total > len(shown):
        blocks.append(bk.context(t(lang, "decay.more", count=total - len(shown))))
    return text, blocks


ROLES = ("decision_maker", "influencer", "user", "purchaser", "coach")


@cache
def _button(lang: Lang, key: str, action_id: str) -> dict[str, Any]:
    """A warning's button in `lang`, built once (each item copies it with its own value)."""
    return bk.button(t(lang, key), action_id, "0")


def _meaning(rung: int) -> str:
    """DOMAIN.md §2: monthly grows, quarterly holds, six months cools, a year is gone; each
    said as what was lost (a warning), never as reassurance."""
    if rung >= 365:
        return "gone"
    if rung >= 180:
        return "cooling"
    if rung >= 90:
        return "holding"
    return "month"


# ----- stale deals ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class StaleDeal:
    deal_id: int
    title: str
    account_name: str
    owner_id: int
    stage_key: str
    stage_name: tuple[str, str]
    days_in_stage: int
    max_days: int
    amount: Decimal | None
    currency: str

    @property
    def item(self) -> str:
        return f"deal:{self.deal_id}:{self.stage_key}"


def stale_deals(
    session: Session, team_id: str, owner_ids: Sequence[int], at: datetime, *, unreported_only: bool = True
) -> list[StaleDeal]:
    """Open deals of `owner_ids` past their stage's maximum days (by default only those not yet
    reported in that stage)."""
    if not owner_ids:
        return []
    stages = list(
        session.scalars(select(Stage).where(Stage.team_id == team_id, Stage.max_days.is_not(None), Stage.max_days > 0))
    )
    if not stages:
        return []
    by_key = {s.key: s for s in stages}
    overdue = or_(
        *[
            and_(Deal.stage_key == s.key, Deal.stage_entered_at <= at - timedelta(days=int(s.max_days or 0)))
            for s in stages
        ]
    )
    rows = session.execute(
        select(Deal, Account.name)
        .join(Account, Account.id == Deal.account_id)
        .where(
            Deal.team_id == team_id,
            Deal.status == "open",
            Deal.owner_id.in_(sorted(owner_ids)),
            overdue,
            *(
                [or_(Deal.stale_notified_stage.is_(None), Deal.stale_notified_stage != Deal.stage_key)]
                if unreported_only
                else []
            ),
        )
        .order_by(Deal.owner_id, Deal.stage_entered_at, Deal.id)
    )
    found = []
    for deal, account in rows:
        stage = by_key[deal.stage_key]
        days = int((at - deal.stage_entered_at).total_seconds() // 86400)
        found.append(
            StaleDeal(
                deal.id,
                deal.title,
                account,
                int(deal.owner_id or 0),
                deal.stage_key,
                (stage.name_en, stage.name_zh),
                days,
                int(stage.max_days or 0),
                deal.amount,
                deal.currency,
            )
        )
    return found


def mark_stale_reported(session: Session, items: Sequence[str]) -> int:
    """Record the (deal, stage) pairs a sent warning reported; a deal moved on since is left alone."""
    marked = 0
    for item in items:
        kind, _, rest = str(item).partition(":")
        deal_id, _, stage = rest.partition(":")
        if kind != "deal" or not deal_id.isdigit():
            continue
        deal = session.get(Deal, int(deal_id))
        if deal is not None and deal.stage_key == stage:
            deal.stale_notified_stage = stage
            marked += 1
    return marked


def stale_warning(lang: Lang, day: date, deals: Sequence[StaleDeal]) -> tuple[str, list[dict[str, Any]]]:
    shown = list(deals)[:PER_MESSAGE]
    text = t(lang, "stale.title", count=len(deals))
    blocks = [bk.header(t(lang, "stale.header", day=format_day(lang, day))), bk.section(text)]
    for d in shown:
        amount = f" · {format_amount(d.amount, d.currency)}" if d.amount is not None else ""
        line = t(
            lang,
            "stale.line",
            deal=bk.escape(d.title),
            account=bk.escape(d.account_name),
            stage=d.stage_name[1] if lang == "zh" else d.stage_name[0],
            days=d.days_in_stage,
            max=d.max_days,
        )
        blocks.append(
            bk.section(
                line + amount,
                accessory={**_button(lang, "stale.next_step", "stale_next_step"), "value": str(d.deal_id)},
                block_id=f"stale_{d.deal_id}",
            )
        )
    if len(deals) > len(shown):
        blocks.append(bk.context(t(lang, "nudge.more", count=len(deals) - len(shown))))
    return text, blocks
