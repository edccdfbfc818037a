"""`/pipeline`: open deals by stage with amounts and the weighted forecast, and the pieces of
rendering App Home shares with it (stage lines, forecast lines, conversion lines).

Who may see what is decided here through `bot.core.access`: `/pipeline` is your own pipeline;
`/pipeline @rep` and `/pipeline team` are for managers (their team) and admins (everyone).
The numbers all come from `bot.analytics`, so they match App Home and the digests.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import analytics as an
from bot.analytics.wording import money, pct, step_count, step_key, step_names
from bot.core.access import NotAllowed, NotFound, access_person_by_slack_id, require_manager, team_person_ids
from bot.core.actor import Actor
from bot.core.clock import local_date
from bot.core.i18n import Lang, format_day, join_list, t
from bot.core.text import mentioned_users
from bot.people.members import workspace_config
from bot.ui import blocks as bk
from bot.ui.reply import Reply
from storage.db import Database
from storage.models import Person

CONVERSION_DAYS = 365  # the window conversion figures look back over in /pipeline and App Home
DEALS_PER_STAGE = 5
FORECAST_MONTHS = 8
TEAM_WORDS = ("team", "团队")
HELP_WORDS = ("help", "帮助", "?")


# ----- shared rendering helpers -------------------------------------------------------------
# Percentages, amounts and steps are worded by `bot.analytics.wording` (the digests' too).


def month_label(lang: Lang, month: date) -> str:
    return f"{month.year}年{month.month}月" if lang == "zh" else f"{month:%b} {month.year}"


def step_label(lang: Lang, step: an.StepRate, stages: list[an.StepRate]) -> str:
    """'D→C Demo / proposal → Close': the column label and the stages' names."""
    return f"{step_key(lang, step)} {step_names(lang, step, stages)}"


def pack_lines(lang: Lang, lines: list[str], *, max_blocks: int, title: str | None = None) -> list[bk.Block]:
    """`lines` packed into sections by the shared `bk.pack_lines` ("…and N more" when cut)."""
    return bk.pack_lines(lines, max_blocks=max_blocks, title=title, more=lambda n: t(lang, "pipeline.more", count=n))


def stage_lines(lang: Lang, pipeline: an.Pipeline) -> list[str]:
    return [
        t(
            lang,
            "pipeline.stage_line",
            stage=bk.escape(s.stage.name(lang)),
            deals=s.deals,
            amount=money(s.amount),
            weighted=money(s.weighted),
        )
        for s in pipeline.stages
    ]


def summary_line(lang: Lang, pipeline: an.Pipeline) -> str:
    return t(
        lang,
        "pipeline.summary",
        deals=pipeline.deals,
        amount=money(pipeline.amount),
        weighted=money(pipeline.weighted),
    )


def forecast_lines(lang: Lang, months: list[an.ForecastMonth], today: date, limit: int = FORECAST_MONTHS) -> list[str]:
    """One line per month, oldest first; months already past are marked (their deals slipped)."""
    if not months:
        return [t(lang, "pipeline.forecast.none")]
    this_month = today.replace(day=1)
    lines = []
    for m in months[:limit]:
        if m.month is None:
            label = t(lang, "pipeline.forecast.no_date")
        elif m.month < this_month:
            label = t(lang, "pipeline.forecast.slipped", month=month_label(lang, m.month))
        else:
            label = month_label(lang, m.month)
        lines.append(
            t(
                lang,
                "pipeline.forecast.line",
                month=label,
                deals=m.deals,
                amount=money(m.amount),
                weighted=money(m.weighted),
            )
        )
    if len(months) > limit:
        lines.append(t(lang, "pipeline.more", count=len(months) - limit))
    return lines


def conversion_lines(lang: Lang, mine: an.Conversion, team: an.Conversion | None = None) -> list[str]:
    """One line per step some deal reached: the method's rate with its counts (against the
    team's when given), and the decided-only reading beside it, labelled."""
    lines = []
    for step in mine.steps:
        team_step = team.step(step.stage.key) if team is not None else None
        if not step.entered and not (team_step is not None and team_step.entered):
            continue
        label = step_label(lang, step, mine.steps)
        if team is not None:
            line = t(
                lang,
                "pipeline.conversion.vs_team",
                step=label,
                rate=pct(step.rate),
                count=step_count(lang, step),
                team=pct(team_step.rate if team_step else None),
            )
        else:
            line = t(lang, "pipeline.conversion.step", step=label, rate=pct(step.rate), count=step_count(lang, step))
        if step.decided:
            line += t(lang, "pipeline.conversion.decided", rate=pct(step.decided_rate))
        if step.median_days is not None:
            line += t(lang, "pipeline.conversion.median", days=f"{step.median_days:g}")
        lines.append(line)
    return lines or [t(lang, "pipeline.conversion.none")]


def weakest_line(lang: Lang, rep: an.RepConversion) -> str:
    if rep.weakest is None:
        return t(lang, "pipeline.conversion.no_weakest")
    line = t(
        lang,
        "pipeline.conversion.weakest",
        step=step_label(lang, rep.weakest, rep.conversion.steps),
        count=step_count(lang, rep.weakest),
        rate=pct(rep.weakest.rate),
        team=pct(rep.team_rate_at_weakest),
    )
    if rep.weakest_few:
        line += t(lang, "pipeline.conversion.weakest_few")
    return line


def small_sample_line(lang: Lang, conversion: an.Conversion) -> str | None:
    if not conversion.small_sample:
        return None
    return t(
        lang, "pipeline.conversion.small_sample", closed=conversion.closed, threshold=conversion.small_sample_below
    )


def rep_lines(
    lang: Lang,
    names: dict[int, str],
    pipelines: dict[int, an.Pipeline],
    team: an.TeamConversion,
) -> list[str]:
    """One line per rep: open pipeline, and the weakest step against the team when there is one."""
    empty = an.Pipeline([])
    lines = []
    for person_id in sorted(names, key=lambda p: (names[p].casefold(), p)):
        pipeline = pipelines.get(person_id, empty)
        line = t(
            lang,
            "pipeline.rep_line",
            name=bk.escape(names[person_id] or t(lang, "pipeline.someone")),
            deals=pipeline.deals,
            amount=money(pipeline.amount),
            weighted=money(pipeline.weighted),
        )
        rep = team.reps.get(person_id)
        if rep is not None and rep.weakest is not None:
            line += t(
                lang,
                "pipeline.rep_weakest",
                step=step_key(lang, rep.weakest),
                count=step_count(lang, rep.weakest),
                team=pct(rep.team_rate_at_weakest),
            )
        if rep is not None and rep.small_sample:
            line += t(lang, "pipeline.rep_small")
        lines.append(line)
    return lines


def person_names(session: Session, team_id: str, person_ids: Collection[int] | None) -> dict[int, str]:
    """Display names of `person_ids` (None: every active person in the workspace)."""
    query = select(Person.id, Person.name).where(Person.team_id == team_id)
    query = query.where(Person.is_active.is_(True)) if person_ids is None else query.where(Person.id.in_(person_ids))
    return {pid: name or "" for pid, name in session.execute(query)}


def people_count(session: Session, team_id: str, person_ids: Collection[int] | None) -> int:
    if person_ids is not None:
        return len(person_ids)
    query = select(func.count()).where(Person.team_id == team_id, Person.is_active.is_(True))
    return int(session.scalar(query) or 0)


# ----- /pipeline ----------------------------------------------------------------------------
@dataclass(frozen=True)
class PersonPipeline:
    """One person's open pipeline as `/pipeline` shows it."""

    pipeline: an.Pipeline
    deals: dict[str, list[an.DealLine]]
    forecast: list[an.ForecastMonth]
    rep: an.RepConversion | None = None
    team: an.Conversion | None = None


def load_person_pipeline(
    session: Session, team_id: str, person_id: int, now: datetime, *, compare_with: Collection[int] | None = None
) -> PersonPipeline:
    """A person's pipeline, deals and forecast; with `compare_with` (a team), also their
    conversion against that team's."""
    ids = {person_id}
    rep = team = None
    if compare_with is not None:
        period = an.Period.last_days(now, CONVERSION_DAYS)
        compared = an.compare_reps(session, team_id, compare_with, period, reps=ids, with_medians=False)
        rep, team = compared.reps[person_id], compared.team
    return PersonPipeline(
        pipeline=an.open_pipeline(session, team_id, ids),
        deals=an.open_deals_by_stage(session, team_id, ids, now, per_stage=DEALS_PER_STAGE),
        forecast=an.forecast_by_month(session, team_id, ids),
        rep=rep,
        team=team,
    )


def _deal_line(lang: Lang, deal: an.DealLine) -> str:
    close = t(lang, "pipeline.close", day=format_day(lang, deal.expected_close)) if deal.expected_close else ""
    return t(
        lang,
        "pipeline.deal_line",
        account=bk.escape(deal.account_name),
        title=bk.escape(deal.title),
        amount=money(deal.amount),
        close=close,
    )


def render_person_pipeline(lang: Lang, heading: str, data: PersonPipeline, currency: str, today: date) -> Reply:
    """Header, totals, a section per stage that has deals (its biggest deals listed), the
    stages without deals in one line, the forecast by month, and the rep's conversion when
    loaded. At most about 20 blocks, whatever the number of deals."""
    blocks: list[bk.Block] = [bk.header(heading)]
    if not data.pipeline.deals:
        blocks.append(bk.section(t(lang, "pipeline.empty")))
        return Reply(text=f"{heading}: {t(lang, 'pipeline.empty')}", blocks=blocks)
    summary = summary_line(lang, data.pipeline)
    blocks.append(bk.section(summary))
    empty = []
    for total, line in zip(data.pipeline.stages, stage_lines(lang, data.pipeline), strict=True):
        if not total.deals:
            empty.append(total.stage.name(lang))
            continue
        shown = data.deals.get(total.stage.key, [])
        lines = [line, *(_deal_line(lang, d) for d in shown)]
        if total.deals > len(shown):
            lines.append(t(lang, "pipeline.more", count=total.deals - len(shown)))
        blocks.extend(pack_lines(lang, lines, max_blocks=1))
    blocks = blocks[:30]
    if empty:
        blocks.append(bk.context(bk.escape(t(lang, "pipeline.empty_stages", stages=join_list(lang, empty)))))
    blocks.append(bk.divider())
    blocks.extend(
        pack_lines(
            lang,
            forecast_lines(lang, data.forecast, today),
            max_blocks=1,
            title=t(lang, "pipeline.forecast.title"),
        )
    )
    if data.rep is not None:
        title = t(lang, "pipeline.conversion.title", days=CONVERSION_DAYS)
        lines = [*conversion_lines(lang, data.rep.conversion, data.team), weakest_line(lang, data.rep)]
        blocks.extend(pack_lines(lang, lines, max_blocks=2, title=title))
        note = small_sample_line(lang, data.rep.conversion)
        if note:
            blocks.append(bk.context(note))
    blocks.append(bk.context(t(lang, "pipeline.note", currency=currency)))
    return Reply(text=f"{heading}: {summary}", blocks=blocks)


@dataclass(frozen=True)
class TeamPipeline:
    """A team's (or the workspace's) pipeline as `/pipeline team` and App Home show it."""

    people: int
    pipeline: an.Pipeline
    forecast: list[an.ForecastMonth]
    by_owner: dict[int, an.Pipeline]
    conversion: an.TeamConversion
    names: dict[int, str]


def load_team_pipeline(
    session: Session, team_id: str, person_ids: Collection[int] | None, now: datetime
) -> TeamPipeline:
    """Everything the team views show, one set-based query per figure."""
    period = an.Period.last_days(now, CONVERSION_DAYS)
    by_owner = an.open_pipeline_by_owner(session, team_id, person_ids)
    compared = an.compare_reps(session, team_id, person_ids, period)
    everyone = set(person_ids) if person_ids is not None else set(by_owner) | set(compared.reps)
    shown = _sellers(session, team_id, everyone, by_owner)
    return TeamPipeline(
        people=people_count(session, team_id, person_ids),
        pipeline=an.open_pipeline(session, team_id, person_ids),
        forecast=an.forecast_by_month(session, team_id, person_ids),
        by_owner=by_owner,
        conversion=compared,
        names=person_names(session, team_id, shown),
    )


def _sellers(session: Session, team_id: str, person_ids: Collection[int], by_owner: dict[int, an.Pipeline]) -> set[int]:
    """Whom a team view lists: the reps, and anyone else (a selling manager) who owns open deals.

    The manager looking at their team is in the team's scope (their own deals count in its
    totals) but is not listed as a rep with no deals.
    """
    reps = set(
        session.scalars(
            select(Person.id).where(Person.team_id == team_id, Person.id.in_(person_ids), Person.role == "rep")
        )
    )
    return reps | (set(person_ids) & {pid for pid, pipeline in by_owner.items() if pipeline.deals})


def team_blocks(lang: Lang, data: TeamPipeline, today: date, *, max_rep_blocks: int) -> list[bk.Block]:
    """Totals, stages, forecast, the team's conversion and one line per rep (bounded)."""
    blocks: list[bk.Block] = [bk.section(summary_line(lang, data.pipeline))]
    blocks.extend(pack_lines(lang, stage_lines(lang, data.pipeline), max_blocks=2))
    blocks.extend(
        pack_lines(
            lang,
            forecast_lines(lang, data.forecast, today),
            max_blocks=1,
            title=t(lang, "pipeline.forecast.title"),
        )
    )
    team = data.conversion.team
    title = t(lang, "pipeline.conversion.title", days=CONVERSION_DAYS)
    blocks.extend(pack_lines(lang, conversion_lines(lang, team), max_blocks=2, title=title))
    note = small_sample_line(lang, team)
    if note:
        blocks.append(bk.context(note))
    blocks.append(bk.divider())
    lines = rep_lines(lang, data.names, data.by_owner, data.conversion)
    blocks.extend(pack_lines(lang, lines, max_blocks=max_rep_blocks, title=t(lang, "pipeline.reps.title")))
    return blocks


def render_team_pipeline(lang: Lang, heading: str, data: TeamPipeline, currency: str, today: date) -> Reply:
    blocks = [bk.header(heading), *team_blocks(lang, data, today, max_rep_blocks=20)]
    blocks.append(bk.context(t(lang, "pipeline.note", currency=currency)))
    return Reply(text=f"{heading}: {summary_line(lang, data.pipeline)}", blocks=blocks)


def pipeline_reply(db: Database, actor: Actor, text: str, now: datetime) -> Reply:
    """Answer `/pipeline [@rep | team | help]` for `actor`.

    A rep asking about anyone else (or the team) gets a polite refusal; so does a manager
    asking about someone outside their team. Nothing is written.
    """
    lang = actor.lang
    words = text.strip().lower().split()
    users = mentioned_users(text)
    if words and words[0] in HELP_WORDS:
        return Reply(t(lang, "pipeline.usage"))
    today = local_date(now, actor.tz)
    with db.transaction() as session:
        currency = workspace_config(session, actor.team_id).default_currency
        if users:
            if users[0] == actor.user_id:
                return _mine(session, actor, now, currency, today)
            try:
                person = access_person_by_slack_id(session, actor, users[0])
            except NotAllowed:
                return Reply(t(lang, "pipeline.not_yours"))
            except NotFound:
                return Reply(t(lang, "pipeline.unknown_person", user=users[0]))
            scope = team_person_ids(session, actor)
            data = load_person_pipeline(session, actor.team_id, person.id, now, compare_with=scope)
            heading = t(lang, "pipeline.heading.person", name=person.name or users[0])
            return render_person_pipeline(lang, heading, data, currency, today)
        if words and words[0] in TEAM_WORDS:
            try:
                require_manager(actor)
            except NotAllowed:
                return Reply(t(lang, "pipeline.not_yours"))
            scope = team_person_ids(session, actor)
            team = load_team_pipeline(session, actor.team_id, scope, now)
            key = "pipeline.heading.workspace" if scope is None else "pipeline.heading.team"
            return render_team_pipeline(lang, t(lang, key, people=team.people), team, currency, today)
        if words:
            return Reply(t(lang, "pipeline.usage"))
        return _mine(session, actor, now, currency, today)


def _mine(session: Session, actor: Actor, now: datetime, currency: str, today: date) -> Reply:
    data = load_person_pipeline(session, actor.team_id, actor.person_id, now)
    return render_person_pipeline(actor.lang, t(actor.lang, "pipeline.heading.mine"), data, currency, today)
