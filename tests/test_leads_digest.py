"""Speed to lead in the daily and weekly digests: per rep and team, the median time to first
contact and the share within the limit (counted in working hours), in both languages.

Friday 20 November 2026, Shanghai, 09:00–18:00 working hours, limit 5 h:

| lead | rep  | received  | due          | first contact | hours | within |
|------|------|-----------|--------------|---------------|-------|--------|
| L1   | Bo   | Fri 10:00 | Fri 15:00    | Fri 11:30     | 1.5   | yes    |
| L2   | Bo   | Fri 16:00 | Mon 12:00    | Sat 10:00     | 18    | yes    |
| L3   | Bo   | Fri 09:00 | Fri 14:00    | never (open)  | –     | no     |
| L4   | 王芳 | Fri 11:00 | Fri 16:00    | Fri 17:00     | 6     | no     |
| L5   | Bo   | Mon 09:00 | Mon 14:00    | –             | –     | not yet judged (Monday: not in Friday's digest) |
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from bot.digests import render, service
from bot.digests.daily import build_daily
from bot.digests.weekly import build_weekly
from bot.leads.ops import LeadFields, close_lead_clocks, create_lead, link_deal
from bot.people.members import workspace_config
from bot.people.teams import all_teams
from bot.ui.blockkit import message_problems
from storage.db import Database
from storage.models import Account, Lead, Person
from tests.conftest import TEAM
from tests.digest_world import World, sh

NOW = sh(2026, 11, 23, 9, 5)  # Monday morning
FRIDAY = date(2026, 11, 20)


def _lead(w: World, rep: Person, company: str, received: Any, contacted: Any = None, source: str | None = None) -> Lead:
    fields = LeadFields(company, "Li Na", source=source)
    outcome = create_lead(w.s, TEAM, fields, rep, received, created_by_id=None, channel="slash")
    if contacted is not None:
        close_lead_clocks(w.s, outcome.account_id, contacted)
    lead = w.s.scalar(select(Lead).where(Lead.id == outcome.lead_id))
    assert lead is not None
    return lead


def _world(db: Database) -> None:
    with db.transaction() as session:
        w = World(session, NOW)
        _, bo, fang = w.east_team()
        assert _lead(w, bo, "Haier", sh(2026, 11, 20, 10), sh(2026, 11, 20, 11, 30)).due_at == sh(2026, 11, 20, 15)
        assert _lead(w, bo, "Midea", sh(2026, 11, 20, 16), sh(2026, 11, 21, 10)).due_at == sh(2026, 11, 23, 12)
        _lead(w, bo, "Gree", sh(2026, 11, 20, 9))
        _lead(w, fang, "格力电器", sh(2026, 11, 20, 11), sh(2026, 11, 20, 17))
        _lead(w, bo, "TCL", sh(2026, 11, 23, 9))
        # Lead → deal → won by source (the weekly digest's conversion window, a year):
        for n in range(4):
            show = _lead(w, bo, f"展会客户{n}", w.days(-60 + n), w.days(-59 + n), source="展会")
            if n < 2:  # two became deals, one of them won
                deal = w.deal(bo, w.s.get(Account, show.account_id), [(-50 + n, "S"), *([(-10, "won")] if n else [])])
                link_deal(w.s, show.account_id, deal.id, w.days(-50 + n))
        web = _lead(w, fang, "Web Co", w.days(-30), w.days(-29), source="web form")
        link_deal(w.s, web.account_id, w.deal(fang, w.s.get(Account, web.account_id), [(-20, "S")]).id, w.days(-20))


def _texts(blocks: list[dict[str, Any]]) -> str:
    return "\n".join(str(b.get("text", {}).get("text", "")) for b in blocks if isinstance(b.get("text"), dict))


def test_daily_and_weekly_digests_show_speed_to_lead_per_rep_and_team(db: Database) -> None:
    _world(db)
    with db.transaction() as session:
        team = all_teams(session, TEAM)[0]
        config = workspace_config(session, TEAM)
        reps = service._members(session, team)
        daily = build_daily(session, TEAM, team.name, reps, FRIDAY, team.manager_tz, NOW, config)
        weekly = build_weekly(session, TEAM, team.name, reps, date(2026, 11, 23), team.manager_tz, NOW, config)
    for digest in (daily.speed_report, weekly.speed):
        assert digest is not None
        assert (digest.team.received, digest.team.judged, digest.team.within) == (4, 4, 2)  # Friday / that week
        assert digest.team.median_hours == 6.0
    en = render.render_daily("en", daily)
    text = _texts(en.parent.blocks)
    assert "Speed to lead" in text
    assert "• Team: 4 leads · median 6.0 h to first contact · 50% within 5 working hours (2 of 4)" in text
    assert "• Bo: 3 leads · median 9.8 h to first contact · 67% within 5 working hours (2 of 3)" in text
    assert "• 王芳: 1 lead · median 6.0 h to first contact · 0% within 5 working hours (0 of 1)" in text
    zh = render.render_weekly("zh", weekly, with_charts=False)
    zh_text = "\n".join(_texts(p.blocks) for p in (zh.parent, *zh.replies))
    assert "线索响应速度" in zh_text and "• 团队：4 条线索 · 首次联系中位数 6.0 小时" in zh_text
    assert "• 展会：4 条线索 → 2 个商机（50%）→ 赢单 1 个（50%）" in zh_text
    assert "• web form：1 条线索 → 1 个商机（100%）→ 赢单 0 个（0%）" in zh_text
    # Monday's lead is after the window (which ends with last week): Friday's four have no source.
    assert "• 未注明来源：4 条线索 → 0 个商机（0%）→ 赢单 0 个（—）" in zh_text
    en_weekly = render.render_weekly("en", weekly, with_charts=False)
    en_text = "\n".join(_texts(p.blocks) for p in (en_weekly.parent, *en_weekly.replies))
    assert "*Leads by source* (received in the last 365 days: lead → deal → won)" in en_text
    assert "• 展会: 4 leads → 2 deals (50%) → 1 won (50%)" in en_text
    for rendered in (en, zh, en_weekly):
        assert message_problems(rendered.parent.text, rendered.parent.blocks) == []
