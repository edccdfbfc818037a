"""Slack's own "away" signals: a scheduled message waits while the person's do-not-disturb is
on or their status says they are away (🌴, "vacation", "休假"…), then goes out once, as one
message, when they are back, unless its time has passed; `/coach why` names the reason."""

from __future__ import annotations

from datetime import date, timedelta

from bot.core.clock import ManualClock
from bot.people.away import away_from_signals
from dev.driver import Driver
from tests.deal_world import cli
from tests.scheduler_world import dms, join, local, run

SH = "Asia/Shanghai"
MORNING, PLAN_HEADER = "checkin-morning", "Plan your day"
MONDAY = date(2026, 11, 30)


def _plans(driver: Driver, user: str) -> int:
    return len(dms(driver.fake, user, header="今日计划" if user == "UZH" else PLAN_HEADER))


def _looked_up(driver: Driver, method: str, user: str) -> int:
    return sum(1 for c in driver.fake.calls if c.method == method and c.params.get("user") == user)


def test_dnd_holds_the_morning_plan_until_it_ends_then_sends_it_once(driver: Driver, clock: ManualClock) -> None:
    join(driver, "U1", "Ann", tz=SH)
    join(driver, "U2", "Bo", tz=SH)
    driver.fake.set_dnd("U1", local(MONDAY, "08:00", SH).timestamp(), local(MONDAY, "10:00", SH).timestamp())
    run(driver, MORNING, local(MONDAY, "08:45", SH), clock)
    assert (_plans(driver, "U1"), _plans(driver, "U2")) == (0, 1)  # only the person in DND waits
    assert _looked_up(driver, "dnd.info", "U1") == 1
    run(driver, MORNING, local(MONDAY, "08:47", SH), clock)  # within the cache: not asked again
    assert _looked_up(driver, "dnd.info", "U1") == 1
    driver.command("U1", "/coach", "why")
    assert "do-not-disturb" in driver.last_ephemeral("U1")["text"]
    run(driver, MORNING, local(MONDAY, "09:30", SH), clock)
    assert _plans(driver, "U1") == 0
    for when in ("10:00", "10:05", "11:00"):
        run(driver, MORNING, local(MONDAY, when, SH), clock)
    assert (_plans(driver, "U1"), _plans(driver, "U2")) == (1, 1)  # back: one plan, not one per sweep


def test_an_away_status_holds_messages_and_a_stale_plan_is_never_sent(
    driver: Driver, clock: ManualClock, settings: object
) -> None:
    join(driver, "UADM", "Ada", tz=SH)
    join(driver, "UZH", "张伟", tz=SH, locale="zh-CN")
    driver.fake.set_status("UZH", ":palm_tree:", "休假中")
    driver.fake.set_status("UADM", ":spiral_calendar_pad:", "In meetings")  # busy, not away
    for when in ("08:45", "12:00", "17:55"):
        run(driver, MORNING, local(MONDAY, when, SH), clock)
    assert (_plans(driver, "UADM"), _plans(driver, "UZH")) == (1, 0)
    driver.command("UZH", "/coach", "why")
    assert "你的 Slack 状态“:palm_tree: 休假中”表示你不在" in driver.last_ephemeral("UZH")["text"]
    driver.fake.set_status("UZH")  # back in the evening: the morning plan's time has passed
    run(driver, MORNING, local(MONDAY, "18:30", SH), clock)
    assert _plans(driver, "UZH") == 0
    # The words are the workspace's: "In meetings" can be made to count as away.
    words = ":palm_tree:, 🌴, vacation, 休假, 请假, in meetings"
    assert cli(["settings", "set", "--team", driver.team_id, "away_status_words", words], settings) == 0  # type: ignore[arg-type]
    tuesday = MONDAY + timedelta(days=1)
    run(driver, MORNING, local(tuesday, "08:45", SH), clock)
    assert (_plans(driver, "UADM"), _plans(driver, "UZH")) == (1, 1)  # UZH is back; UADM now waits
    driver.fake.set_status("UADM")
    run(driver, MORNING, local(tuesday, "08:47", SH), clock)  # the answer is cached for a few minutes
    assert _plans(driver, "UADM") == 1
    run(driver, MORNING, local(tuesday, "08:50", SH), clock)
    assert _plans(driver, "UADM") == 2


def test_signals_that_have_ended_or_not_begun_do_not_hold_anything() -> None:
    now = local(MONDAY, "09:00", SH)
    ts = now.timestamp()
    words = ["🌴", "vacation", "休假"]
    upcoming = {"dnd_enabled": True, "next_dnd_start_ts": ts + 3600, "next_dnd_end_ts": ts + 7200}
    assert away_from_signals(upcoming, None, now, words) == (None, None)
    current = {"dnd_enabled": True, "next_dnd_start_ts": ts - 60, "next_dnd_end_ts": ts + 60}
    assert away_from_signals(current, None, now, words) == ("dnd", None)
    expired = {"status_emoji": "🌴", "status_text": "Vacation", "status_expiration": ts - 1}
    assert away_from_signals(None, expired, now, words) == (None, None)
    lasting = {"status_emoji": "", "status_text": "On VACATION till Friday", "status_expiration": ts + 86400}
    assert away_from_signals(None, lasting, now, words) == ("status", "On VACATION till Friday")
    assert away_from_signals(None, {"status_text": "请假一天"}, now, words) == (None, None)  # not in this list
