"""The App Home tab: my day, my pipeline, my stale deals, my conversion against the team.

`home_view(db, actor, now, mode)` loads everything in one transaction (a fixed number of
set-based queries, whatever the amount of data) and renders a `home` view. Every list is
capped and every section packed within Slack's limits, so the view stays far below the
100-block limit however many deals, follow-ups or reps there are. Managers get a switch
between their own view and their team's (`mode` "me" / "team") and open on the team's (what
they come to the app for); a rep asking for the team view gets their own. In the team view
"cooling relationships" counts the team's, with the same function (`cooling_contacts`) as a
rep's own view and the relationship-decay DM. Someone with no deal yet gets a welcome that
says what to do first instead of empty figures.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from bot import analytics as an
from bot.accounts.cadence import CoolingContact, cooling_contacts
from bot.analytics.pipeline_view import (
    CONVERSION_DAYS,
    TeamPipeline,
    conversion_lines,
    forecast_lines,
    load_team_pipeline,
    pack_lines,
    small_sample_line,
    stage_lines,
    summary_line,
    team_blocks,
    weakest_line,
)
from bot.core.access import team_person_ids
from bot.core.actor import Actor
from bot.core.clock import local_date, start_of_local_day, zone
from bot.core.i18n import Lang, format_day, format_when, t
from bot.followups.rules import FollowUpItem, open_due_by
from bot.people.members import workspace_config
from bot.ui import blocks as bk
from bot.ui.blockkit import MAX_VIEW_BLOCKS
from bot.visits.history import PAGE, HistoryPage, HistoryQuery, list_history, page_title, visit_blocks
from storage.db import Database
from storage.models import CheckIn, Deal, FollowUp, Person, TimeOff

Mode = Literal["me", "team"]
SWITCH_ACTION = "home_switch"
VISITS_ACTION = "home_visits"  # "My visits" Newer / Older (`home_visits_newer|older`)
LIST_LIMIT = 5
FORECAST_LIMIT = 6


@dataclass(frozen=True)
class FollowUpLine:
    """A follow-up due today or overdue; shown by its label (`FollowUpItem.label`), the words
    the nudges use, so a rule-made follow-up reads as its rule, not its stored text."""

    item: FollowUpItem
    overdue: bool


@dataclass(frozen=True)
class MyDay:
    """Today for one person: check-in status, follow-ups due or overdue, cooling relationships."""

    today: date
    off: bool
    planned: bool
    reviewed: bool
    overdue: int
    due_today: int
    follow_ups: list[FollowUpLine]
    cooling_total: int
    cooling: list[CoolingContact]


@dataclass(frozen=True)
class HomeData:
    mode: Mode
    is_manager: bool
    currency: str
    day: MyDay
    pipeline: an.Pipeline
    forecast: list[an.ForecastMonth]
    stale: an.StaleDeals
    me: an.RepConversion | None = None
    team: an.Conversion | None = None
    team_view: TeamPipeline | None = None
    names: dict[int, str] | None = None
    welcome: bool = False  # no deal yet: say what to do first


def default_mode(actor: Actor) -> Mode:
    """The view the tab opens on: managers (and admins) their team's, reps their own."""
    return "team" if actor.is_manager else "me"


def load_day(session: Session, actor: Actor, now: datetime) -> MyDay:
    """Check-in status for the actor's local today, follow-ups due by the end of it (overdue
    first), and the key relationships cooling on their accounts."""
    today = local_date(now, actor.tz)
    end_of_day = start_of_local_day(today + timedelta(days=1), actor.tz)
    checkin = session.execute(
        select(CheckIn.planned_at, CheckIn.reviewed_at).where(
            CheckIn.person_id == actor.person_id, CheckIn.local_date == today
        )
    ).first()
    off = session.scalar(
        select(func.count()).where(
            TimeOff.person_id == actor.person_id, TimeOff.starts_on <= today, TimeOff.ends_on >= today
        )
    )
    due = and_(FollowUp.owner_id == actor.person_id, FollowUp.status == "open", FollowUp.due_at < end_of_day)
    overdue, due_today = session.execute(
        select(
            func.count().filter(FollowUp.due_at < now),
            func.count().filter(FollowUp.due_at >= now),
        ).where(due)
    ).one()
    items = open_due_by(session, actor.team_id, actor.person_id, end_of_day, limit=LIST_LIMIT)
    follow_ups = [FollowUpLine(item, item.due_at < now) for item in items]
    config = workspace_config(session, actor.team_id)
    cooling_total, cooling = cooling_contacts(
        session, actor.team_id, {actor.person_id}, now, config.cadence, limit=LIST_LIMIT
    )
    return MyDay(
        today=today,
        off=bool(off),
        planned=bool(checkin and checkin[0]),
        reviewed=bool(checkin and checkin[1]),
        overdue=int(overdue or 0),
        due_today=int(due_today or 0),
        follow_ups=follow_ups,
        cooling_total=cooling_total,
        cooling=cooling,
    )


def peer_ids(session: Session, actor: Actor) -> set[int] | None:
    """The team a person is compared with: everyone under their manager (None: the whole
    workspace, for someone nobody manages)."""
    manager_id = session.scalar(select(Person.manager_id).where(Person.id == actor.person_id))
    if manager_id is None:
        return None
    manager = Actor(team_id=actor.team_id, user_id="", person_id=manager_id, role="manager")
    return team_person_ids(session, manager)


def load_home(session: Session, actor: Actor, now: datetime, mode: Mode | None = None) -> HomeData:
    """Everything the tab shows, for `actor` (and their team, in a manager's team view)."""
    mode = mode or default_mode(actor)
    if mode == "team" and not actor.is_manager:
        mode = "me"
    config = workspace_config(session, actor.team_id)
    currency = config.default_currency
    day = load_day(session, actor, now)
    if mode == "team":
        scope = team_person_ids(session, actor)
        total, cooling = cooling_contacts(session, actor.team_id, scope, now, config.cadence, limit=LIST_LIMIT)
        day = replace(day, cooling_total=total, cooling=cooling)
        team = load_team_pipeline(session, actor.team_id, scope, now)
        stale = an.stale_deals(session, actor.team_id, scope, now, limit=LIST_LIMIT)
        owners = {d.owner_id for d in stale.deals if d.owner_id is not None}
        names = {**team.names, **_names(session, owners - set(team.names))}
        return HomeData(mode, True, currency, day, team.pipeline, team.forecast, stale, team_view=team, names=names)
    mine = {actor.person_id}
    has_deal = session.scalar(
        select(Deal.id).where(Deal.team_id == actor.team_id, Deal.owner_id == actor.person_id).limit(1)
    )
    period = an.Period.last_days(now, CONVERSION_DAYS)
    compared = an.compare_reps(session, actor.team_id, peer_ids(session, actor), period, reps=mine, with_medians=False)
    return HomeData(
        mode,
        actor.is_manager,
        currency,
        day,
        an.open_pipeline(session, actor.team_id, mine),
        an.forecast_by_month(session, actor.team_id, mine),
        an.stale_deals(session, actor.team_id, mine, now, limit=LIST_LIMIT),
        me=compared.reps[actor.person_id],
        team=compared.team,
        welcome=has_deal is None,
    )


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {pid: name for pid, name in session.execute(select(Person.id, Person.name).where(Person.id.in_(ids)))}


# ----- rendering ----------------------------------------------------------------------------
def _day_blocks(lang: Lang, day: MyDay, tz: str, *, team: bool = False) -> list[bk.Block]:
    if day.off:
        checkin = t(lang, "home.checkin.off")
    else:
        checkin = "\n".join(
            [
                t(lang, "home.checkin.plan_done" if day.planned else "home.checkin.plan_missing"),
                t(lang, "home.checkin.review_done" if day.reviewed else "home.checkin.review_missing"),
            ]
        )
    blocks = [bk.section(checkin)]
    lines = [t(lang, "home.followups.title", overdue=day.overdue, today=day.due_today)]
    if not day.follow_ups:
        lines.append(t(lang, "home.followups.none"))
    for line in day.follow_ups:
        local = line.item.due_at.astimezone(zone(tz))
        when = format_when(lang, local) if line.overdue else f"{local:%H:%M}"
        key = "home.followups.overdue" if line.overdue else "home.followups.today"
        lines.append(t(lang, key, text=bk.escape(bk.clip(line.item.label(lang), 200)), when=when))
    shown = len(day.follow_ups)
    if day.overdue + day.due_today > shown:
        lines.append(t(lang, "pipeline.more", count=day.overdue + day.due_today - shown))
    blocks.extend(pack_lines(lang, lines, max_blocks=1))
    lines = [t(lang, "home.cooling.title_team" if team else "home.cooling.title", count=day.cooling_total)]
    if not day.cooling:
        lines.append(t(lang, "home.cooling.none"))
    for contact in day.cooling:
        values = {
            "name": bk.escape(contact.name),
            "account": bk.escape(contact.account_name),
            "key": t(lang, "home.cooling.key") if contact.key else "",
        }
        if contact.days_since is None:
            lines.append(t(lang, "home.cooling.never", **values))
        else:
            lines.append(t(lang, "home.cooling.line", days=contact.days_since, **values))
    if day.cooling_total > len(day.cooling):
        lines.append(t(lang, "pipeline.more", count=day.cooling_total - len(day.cooling)))
    blocks.extend(pack_lines(lang, lines, max_blocks=1))
    return blocks


def _stale_blocks(lang: Lang, stale: an.StaleDeals, names: dict[int, str] | None) -> list[bk.Block]:
    lines = [t(lang, "home.stale.title", count=stale.total)]
    if not stale.deals:
        lines.append(t(lang, "home.stale.none"))
    for deal in stale.deals:
        owner = ""
        if names is not None and deal.owner_id is not None:
            owner = f" · {bk.escape(names.get(deal.owner_id) or '')}"
        lines.append(
            t(
                lang,
                "home.stale.line",
                account=bk.escape(deal.account_name),
                title=bk.escape(deal.title),
                days=deal.days_in_stage,
                stage=bk.escape(deal.stage.name(lang)),
                over=deal.days_over,
                owner=owner,
            )
        )
    if stale.total > len(stale.deals):
        lines.append(t(lang, "pipeline.more", count=stale.total - len(stale.deals)))
    return pack_lines(lang, lines, max_blocks=1)


def _switch(lang: Lang, mode: Mode) -> bk.Block:
    buttons = [
        bk.button(t(lang, f"home.switch.{choice}"), f"{SWITCH_ACTION}_{choice}", choice, style=style)
        for choice in ("me", "team")
        for style in ["primary" if mode == choice else None]
    ]
    return bk.actions(*buttons, block_id="home_switch")


def render_home(lang: Lang, data: HomeData, tz: str, now: datetime) -> dict[str, Any]:
    """The home view for `data` (fewer than 50 blocks in every case)."""
    title_key = "home.title.team" if data.mode == "team" else "home.title.me"
    blocks: list[bk.Block] = [bk.header(t(lang, title_key, day=format_day(lang, data.day.today)))]
    if data.is_manager:
        blocks.append(_switch(lang, data.mode))
    if data.welcome and data.mode == "me":
        blocks.append(bk.section(t(lang, "home.welcome")))
    blocks.extend(_day_blocks(lang, data.day, tz, team=data.mode == "team"))
    blocks.append(bk.divider())
    if data.mode == "team" and data.team_view is not None:
        blocks.append(bk.header(t(lang, "home.pipeline.team_title")))
        blocks.extend(team_blocks(lang, data.team_view, data.day.today, max_rep_blocks=10))
        blocks.append(bk.divider())
        blocks.extend(_stale_blocks(lang, data.stale, data.names))
    else:
        blocks.append(bk.header(t(lang, "home.pipeline.title")))
        blocks.append(bk.section(summary_line(lang, data.pipeline)))
        blocks.extend(pack_lines(lang, stage_lines(lang, data.pipeline), max_blocks=2))
        forecast = forecast_lines(lang, data.forecast, data.day.today, FORECAST_LIMIT)
        blocks.extend(pack_lines(lang, forecast, max_blocks=1, title=t(lang, "pipeline.forecast.title")))
        blocks.extend(_stale_blocks(lang, data.stale, None))
        if data.me is not None and not data.welcome:
            blocks.append(bk.divider())
            blocks.append(bk.header(t(lang, "home.conversion.title")))
            title = t(lang, "pipeline.conversion.title", days=CONVERSION_DAYS)
            lines = [*conversion_lines(lang, data.me.conversion, data.team), weakest_line(lang, data.me)]
            blocks.extend(pack_lines(lang, lines, max_blocks=2, title=title))
            note = small_sample_line(lang, data.me.conversion)
            if note:
                blocks.append(bk.context(note))
    stamp = t(lang, "home.updated", when=format_when(lang, now.astimezone(zone(tz))))
    blocks.append(bk.context(stamp, t(lang, "pipeline.note", currency=data.currency)))
    return bk.home(blocks)


def home_state(mode: Mode, offset: int) -> str:
    """`mode:offset`, what a published tab was showing (the view's `private_metadata`, and the
    value of "My visits" Newer / Older): what a change made from the tab re-publishes it at."""
    return f"{mode}:{offset}"


def read_home_state(raw: str | None) -> tuple[Mode | None, int]:
    """The (mode, "My visits" offset) of `home_state` text. A tab published before the offset
    was kept holds only its mode; anything else reads as (None, 0): the default view."""
    mode, _, offset = (raw or "").partition(":")
    shown: Mode | None = "team" if mode == "team" else "me" if mode == "me" else None
    return shown, int(offset) if offset.isdigit() and len(offset) <= 9 else 0


def visits_blocks(lang: Lang, tz: str, page: HistoryPage, mode: Mode, *, manager: bool) -> list[bk.Block]:
    """ "My visits" (a manager's: their team's): a page of the rows `/visit list` shows, then
    Newer / Older buttons that re-publish the tab at the next page (value `mode:offset`)."""
    title = t(lang, "home.visits.team" if manager else "home.visits.me")
    blocks: list[bk.Block] = [bk.divider(), bk.header(title), bk.context(page_title(lang, page))]
    blocks += visit_blocks(lang, tz, page)
    offset, shown = page.query.offset, len(page.visits)
    buttons = []
    if offset > 0:
        buttons.append(
            bk.button(t(lang, "home.visits.newer"), f"{VISITS_ACTION}_newer", home_state(mode, max(0, offset - PAGE)))
        )
    if offset + shown < page.total:
        older = home_state(mode, offset + shown)
        buttons.append(bk.button(t(lang, "home.visits.older"), f"{VISITS_ACTION}_older", older))
    if buttons:
        blocks.append(bk.actions(*buttons, block_id="home_visits_pages"))
    return blocks


def home_view(
    db: Database, actor: Actor, now: datetime, mode: Mode | None = None, visits_offset: int = 0
) -> dict[str, Any]:
    """The App Home view for `actor` now: load in one transaction, then render; "My visits"
    (the page at `visits_offset`, the last page if fewer are left) goes before the footer. The
    view keeps what it shows (`home_state`) so a change made from it can re-publish the same."""
    with db.transaction() as session:
        data = load_home(session, actor, now, mode)
    view = render_home(actor.lang, data, actor.tz, now)
    page = list_history(db, actor, HistoryQuery(offset=max(0, visits_offset)))
    if not page.visits and page.total:
        page = list_history(db, actor, HistoryQuery(offset=(page.total - 1) // PAGE * PAGE))
    extra = visits_blocks(actor.lang, actor.tz, page, data.mode, manager=actor.is_manager)
    view["blocks"][-1:-1] = extra[: max(0, MAX_VIEW_BLOCKS - len(view["blocks"]))]
    view["private_metadata"] = home_state(data.mode, page.query.offset)
    return view
