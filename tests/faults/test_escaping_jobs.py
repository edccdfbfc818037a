"""Scheduled messages never turn what users typed into Slack control sequences: account,
contact and deal names, visit purposes and next steps, follow-ups and lessons, rendered by the
real jobs (daily, weekly and recap digests, the follow-up nudge, the cooling DM, the check-in
plan and review with their calendar agenda) to the fake
Slack, blocks and top-level `text` alike."""

from __future__ import annotations

import re

from bot.core.clock import ManualClock
from dev.driver import Driver
from storage.db import Database
from storage.models import CalendarMeeting
from tests.digest_world import World, sh
from tests.faults.test_escaping import _sent_texts
from tests.scheduler_world import run

HOSTILE = "<!here> <!channel> <@U123> <https://evil.example|click> & *bold*"
LIVE = re.compile(r"<!here>|<!channel>|<@U123>|<https://evil")
NOW = sh(2026, 11, 23, 9, 5)  # Monday in Shanghai


def test_every_scheduled_message_escapes_user_text(driver: Driver, db: Database, clock: ManualClock) -> None:
    with db.transaction() as session:
        w = World(session, NOW)
        _mia, bo, fang = w.east_team()
        ricoh = w.account(f"Ricoh {HOSTILE}", bo, tier="big", expected=500_000)
        w.contact(ricoh, f"Li {HOSTILE}", "decision_maker", met=w.days(-95))
        wang = w.contact(ricoh, f"王伟 {HOSTILE}", "coach", met=w.days(-95))
        deal = w.deal(bo, ricoh, [(-30, "S"), (-10, "P")], title=f"Copiers {HOSTILE}")
        for n in (-3, -4, -8):  # Friday and the week before
            w.visit(bo, ricoh, w.days(n), purpose=f"demo {HOSTILE}", next_step=f"send {HOSTILE}", deal=deal)
            w.visit(fang, ricoh, w.days(n), purpose=f"面谈 {HOSTILE}", next_step=f"报价 {HOSTILE}", contacts=(wang,))
        for hour in (11, 15):  # on the check-in agendas
            # Direct: what the calendar read stores from an ICS feed fetched over HTTP (no session-level form).
            session.add(
                CalendarMeeting(
                    team_id=w.team_id,
                    person_id=bo.id,
                    uid=f"m{hour}",
                    occurrence="",
                    title=f"Review {HOSTILE}",
                    starts_at=sh(2026, 11, 23, hour),
                    ends_at=sh(2026, 11, 23, hour + 1),
                    account_id=ricoh.id,
                )
            )
        w.follow_up(bo, w.days(-1), text=f"call {HOSTILE}")
        w.follow_up(fang, w.days(-1), text=f"回电 {HOSTILE}")
        liguang = w.account(f"理光 {HOSTILE}", fang)  # a rep opens deals on their own accounts only
        for days, outcome in ((-2, "won"), (-1, "lost"), (2, "won"), (3, "lost")):
            w.deal(
                bo if days < 0 else fang,
                ricoh if days < 0 else liguang,
                [(-40, "S"), (-20, "P"), (days, outcome)],
                title=f"Toner {days} {HOSTILE}",
                reasons=("budget_unknown",) if outcome == "lost" else (),
                lesson=f"lesson {HOSTILE}",
            )
    for user, name, locale in (("UMIA", "Mia", "en-US"), ("UBO", "Bo", "en-US"), ("UFANG", "王芳", "zh-CN")):
        driver.fake.add_user(user, name, tz="Asia/Shanghai", locale=locale)

    sent = {
        "manager-digest": run(driver, "manager-digest", NOW, clock),
        "weekly-digest": run(driver, "weekly-digest", NOW, clock),
        "checkin-morning": run(driver, "checkin-morning", sh(2026, 11, 23, 9, 0), clock),
        "followup-nudges": run(driver, "followup-nudges", sh(2026, 11, 23, 9, 30), clock),
        "relationship-decay": run(driver, "relationship-decay", sh(2026, 11, 23, 10, 0), clock),
        "checkin-evening": run(driver, "checkin-evening", sh(2026, 11, 23, 19, 0), clock),
        "winloss-recap": run(driver, "winloss-recap", sh(2026, 11, 27, 16, 45), clock),
    }
    assert all(sent.values()), sent  # every job had something to say
    texts = _sent_texts(driver)
    assert [(where, t) for where, t in texts if LIVE.search(t)] == []
    assert [(where, t) for where, t in texts if " & " in t] == []
    # The user's text is still there, shown as typed.
    for shown in ("Ricoh &lt;!here&gt;", "Review &lt;!here&gt;", "call &lt;!here&gt;", "Li &lt;!here&gt;"):
        assert any(shown in t for _, t in texts), shown
