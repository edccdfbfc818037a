"""The daily surface (issue 22), in both languages: words (plurals, Chinese lists, the shell's
form chrome), messages that mean what they say, one cooling count on every surface, the
evening review against the day's data, relative due dates off days off, the App Home's first
view, and the shell's clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.accounts.cadence import cooling_counts
from bot.core.clock import zone
from bot.core.i18n import catalog, join_clauses, join_list, plural, plural_categories, t
from bot.followups.rules import complete_follow_up
from bot.people.members import actor_for, workspace_config
from dev.driver import Driver
from dev.shell.render import Renderer, display_width
from dev.shell.timeline import due_instants, holidays_reached
from storage.db import Database
from storage.models import Account, CheckIn, Contact, Person, Visit, VisitContact
from tests.conftest import START, TEAM
from tests.digest_world import World
from tests.scheduler_world import account, contact, deal, dms, follow_up, join, local, run, visit
from tests.test_shell import _run_script
from tests.test_shell import on_test_database as on_test_database  # a fixture
from tests.visit_world import reply_text, team

SH = "Asia/Shanghai"


def _home_text(driver: Driver, user: str) -> str:
    driver.open_home(user)
    view = driver.fake.calls_to("views.publish")[-1].response["view"]
    return reply_text(view)


# ----- 1. words ---------------------------------------------------------------------------------
def test_english_counts_take_the_singular_for_one_and_chinese_has_one_form() -> None:
    assert t("en", "nudge.title", count=1) == "1 follow-up overdue or due now."
    assert t("en", "nudge.title", count=3) == "3 follow-ups overdue or due now."
    assert t("en", "deal.confirm.contacts", count=1, minimum=6).startswith(
        "This account has been contacted only 1 time "
    )
    assert t("en", "checkin.review.saved", day="Mon", streak=1).endswith("1 working day in a row.")
    assert t("en", "checkin.review.saved", day="Mon", streak=0).endswith("0 working days in a row.")
    assert t("zh", "nudge.title", count=1) == "有 1 项跟进已到期。"
    assert plural("en", 1, one="# visit", other="# visits") == "1 visit"
    assert plural("en", "2", one="# visit", other="# visits") == "2 visits"
    assert plural("zh", 1, other="# 次拜访") == "1 次拜访"
    assert plural_categories("en") == ("one", "other") and plural_categories("zh") == ("other",)


def test_every_message_formats_for_zero_one_and_many_and_none_says_s_in_brackets() -> None:
    for key, (en, zh) in catalog().items():
        assert "(s)" not in en, key
        if ":plural:" in en or ":plural:" in zh:
            names = {name for name in en.replace("}", "{").split("{")[1::2]}
            for n in (0, 1, 2, 21):
                values = {name.split(":")[0]: n for name in names}
                for lang in ("en", "zh"):
                    assert "#" not in t(lang, key, **values).replace("#channel", ""), (key, lang)


def test_chinese_lists_use_chinese_punctuation() -> None:
    assert join_list("en", ["Zhang", "Li"]) == "Zhang, Li"
    assert join_list("zh", ["张总", "李工", "王经理"]) == "张总、李工、王经理"
    assert join_clauses("zh", ["预算已确认", "决策人已见"]) == "预算已确认，决策人已见"


def test_the_shell_draws_slacks_own_words_in_the_users_language() -> None:
    form = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "记录拜访"},
        "blocks": [
            {
                "type": "input",
                "block_id": "notes",
                "optional": True,
                "label": {"type": "plain_text", "text": "备注"},
                "element": {"type": "plain_text_input", "action_id": "v"},
            },
            {
                "type": "input",
                "block_id": "account",
                "label": {"type": "plain_text", "text": "客户"},
                "element": {"type": "external_select", "action_id": "v"},
            },
        ],
    }
    zh = "\n".join(Renderer(lang=lambda: "zh").view(form).lines)
    en = "\n".join(Renderer(lang=lambda: "en").view(form).lines)
    assert "（可选）" in zh and "输入名称搜索" in zh and "optional" not in zh and "type a name" not in zh
    assert "(optional)" in en and "type a name to search" in en


def test_display_width_counts_wide_characters_twice_and_combining_marks_not_at_all() -> None:
    assert display_width("理光中国") == 8
    assert display_width("Ricoh 理光") == 10
    assert display_width("e\u0301") == 1  # e + a combining acute accent
    lines = Renderer().columns(["客户\n理光中国", "Stage\nD", "Account\nRicoh", "阶段\nP"])
    starts = {
        display_width(line[: line.rindex(right)])
        for line, right in zip(lines, ["Stage", "D", "阶段", "P"], strict=True)
    }
    assert starts == {display_width("理光中国") + 3}  # every right-hand column starts at one display column


# ----- 2. messages that mean what they say ------------------------------------------------------
@pytest.mark.parametrize(
    ("locale", "needs_admin"), [("en-US", "only a workspace admin"), ("zh-CN", "只有工作区管理员")]
)
def test_a_manager_running_an_admin_command_is_told_it_needs_an_admin(
    driver: Driver, db: Database, locale: str, needs_admin: str
) -> None:
    from tests.visit_world import rep

    rep(db, driver, "UMGR", role="manager", locale=locale)
    driver.command("UMGR", "/coach", "stages preset four")
    assert needs_admin in driver.last_ephemeral("UMGR")["text"]
    driver.command("UMGR", "/coach", "role <@UMGR> admin")
    assert needs_admin in driver.last_ephemeral("UMGR")["text"]
    rep(db, driver, "UADM", role="admin", locale=locale)
    driver.command("UADM", "/coach", "role <@UMGR> manager")
    said = driver.last_ephemeral("UADM")["text"]
    assert said == ("<@UMGR> 现在的角色是经理。" if locale == "zh-CN" else "<@UMGR> is now a manager.")


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_coach_help_lists_every_subcommand(driver: Driver, db: Database, locale: str) -> None:
    from handlers.commands.coach import SUBCOMMANDS
    from tests.visit_world import rep

    rep(db, driver, "U1", locale=locale)
    driver.command("U1", "/coach", "help")
    text = driver.last_ephemeral("U1")["text"]
    words = [w for w in SUBCOMMANDS if w.isascii()]
    assert "why" in words and len(words) >= 10
    for word in words:
        assert f"`/coach {word}" in text, word


# ----- 3. one number per fact -------------------------------------------------------------------
def _cooling_world(driver: Driver, db: Database, *, zh: bool) -> tuple[int, int]:
    """Ann and Bo report to Mia. Ann: a decision maker of an open deal unseen for 41 days and
    one never met (key: cooling), a user unseen for 100 days (cooling), one for 50 (not yet).
    Bo: a coach of an open deal unseen for 35 days."""
    locale = "zh-CN" if zh else "en-GB"
    join(driver, "UADM", "Priya", tz=SH)  # the first person in a workspace becomes its admin
    ann = join(driver, "UANN", "Ann", tz=SH, locale=locale)
    bo = join(driver, "UBO", "Bo", tz=SH, locale=locale)
    join(driver, "UMIA", "Mia", tz=SH, locale=locale)
    now = local(date(2026, 11, 23), "10:00", SH)
    team(db, driver, "UMIA", "UANN", "UBO")  # Priya, the admin, sets up Mia's team
    acme = account(db, TEAM, ann, "理光" if zh else "Ricoh")
    other = account(db, TEAM, bo, "华星" if zh else "Canon")
    for acc, owner in ((acme, ann), (other, bo)):
        deal(db, TEAM, owner, acc, "A", now)
    contact(
        db, TEAM, acme, "张总" if zh else "Boss", buying_role="decision_maker", last_face_to_face_at=now - timedelta(41)
    )
    contact(db, TEAM, acme, "赵总" if zh else "Never", buying_role="decision_maker")
    contact(db, TEAM, acme, "刘工" if zh else "Clerk", buying_role="user", last_face_to_face_at=now - timedelta(100))
    contact(db, TEAM, acme, "陈工" if zh else "Fresh", buying_role="user", last_face_to_face_at=now - timedelta(50))
    contact(db, TEAM, other, "周工" if zh else "Champ", buying_role="coach", last_face_to_face_at=now - timedelta(35))
    return ann, bo


@pytest.mark.parametrize("zh", [False, True])
def test_app_home_decay_dm_and_team_view_tell_the_same_cooling_count(
    driver: Driver, db: Database, clock: Any, zh: bool
) -> None:
    ann, bo = _cooling_world(driver, db, zh=zh)
    at = local(date(2026, 11, 23), "10:00", SH)
    with db.transaction() as session:
        counts = cooling_counts(session, TEAM, [ann, bo], at, workspace_config(session, TEAM).cadence)
    assert counts == {ann: 3, bo: 1}
    clock.set(at)
    run(driver, "relationship-decay", at, clock)
    ann_dm, bo_dm = dms(driver.fake, "UANN")[-1], dms(driver.fake, "UBO")[-1]
    ann_home, mia_home = _home_text(driver, "UANN"), _home_text(driver, "UMIA")
    if zh:
        assert "有 3 个关系在变淡" in ann_dm.text and "有 1 个关系在变淡" in bo_dm.text
        assert "*关系正在变淡*（3）" in ann_home
        assert "我的团队" in mia_home and "*团队中正在变淡的关系*（4）" in mia_home
        assert "超过一个月没见面" in str(ann_dm.blocks) and "每月见面关系才会增长" not in str(ann_dm.blocks)
    else:
        assert ann_dm.text.startswith(":warning: 3 relationships are cooling")
        assert bo_dm.text.startswith(":warning: 1 relationship is cooling")
        assert "*Cooling relationships* (3)" in ann_home
        assert "My team" in mia_home and "*Cooling relationships in the team* (4)" in mia_home
        blocks = str(ann_dm.blocks)
        assert "41 days since you last met · over a month without a meeting" in blocks
        assert "keeps it growing" not in blocks
        assert "Fresh" not in blocks  # 50 days, not a key contact: within its 90-day cadence


# ----- 4. the evening review against the day ----------------------------------------------------
@pytest.mark.parametrize("zh", [False, True])
def test_evening_review_marks_the_plan_done_or_missed_and_carries_the_missed(
    driver: Driver, db: Database, clock: Any, zh: bool
) -> None:
    ann = join(driver, "U1", "Ann", tz=SH, locale="zh-CN" if zh else "en-GB")
    ricoh = account(db, TEAM, ann, "理光" if zh else "Ricoh")
    lenovo = account(db, TEAM, ann, "联想" if zh else "Lenovo")
    call = "给佳能回电话确认报价" if zh else "Call Canon about the quote"
    monday, tuesday = date(2026, 11, 23), date(2026, 11, 24)
    canon = account(db, TEAM, ann, "佳能" if zh else "Canon")
    fid = follow_up(db, TEAM, ann, call, local(monday, "15:00", SH), account_id=canon)
    clock.set(local(monday, "09:00", SH))
    driver.command("U1", "/checkin", "plan")
    demo, haier = ("理光 演示", "拜访海尔") if zh else ("Ricoh demo", "Visit Haier")
    plan = {
        "plan_key": {"text": {"type": "plain_text_input", "value": f"{demo}\n{haier}"}},
        "plan_routine": {"text": {"type": "plain_text_input", "value": call}},
        "plan_visits": {
            "accounts": {
                "type": "multi_static_select",
                "selected_options": [{"value": str(ricoh)}, {"value": str(lenovo)}],
            }
        },
    }
    driver.submit("U1", driver.last_view(), plan)
    visit(db, TEAM, ann, ricoh, local(monday, "11:00", SH), logged=local(monday, "11:05", SH))
    with db.transaction() as session:  # the call made: Done on the follow-up
        person = session.get(Person, ann)
        assert person is not None
        complete_follow_up(session, actor_for(person), fid, local(monday, "16:00", SH))
    clock.set(local(monday, "18:30", SH))
    driver.command("U1", "/checkin", "复盘" if zh else "review")
    view = driver.last_view()
    checks = next(b for b in view["blocks"] if b.get("block_id") == "review_done_items")["element"]
    ticked = {o["value"] for o in checks["initial_options"]}
    assert ticked == {"i0", "i2", "v0"}  # the Ricoh demo, the Canon call, the visit to Ricoh
    assert {o["value"] for o in checks["options"]} == {"i0", "i1", "i2", "v0", "v1"}
    plan_field = next(b for b in view["blocks"] if b["type"] == "section")["fields"][0]["text"]
    missed = "未完成" if zh else "missed"
    assert f"✗ {haier}" in plan_field and missed in plan_field
    review = {
        "review_done_text": {"text": {"type": "plain_text_input", "value": "1"}},
        "review_done_items": {"done": {"type": "checkboxes", "selected_options": checks["initial_options"]}},
    }
    driver.submit("U1", view, review)
    saved = driver.fake.messages[-1].text
    assert ("计划：完成 3 项，未完成 2 项" if zh else "From the plan: 3 done, 2 missed") in saved
    with db.transaction() as session:
        row = session.scalars(select(CheckIn).where(CheckIn.person_id == ann, CheckIn.local_date == monday)).one()
        assert [i["done"] for i in row.plan_items] == [True, False, True]
        assert [v["done"] for v in row.planned_visits] == [True, False]
    # Tuesday's plan starts with what Monday missed.
    clock.set(local(tuesday, "09:00", SH))
    driver.command("U1", "/checkin", "plan")
    tomorrow = driver.last_view()
    key = next(b for b in tomorrow["blocks"] if b.get("block_id") == "plan_key")["element"]
    assert key["initial_value"].splitlines()[0] == haier
    visits = next(b for b in tomorrow["blocks"] if b.get("block_id") == "plan_visits")["element"]
    assert [o["value"] for o in visits["initial_options"]] == [str(lenovo)]
    notes = " ".join(str(b) for b in tomorrow["blocks"] if b["type"] == "context")
    assert ("从 2026年11月23日 周一 顺延：2 项" if zh else "Carried over from Mon 23 Nov 2026: 2 items") in notes


# ----- 5. relative due dates on days off --------------------------------------------------------
@pytest.mark.parametrize("zh", [False, True])
def test_a_relative_due_date_on_a_day_off_moves_to_the_next_working_day_and_the_reply_says_so(
    driver: Driver, db: Database, clock: Any, zh: bool
) -> None:
    from tests.visit_world import account as visit_account
    from tests.visit_world import rep

    me = rep(db, driver, "U1", tz=SH, locale="zh-CN" if zh else "en-US")
    visit_account(db, me, "Ricoh", "理光")
    with db.transaction() as session:  # added by the workspace's admin
        World(session, START).holiday(date(2026, 11, 24), "Company day")

    def due_of(line: str) -> tuple[datetime | None, str]:
        driver.command("U1", "/visit", line)
        with db.transaction() as session:
            visit = session.scalars(select(Visit).where(Visit.raw_text == line)).one()
            return visit.next_step_due_at, reply_text(driver.last_ephemeral("U1"))

    # Monday: "tomorrow" is Tuesday, a holiday → Wednesday.
    due, text = due_of("理光 面谈 演示 下一步: 明天回电" if zh else "Ricoh in person: demo; next: call tomorrow")
    assert due == local(date(2026, 11, 25), "18:00", SH)
    assert ("2026年11月24日 周二 是假日" if zh else "Tue 24 Nov 2026 is a holiday") in text
    # Friday: "in 1 day" / "1天后" is Saturday, not a working day → Monday.
    clock.set(local(date(2026, 11, 27), "10:00", SH))
    due, text = due_of("理光 电话 报价 下一步: 1天后回电" if zh else "Ricoh phone: quote; next: call back in 1 day")
    assert due == local(date(2026, 11, 30), "18:00", SH)
    assert ("你的非工作日" if zh else "is not one of your working days") in text
    # A date the rep named is kept, even on a Saturday.
    due, text = due_of("理光 电话 报价 下一步: 2026-11-28 回电" if zh else "Ricoh phone: quote; next: call 2026-11-28")
    assert due == local(date(2026, 11, 28), "18:00", SH)
    assert "顺延" not in text and "next working day" not in text


# ----- 6. the App Home's first view -------------------------------------------------------------
@pytest.mark.parametrize("zh", [False, True])
def test_someone_with_no_deals_is_welcomed_with_what_to_do_first(driver: Driver, db: Database, zh: bool) -> None:
    join(driver, "UADM", "Priya", tz=SH)  # the first person in a workspace becomes its admin
    ann = join(driver, "UANN", "Ann", tz=SH, locale="zh-CN" if zh else "en-GB")
    text = _home_text(driver, "UANN")
    assert ("欢迎使用 Pipeline Coach" if zh else "Welcome to Pipeline Coach") in text
    assert "/visit" in text and "/deal" in text
    assert "at or above" not in text and "不低于团队" not in text
    deal(db, TEAM, ann, account(db, TEAM, ann, "Acme"), "S", START, title="X")
    assert "Welcome" not in _home_text(driver, "UANN") and "欢迎" not in _home_text(driver, "UANN")


# ----- 7. the shell's clock ---------------------------------------------------------------------
def test_the_shell_runs_jobs_when_each_window_opens_and_finds_the_holidays_it_passes(
    driver: Driver, db: Database
) -> None:
    join(driver, "U1", "Ann", tz=SH)
    join(driver, "U2", "Bea", tz="Europe/London")
    with db.transaction() as session:
        World(session, START).holiday(date(2026, 11, 27), "Company day off")  # by Ann, the admin
        start = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
        end = start + timedelta(days=4, hours=12)
        instants = due_instants(session, start, end)
        passed = holidays_reached(session, TEAM, "Europe/London", start, end)
    assert local(date(2026, 11, 23), "18:00", SH) in instants  # the evening review, to the minute
    assert local(date(2026, 11, 23), "08:45", "Europe/London") in instants
    assert local(date(2026, 11, 26), "09:30", SH) in instants
    assert instants == sorted(instants) and all(start < at <= end for at in instants)
    assert [(h.day, h.at) for h in passed] == [
        (date(2026, 11, 27), local(date(2026, 11, 27), "00:00", "Europe/London"))
    ]


def _readme_visit_lines() -> list[str]:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    return [line.strip() for line in readme.splitlines() if line.startswith("    /visit ")]


def test_the_readmes_visit_lines_log_what_they_say_for_the_demos_default_user(
    on_test_database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    lines = _readme_visit_lines()
    assert len(lines) == 3
    out = _run_script(tmp_path, monkeypatch, capsys, [*lines, ":time +10h"])
    assert "I don't know an account" not in out
    with on_test_database.transaction() as session:
        emma = session.scalars(select(Person).where(Person.slack_user_id == "UEMMA001")).one()
        logged = {}
        for line in lines:
            visit = session.scalars(select(Visit).where(Visit.raw_text == line.removeprefix("/visit "))).one()
            names = sorted(
                session.scalars(
                    select(Contact.name)
                    .join(VisitContact, VisitContact.contact_id == Contact.id)
                    .where(VisitContact.visit_id == visit.id)
                )
            )
            account_name = session.get(Account, visit.account_id).name  # type: ignore[union-attr]
            logged[line] = (visit.rep_id == emma.id, account_name, visit.channel, names, visit.purpose)
            logged[line] += (
                visit.next_step,
                visit.next_step_due_at.astimezone(zone("Europe/London")).strftime("%a %d %b %H:%M"),
            )
    en, zh_meeting, zh_call = lines
    assert logged[en] == (True, "Ricoh UK", "in_person", ["张总"], "needs confirmed", "proposal", "Fri 27 Nov 18:00")
    assert logged[zh_meeting] == (True, "Ricoh UK", "in_person", ["张总"], "确认需求", "发方案", "Wed 02 Dec 18:00")
    assert logged[zh_call] == (True, "Ricoh UK", "phone", ["王经理"], "报价", "回电", "Tue 24 Nov 10:00")
    # The clock moved ten hours: the evening review came at 18:00 itself, not at a coarse step.
    review = out.index("REVIEW YOUR DAY")
    assert out.rfind("🕘 ", 0, review) == out.rfind("🕘 Mon 23 Nov 18:00", 0, review) != -1


@pytest.mark.parametrize("zh", [False, True])
def test_moving_the_shell_clock_announces_a_holiday_and_sends_the_review_at_its_time(
    driver: Driver, db: Database, fake_slack: Any, clock: Any, zh: bool
) -> None:
    from tests.test_shell import _said, _shell

    join(driver, "U1", "Ann", tz=SH, locale="zh-CN" if zh else "en-US")
    with db.transaction() as session:
        World(session, START).holiday(date(2026, 11, 24), "Company day off")  # by Ann, the admin
    clock.set(local(date(2026, 11, 23), "12:00", SH))
    shell, out = _shell(driver, fake_slack, clock)
    said = _said(shell, out, ":time +14h")  # Monday 12:00 → Tuesday 02:00 in Shanghai
    holiday = "🎌 2026年11月24日 周二 是本工作区的假日" if zh else "🎌 Tue 24 Nov 2026 is a holiday in this workspace"
    assert holiday in said
    review = said.index("复盘" if zh else "Review your day".upper())
    assert said.rfind("🕘 ", 0, review) == said.rfind("🕘 Mon 23 Nov 18:00", 0, review) != -1
    assert said.index("🕘 Mon 23 Nov 18:00") < said.index(holiday)  # in the order the clock met them


def test_the_visit_forms_new_contacts_are_listed_the_chinese_way_and_read_back() -> None:
    from bot.visits.parse import ParsedContact, parse_names
    from bot.visits.prefill import _names

    contacts = [ParsedContact("张伟", "decision_maker", None), ParsedContact("李娜", "user", None)]
    zh, en = _names("zh", contacts), _names("en", contacts)
    assert "、" in zh and ", " not in zh and ", " in en
    assert [(c.name, c.role) for c in parse_names(zh)] == [("张伟", "decision_maker"), ("李娜", "user")]
    assert "张伟（决策人）、李娜（使用者）" in t("zh", "visit.modal.new_contacts_hint")
