"""Digests as Block Kit, in English or Chinese, within Slack's limits.

Each `render_*` turns a digest's plain data into a `Rendered`: the parent message, the thread
replies (anything that did not fit the parent first, then the digest's own replies: one per
closed deal in the recap) and the charts to upload into the thread. Every string comes from
`bot/locales/digests.py`. Names are written, never @-mentioned: a channel digest must not
ping the whole team every morning.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bot.analytics import StageInfo, StepRate
from bot.analytics.conversion import MIN_STEP_DEALS, PENDING_DAYS
from bot.analytics.wording import decided_cell, money, pct, separator, step_cell, step_count, step_key
from bot.core.clock import local_date
from bot.core.i18n import Lang, format_day, t
from bot.digests import quadrant as quad
from bot.digests.activity import Coverage
from bot.digests.daily import DailyDigest, RepDay
from bot.digests.layout import Chart, Post, Rendered, line_sections, split_message
from bot.digests.recap import ClosedDeal, Recap, through_item
from bot.digests.tiers import TIERS, RepTiers, TierAccount, TierResult, TierReview
from bot.digests.weekly import RepWeek, WeeklyDigest
from bot.leads.stats import source_lines, speed_lines
from bot.ui import blockkit as limits
from bot.ui import blocks as bk
from bot.ui import charts
from bot.ui.reply import Reply

MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def name_of(text: str) -> str:
    return bk.escape(text)


def _overflow_note(lang: Lang) -> bk.Block:
    return bk.context(t(lang, "digests.overflow"))


def _finish(kind: str, lang: Lang, text: str, blocks: list[bk.Block], extra: list[Post] | None = None) -> Rendered:
    parent, overflow = split_message(blocks, _overflow_note(lang), text)
    return Rendered(kind, parent, [*overflow, *(extra or [])], overflowed=bool(overflow))


def month_label(lang: Lang, first_day: date | None) -> str:
    if first_day is None:
        return t(lang, "digests.weekly.no_date")
    if lang == "zh":
        return f"{first_day.year}年{first_day.month}月"
    return f"{MONTHS_EN[first_day.month - 1]} {first_day.year}"


# ----- daily --------------------------------------------------------------------------------


def _rep_day_line(lang: Lang, rep: RepDay) -> str:
    line = _rep_day_text(lang, rep)
    if any(rep.meetings):
        prompted, logged, dismissed = rep.meetings
        line += t(lang, "digests.daily.meetings", prompted=prompted, logged=logged, dismissed=dismissed)
    told = rep.by_colleagues
    if told.count:
        shown = [
            t(lang, "digests.daily.by_colleague", account=name_of(v.account_name), rep=name_of(v.rep_name))
            for v in told.first
        ]
        line += t(
            lang,
            "digests.daily.by_colleagues",
            name=name_of(rep.name),
            count=told.count,
            visits=t(lang, "digests.sep").join(shown),
        )
        if told.count > len(shown):
            line += t(lang, "digests.daily.by_colleagues_more", count=told.count - len(shown))
    return line


def _rep_day_text(lang: Lang, rep: RepDay) -> str:
    if rep.off:
        return t(lang, "digests.daily.rep_off", name=name_of(rep.name), overdue=rep.overdue, cooling=rep.cooling)
    return t(
        lang,
        "digests.daily.rep",
        name=name_of(rep.name),
        visits=rep.visits,
        standard=rep.standard,
        effective=rep.effective,
        plan="✓" if rep.planned else "✗",
        review="✓" if rep.reviewed else "✗",
        overdue=rep.overdue,
        cooling=rep.cooling,
    )


def _attention_line(lang: Lang, rank: int, rep: RepDay) -> str:
    reasons = []
    for reason in rep.reasons():
        reasons.append(
            t(
                lang,
                f"digests.daily.why.{reason}",
                visits=rep.visits,
                standard=rep.standard,
                overdue=rep.overdue,
                cooling=rep.cooling,
            )
        )
    return t(
        lang,
        "digests.daily.attention_line",
        rank=rank,
        name=name_of(rep.name),
        reasons=t(lang, "digests.sep").join(reasons),
    )


def render_daily(lang: Lang, digest: DailyDigest) -> Rendered:
    totals = digest.totals
    day = format_day(lang, digest.day)
    title = t(lang, "digests.daily.title", team=digest.team_name, day=day)
    working = totals.reps - totals.off
    summary = t(
        lang,
        "digests.daily.totals",
        visits=totals.visits,
        standard=totals.standard,
        fullness=pct(totals.visits / totals.standard if totals.standard else None),
        effective=totals.effective,
        reviewed=totals.reviewed,
        planned=totals.planned,
        working=working,
        overdue=totals.overdue,
        cooling=totals.cooling,
    )
    if totals.off:
        summary += "\n" + t(lang, "digests.daily.off", count=totals.off)
    blocks: list[bk.Block] = [bk.header(title), bk.section(summary)]
    if digest.attention:
        lines = [_attention_line(lang, i, rep) for i, rep in enumerate(digest.attention, start=1)]
        blocks.extend(line_sections(lines, t(lang, "digests.daily.attention")))
    elif digest.reps:
        blocks.append(bk.section(t(lang, "digests.daily.all_good")))
    if digest.reps:
        blocks.append(bk.divider())
        blocks.extend(line_sections([_rep_day_line(lang, r) for r in digest.reps], t(lang, "digests.daily.reps")))
    else:
        blocks.append(bk.section(t(lang, "digests.no_reps")))
    speed = speed_lines(lang, digest.speed_report, {r.person_id: r.name for r in digest.reps})
    if speed:
        blocks.extend(line_sections(speed, t(lang, "digests.leads.head")))
    blocks.append(bk.context(t(lang, "digests.daily.legend", standard=digest.standard)))
    text = t(lang, "digests.daily.text", team=digest.team_name, day=day, visits=totals.visits, standard=totals.standard)
    return _finish("daily", lang, text, blocks)


# ----- weekly -------------------------------------------------------------------------------


def step_label(lang: Lang, step: StepRate) -> str:
    """The step's column label ('D→C'): `bot.analytics.wording.step_key`."""
    return step_key(lang, step)


def _stage_line(lang: Lang, stage: StageInfo, deals: int, amount: Decimal, weighted: Decimal) -> str:
    return t(
        lang,
        "digests.weekly.stage",
        key=bk.escape(stage.key),
        stage=bk.escape(stage.name(lang)),
        deals=deals,
        amount=money(amount),
        weighted=money(weighted),
    )


def _conversion_line(lang: Lang, rep: RepWeek) -> str:
    """'• *Ann*: S→P 6/6 100% · … · D→C 0/6 0% · weakest *D→C* 0 of 6 (team 65%) · 0 closed':
    every figure carries its step's label, so the row reads alone wherever it lands."""
    conv = rep.conversion
    cells = [step_cell(lang, s) for s in conv.conversion.steps if s.entered]
    rates = " · ".join(cells) or t(lang, "digests.weekly.no_moves")
    parts = [t(lang, "digests.weekly.conv_rep", name=name_of(rep.name), rates=rates)]
    if conv.weakest is not None:
        parts.append(
            t(
                lang,
                "digests.weekly.weakest",
                step=step_label(lang, conv.weakest),
                count=step_count(lang, conv.weakest),
                team=pct(conv.team_rate_at_weakest),
            )
        )
    parts.append(t(lang, "digests.weekly.closed", closed=conv.conversion.closed))
    if conv.small_sample or conv.weakest_few:
        parts.append(t(lang, "digests.weekly.small"))
    return " · ".join(parts)


def _coverage_text(lang: Lang, cov: Coverage) -> str:
    return t(
        lang,
        "digests.weekly.coverage",
        biz30=pct(cov.biz_share_30),
        biz90=pct(cov.biz_share_90),
        biz=cov.biz_accounts,
        nobiz30=pct(cov.nobiz_share_30),
        nobiz90=pct(cov.nobiz_share_90),
        nobiz=cov.nobiz_accounts,
        new_visited=cov.new_visited,
        new=cov.new_accounts,
    )


def _activity_line(lang: Lang, rep: RepWeek) -> str:
    return t(
        lang,
        "digests.weekly.activity_rep",
        name=name_of(rep.name),
        visits=rep.visits_week,
        effective=rep.effective_week,
        coverage=_coverage_text(lang, rep.coverage),
        hunting=pct(rep.huntfarm.hunting_share),
        farming=pct(rep.huntfarm.farming_share),
    )


def _reverse_line(lang: Lang, rep: RepWeek, stage_names: dict[str, str]) -> str:
    assert rep.target is not None
    head = t(
        lang,
        "digests.weekly.target",
        name=name_of(rep.name),
        period=rep.target_label,
        target=money(rep.target),
        won=money(rep.won_to_date),
        share=pct(float(rep.won_to_date / rep.target) if rep.target else None),
    )
    if not rep.remaining:
        return f"{head} · {t(lang, 'digests.weekly.target_met')}"
    reverse = rep.reverse
    if reverse is None:
        return f"{head} · " + t(
            lang, "digests.weekly.reverse_unknown", remaining=money(rep.remaining), days=rep.working_days_left
        )
    needs = " → ".join(f"{n.entries} {bk.escape(stage_names.get(n.stage_key, n.stage_key))}" for n in reverse.stages)
    basis = t(lang, f"digests.weekly.basis_{rep.reverse_basis or 'team'}")
    if rep.visits_per_entry:
        basis += t(lang, "digests.weekly.per_entry", ratio=f"{rep.visits_per_entry:.1f}")
    line = t(
        lang,
        "digests.weekly.reverse",
        remaining=money(rep.remaining),
        days=reverse.working_days,
        deals=reverse.deals_needed,
        needs=needs or "—",
        basis=basis,
    )
    if reverse.visits_per_day is not None:
        line += " · " + t(
            lang,
            "digests.weekly.per_day",
            needed=f"{reverse.visits_per_day:.1f}",
            now="—" if rep.visits_per_day is None else f"{rep.visits_per_day:.1f}",
        )
    elif reverse.missing_rate:
        line += " · " + t(lang, "digests.weekly.missing_rate", stage=bk.escape(reverse.missing_rate))
    return f"{head}\n      {line}"


def _quadrant_lines(lang: Lang, digest: WeeklyDigest) -> list[str]:
    lines = []
    for key in (*quad.QUADRANTS, quad.NO_TARGET):
        reps = digest.quadrant(key)
        names = separator(lang).join(
            name_of(r.name)
            if key == quad.NO_TARGET
            else t(
                lang,
                "digests.weekly.quad_member",
                name=name_of(r.name),
                result=pct(r.placement.attainment),
                pace=pct(r.placement.pace),
                process=pct(r.placement.fullness),
            )
            for r in reps
        )
        lines.append(t(lang, f"digests.quadrant.{key}", count=len(reps), names=names or "—"))
    return lines


def weekly_charts(lang: Lang, digest: WeeklyDigest) -> list[Chart]:
    """The funnel chart (the deals that reached each stage in the conversion period, as a
    funnel: bars in stage order as wide as their counts, the step rates between them, the open
    deals beside) and the conversion heat-map (every rep's rate at every step against the
    team's), labelled in `lang`."""
    steps = digest.team_conversion.steps
    open_by_stage = {s.stage.key: s for s in digest.pipeline.stages}
    rows = []
    for step in steps:
        now = open_by_stage.get(step.stage.key)
        rows.append(
            (
                f"{step.stage.key} {step.stage.name(lang)}",
                step.entered,
                t(
                    lang,
                    "digests.chart.funnel_note",
                    reached=step.entered,
                    deals=now.deals if now else 0,
                    amount=money(now.amount if now else None),
                ),
            )
        )
    between = [f"↓ {step_key(lang, s)} {pct(s.rate)}" for s in steps[:-1]]
    funnel = charts.funnel_chart(t(lang, "digests.chart.funnel_title", team=digest.team_name), rows, between)
    comparison = charts.conversion_chart(
        t(lang, "digests.chart.conversion_title", team=digest.team_name),
        [step_label(lang, s) for s in steps],
        t(lang, "digests.chart.team"),
        [s.rate for s in steps],
        [
            (
                r.name,
                [s.rate for s in r.conversion.conversion.steps],
                next(
                    (i for i, s in enumerate(r.conversion.conversion.steps) if s is r.conversion.weakest),
                    None,
                ),
            )
            for r in digest.reps
        ],
        t(lang, "digests.chart.gap"),
    )
    stamp = digest.week.first.isoformat()
    return [
        Chart(f"funnel-{stamp}.png", t(lang, "digests.chart.funnel_file", team=digest.team_name), funnel),
        Chart(f"conversion-{stamp}.png", t(lang, "digests.chart.conversion_file", team=digest.team_name), comparison),
    ]


def render_weekly(lang: Lang, digest: WeeklyDigest, *, with_charts: bool = True) -> Rendered:
    week = t(
        lang, "digests.weekly.week", first=format_day(lang, digest.week.first), last=format_day(lang, digest.week.last)
    )
    title = t(lang, "digests.weekly.title", team=digest.team_name)
    stage_names = {s.key: s.name(lang) for s in digest.stages}
    pipeline = digest.pipeline
    funnel_lines = [_stage_line(lang, s.stage, s.deals, s.amount, s.weighted) for s in pipeline.stages]
    funnel_lines.append(
        t(
            lang,
            "digests.weekly.funnel_total",
            deals=pipeline.deals,
            amount=money(pipeline.amount),
            weighted=money(pipeline.weighted),
        )
    )
    team = digest.team_conversion
    team_rates = " · ".join(step_cell(lang, s) for s in team.steps)
    conv_head = t(lang, "digests.weekly.conversion", days=(digest.conversion_window.days), rates=team_rates)
    conv_head += "\n" + t(lang, "analytics.decided_label", cells=" · ".join(decided_cell(lang, s) for s in team.steps))
    conv_head += "\n" + t(lang, "digests.weekly.team_closed", closed=team.closed, won=team.won, lost=team.lost)
    if team.small_sample:
        conv_head += " " + t(lang, "digests.weekly.small_caveat", threshold=team.small_sample_below)
    forecast_lines = [
        t(
            lang,
            "digests.weekly.forecast_month",
            month=month_label(lang, m.month),
            deals=m.deals,
            amount=money(m.amount),
            weighted=money(m.weighted),
        )
        for m in digest.forecast
    ]
    if digest.slipped:
        forecast_lines.append(
            t(
                lang,
                "digests.weekly.slipped",
                deals=digest.slipped.deals,
                amount=money(digest.slipped.amount),
                weighted=money(digest.slipped.weighted),
            )
        )
    if digest.undated:
        forecast_lines.append(
            t(lang, "digests.weekly.undated", deals=digest.undated.deals, amount=money(digest.undated.amount))
        )
    hf = digest.huntfarm
    blocks: list[bk.Block] = [
        bk.header(title),
        bk.context(week + " · " + t(lang, "digests.currency", currency=digest.currency)),
        *line_sections(funnel_lines, t(lang, "digests.weekly.funnel")),
        bk.divider(),
        *line_sections([_conversion_line(lang, r) for r in digest.reps], conv_head),
        bk.context(
            t(lang, "analytics.reading", days=PENDING_DAYS), t(lang, "analytics.weakest_rule", min=MIN_STEP_DEALS)
        ),
        bk.divider(),
        *line_sections(forecast_lines or [t(lang, "digests.weekly.no_forecast")], t(lang, "digests.weekly.forecast")),
        bk.divider(),
        bk.section(
            t(lang, "digests.weekly.coverage_head")
            + "\n"
            + _coverage_text(lang, digest.coverage)
            + "\n"
            + t(
                lang,
                "digests.weekly.huntfarm",
                visits=hf.visits,
                hunting=pct(hf.hunting_share),
                farming=pct(hf.farming_share),
            )
        ),
        *line_sections([_activity_line(lang, r) for r in digest.reps]),
        bk.divider(),
        *line_sections(_quadrant_lines(lang, digest), t(lang, "digests.weekly.quadrant")),
        bk.context(
            t(
                lang,
                "digests.quadrant.rule",
                process=pct(quad.PROCESS_GOOD),
                days=quad.PROCESS_DAYS,
                standard=digest.standard,
            )
        ),
        bk.divider(),
    ]
    speed = speed_lines(lang, digest.speed, {r.person_id: r.name for r in digest.reps})
    if speed:
        blocks.extend([*line_sections(speed, t(lang, "digests.leads.head")), bk.divider()])
    if digest.sources:
        head = t(lang, "digests.leads.sources_head", days=digest.conversion_window.days)
        blocks.extend([*line_sections(source_lines(lang, digest.sources), head), bk.divider()])
    targeted = [r for r in digest.reps if r.target is not None]
    if targeted:
        blocks.extend(
            line_sections(
                [_reverse_line(lang, r, stage_names) for r in targeted], t(lang, "digests.weekly.reverse_head")
            )
        )
    else:
        blocks.append(bk.section(t(lang, "digests.weekly.no_targets")))
    if not digest.reps:
        blocks.append(bk.section(t(lang, "digests.no_reps")))
    if with_charts:
        blocks.append(bk.context(t(lang, "digests.weekly.charts_below")))
    text = t(
        lang,
        "digests.weekly.text",
        team=digest.team_name,
        deals=pipeline.deals,
        amount=money(pipeline.amount),
        weighted=money(pipeline.weighted),
    )
    rendered = _finish("weekly", lang, text, blocks)
    if with_charts:
        rendered.charts = weekly_charts(lang, digest)
    return rendered


# ----- recap --------------------------------------------------------------------------------


def reason_label(lang: Lang, recap: Recap, key: str) -> str:
    en, zh = recap.reason_names.get(key, (key, key))
    return zh if lang == "zh" else en


def _deal_reply(lang: Lang, recap: Recap, deal: ClosedDeal) -> Post:
    outcome = t(lang, f"digests.recap.{deal.status}")
    head = t(
        lang,
        "digests.recap.deal_head",
        outcome=outcome,
        account=bk.escape(deal.account_name),
        title=bk.escape(deal.title),
        amount=money(deal.amount),
        owner=name_of(deal.owner_name),
    )
    stage = deal.stage_reached.name(lang) if deal.stage_reached else "—"
    facts = t(
        lang,
        "digests.recap.deal_facts",
        stage=bk.escape(stage),
        days=deal.days_in_pipeline,
        visits=deal.visits,
        contacts=separator(lang).join(bk.escape(c) for c in deal.contacts) or "—",
    )
    reasons = separator(lang).join(reason_label(lang, recap, k) for k in deal.reasons) or t(
        lang, "digests.recap.no_reason"
    )
    lesson = (
        t(lang, "digests.recap.lesson", lesson=bk.escape(deal.lesson))
        if deal.lesson
        else t(lang, "digests.recap.no_lesson", owner=name_of(deal.owner_name))
    )
    lines = [head, facts, t(lang, "digests.recap.reasons", reasons=bk.escape(reasons)), lesson]
    blocks = line_sections(lines)  # a long lesson continues in the next section, never cut
    flags = []
    if deal.untouched:
        flags.append(t(lang, "digests.recap.untouched", days=30))
    if deal.lost_on_price:
        flags.append(t(lang, "digests.recap.ask_why"))
    if flags:
        blocks.append(bk.section("\n".join(flags)))
    account = bk.escape(deal.account_name)
    text = t(lang, "digests.recap.deal_text", outcome=outcome, account=account, amount=money(deal.amount))
    return Post(text, blocks)


def render_recap(lang: Lang, recap: Recap) -> Rendered:
    first = format_day(lang, local_date(recap.period.start, recap.tz))
    last = format_day(lang, local_date(recap.period.end, recap.tz))
    totals = recap.totals
    title = t(lang, "digests.recap.title", team=recap.team_name)
    blocks: list[bk.Block] = [
        bk.header(title),
        bk.context(
            t(lang, "digests.recap.period", first=first, last=last)
            + " · "
            + t(lang, "digests.currency", currency=recap.currency)
        ),
        bk.section(
            t(
                lang,
                "digests.recap.totals",
                won=totals.won,
                won_amount=money(totals.won_amount),
                lost=totals.lost,
                lost_amount=money(totals.lost_amount),
            )
        ),
    ]
    rep_lines = [
        t(
            lang,
            "digests.recap.rep",
            name=name_of(r.name),
            won=r.won,
            won_amount=money(r.won_amount),
            lost=r.lost,
            lost_amount=money(r.lost_amount),
        )
        for r in recap.by_rep
    ]
    if rep_lines:
        blocks.extend(line_sections(rep_lines, t(lang, "digests.recap.by_rep")))
    reason_lines = []
    for status, items in (("lost", totals.lost_reasons), ("won", totals.won_reasons)):
        if items:
            top = separator(lang).join(
                t(
                    lang,
                    "digests.recap.reason_count",
                    reason=bk.escape(reason_label(lang, recap, r.reason_key)),
                    count=r.deals,
                )
                for r in items[:3]
            )
            reason_lines.append(t(lang, f"digests.recap.top_{status}", reasons=top))
    if reason_lines:
        blocks.append(bk.section("\n".join(reason_lines)))
    flags = []
    if recap.untouched:
        flags.append(t(lang, "digests.recap.untouched_count", count=len(recap.untouched)))
    if recap.price_losses:
        flags.append(t(lang, "digests.recap.price_count", count=len(recap.price_losses)))
    if flags:
        blocks.append(bk.section("\n".join(flags)))
    replies: list[Post] = []
    if recap.deals:
        blocks.append(bk.context(t(lang, "digests.recap.see_thread", count=len(recap.deals))))
        replies = [_deal_reply(lang, recap, d) for d in recap.deals]
        closing = t(lang, "digests.recap.closing")
        replies.append(Post(closing, [bk.section(closing)]))
    else:
        blocks.append(bk.section(t(lang, "digests.recap.none")))
    text = t(
        lang,
        "digests.recap.text",
        team=recap.team_name,
        won=totals.won,
        won_amount=money(totals.won_amount),
        lost=totals.lost,
        lost_amount=money(totals.lost_amount),
    )
    rendered = _finish("recap", lang, text, blocks, replies)
    rendered.ledger_items = [through_item(recap.period)]
    return rendered


# ----- 5+5+5 tiers --------------------------------------------------------------------------


def tier_name(lang: Lang, tier: str) -> str:
    return t(lang, f"digests.tier.{tier}")


def _tier_account_line(lang: Lang, account: TierAccount) -> str:
    expected = money(account.expected) if account.expected is not None else "—"
    share = pct(float(account.won / account.expected) if account.expected else None)
    return t(
        lang,
        "digests.tiers.account",
        account=bk.escape(account.name),
        expected=expected,
        won=money(account.won),
        share=share,
        pipeline=money(account.pipeline),
        visits=account.visits_month,
        last=format_day(lang, account.last_visit) if account.last_visit else "—",
    )


def rep_tier_lines(lang: Lang, rep: RepTiers) -> list[str]:
    expected_total = rep.expected_total
    lines = [
        t(
            lang,
            "digests.tiers.rep",
            name=name_of(rep.name),
            named=len(rep.accounts),
            expected=money(expected_total),
            won=money(rep.won_total),
            share=pct(float(rep.won_total / expected_total) if expected_total else None),
        )
    ]
    for tier in TIERS:
        accounts = rep.in_tier(tier)
        lines.append(t(lang, "digests.tiers.tier", tier=tier_name(lang, tier), count=len(accounts)))
        lines.extend("      " + _tier_account_line(lang, a) for a in accounts)
    missing = rep.missing()
    if missing:
        named = separator(lang).join(
            t(lang, "digests.tiers.missing_one", count=n, tier=tier_name(lang, tier)) for tier, n in missing.items()
        )
        lines.append(t(lang, "digests.tiers.missing", missing=named))
    return lines


def render_tier_review(lang: Lang, review: TierReview) -> Rendered:
    month = month_label(lang, review.month.first)
    title = t(lang, "digests.tiers.title", team=review.team_name, month=month)
    complete = sum(1 for r in review.reps if not r.missing())
    blocks: list[bk.Block] = [
        bk.header(title),
        bk.section(t(lang, "digests.tiers.summary", complete=complete, reps=len(review.reps))),
        bk.context(t(lang, "digests.tiers.legend", since=format_day(lang, review.year.first))),
    ]
    for rep in review.reps:
        blocks.extend(line_sections(rep_tier_lines(lang, rep)))
    if not review.reps:
        blocks.append(bk.section(t(lang, "digests.no_reps")))
    text = t(lang, "digests.tiers.text", team=review.team_name, month=month, complete=complete, reps=len(review.reps))
    return _finish("tiers", lang, text, blocks)


def tiers_reply(lang: Lang, review: TierReview) -> Reply:
    """`/coach tier`: one rep's 5+5+5, as an ephemeral."""
    lines: list[str] = []
    for rep in review.reps:
        lines.extend(rep_tier_lines(lang, rep))
    lines.append(t(lang, "digests.tier.hint"))
    blocks = line_sections(lines)
    return Reply("\n".join(lines)[:3000], blocks)


def tier_saved_reply(lang: Lang, typed: str, result: TierResult) -> Reply:
    if result.account_id is None:
        if not result.candidates:
            text = t(lang, "digests.tier.not_found", text=bk.escape(typed))
        else:
            names = separator(lang).join(bk.escape(c.name) for c in result.candidates)
            text = t(lang, "digests.tier.which", text=bk.escape(typed), names=names)
        return Reply(text, [bk.section(text)])
    if not result.tier:
        text = t(lang, "digests.tier.cleared", account=bk.escape(result.account_name))
    else:
        expected = (
            t(lang, "digests.tier.expected", amount=money(result.expected)) if result.expected is not None else ""
        )
        text = t(
            lang,
            "digests.tier.saved",
            account=bk.escape(result.account_name),
            tier=tier_name(lang, result.tier),
            expected=expected,
        )
    return Reply(text, [bk.section(text)])


def tier_full_reply(lang: Lang, tier: str, names: list[str]) -> Reply:
    text = t(lang, "digests.tier.full", tier=tier_name(lang, tier)) + "\n"
    text += t(lang, "digests.tier.full_names", names=separator(lang).join(bk.escape(n) for n in names))
    return Reply(text, [bk.section(text)])


# ----- preview ------------------------------------------------------------------------------

PREVIEW_MESSAGES = 5  # a response_url takes five posts


def preview_replies(lang: Lang, rendered: Rendered, channel_id: str | None, charts_sent: int) -> list[Reply]:
    """A digest as ephemerals for `/coach digest`: the parent, then its thread (replies merged
    into messages of up to 50 blocks), at most `PREVIEW_MESSAGES` messages; when the thread
    is longer the last one says how much more the real post holds."""
    kind = t(lang, f"digests.kind.{rendered.kind}")
    where = f"<#{channel_id}>" if channel_id else t(lang, "digests.preview.dm")
    notes = [t(lang, "digests.preview.head", kind=kind, where=where)]
    if charts_sent:
        notes.append(t(lang, "digests.preview.charts", count=charts_sent))
    head = bk.context(*notes)
    parent = rendered.parent
    messages: list[Post] = []
    if len(parent.blocks) < limits.MAX_MESSAGE_BLOCKS:
        messages.append(Post(parent.text, [head, *parent.blocks]))
    else:
        messages.extend([Post(parent.text, [head]), parent])
    thread: list[bk.Block] = []
    for reply in rendered.replies:
        thread.extend([*reply.blocks, bk.divider()])
    chunks = [thread[i : i + limits.MAX_MESSAGE_BLOCKS] for i in range(0, len(thread), limits.MAX_MESSAGE_BLOCKS)]
    room = PREVIEW_MESSAGES - len(messages)
    if len(chunks) > room:
        shown, hidden = chunks[: room - 1], len(chunks) - (room - 1)
        messages.extend(Post(parent.text, c) for c in shown)
        more = t(lang, "digests.preview.more", count=hidden)
        messages.append(Post(more, [bk.section(more)]))
    else:
        messages.extend(Post(parent.text, c) for c in chunks)
    return [Reply(m.text, m.blocks) for m in messages]
