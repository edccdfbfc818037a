"""The one-line parser: examples in both languages, and a property test that it never raises."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.visits.parse import MAX_TEXT, ParsedContact, parse_names, parse_visit

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai, Sunday 18:00 in LA
SH = "Asia/Shanghai"


def test_english_example() -> None:
    p = parse_visit("Ricoh with Zhang (decision maker) in person: needs confirmed; next: proposal by Fri", SH, NOW)
    assert p.account == "Ricoh" and p.contacts == [ParsedContact("Zhang", "decision_maker")]
    assert (p.channel, p.purpose, p.next_step) == ("in_person", "needs confirmed", "proposal")
    assert p.next_due == datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    assert p.issues == [] and p.blocking == []


def test_chinese_example() -> None:
    p = parse_visit("理光 张总 面谈 确认需求 下一步: 下周三前发方案", SH, NOW, "zh")
    assert p.account == "理光" and p.contacts == [ParsedContact("张总")]
    assert (p.channel, p.purpose, p.next_step) == ("in_person", "确认需求", "发方案")
    assert p.next_due == datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        ("理光张总面谈确认需求", "contacts", [ParsedContact("张总")]),
        ("理光 见了王经理(决策人) 电话", "contacts", [ParsedContact("王经理", "decision_maker")]),
        (
            "Ricoh with Zhang, Li Wei and Wang (CFO)",
            "contacts",
            [ParsedContact("Zhang"), ParsedContact("Li Wei"), ParsedContact("Wang", title="CFO")],
        ),
        ("海利建设 和韩娜饭局 商务谈判", "contacts", [ParsedContact("韩娜")]),
        ("理光 和平谈判", "contacts", []),
        ("Ricoh wechat", "channel", "im"),
        ("理光 微信", "channel", "im"),
        ("理光 邮件", "channel", "email"),
        ("理光 饭局", "channel", "informal"),
        ("Ricoh offsite", "channel", "informal"),
        ("理光 拜访", "channel", "in_person"),
        ("Ricoh level 3 with Zhang", "level", 3),
        ("理光 张总 关系4", "level", 4),
        ("Ricoh with Zhang yesterday", "occurred_at", datetime(2026, 11, 22, 4, 0, tzinfo=UTC)),
        ("理光 昨天 电话", "occurred_at", datetime(2026, 11, 22, 4, 0, tzinfo=UTC)),
        ("Ricoh 2026-11-02 phone", "occurred_at", datetime(2026, 11, 2, 4, 0, tzinfo=UTC)),
        ("理光 电话 明天上午10点回电", "next_step", "回电"),
        ("理光 电话 明天上午10点回电", "next_due", datetime(2026, 11, 24, 2, 0, tzinfo=UTC)),
        ("Ricoh phone; next: call back tomorrow 10am", "next_due", datetime(2026, 11, 24, 2, 0, tzinfo=UTC)),
        ("Ricoh: pricing; they asked for a discount", "notes", "they asked for a discount"),
        ("account: Ricoh China in person", "account", "Ricoh China"),
        ("met Zhang at Ricoh", "account", "Ricoh"),
    ],
)
def test_examples(text: str, field: str, expected: object) -> None:
    assert getattr(parse_visit(text, SH, NOW), field) == expected


def test_same_words_different_time_zones() -> None:
    shanghai = parse_visit("Ricoh; next: call tomorrow 10am", "Asia/Shanghai", NOW)
    los_angeles = parse_visit("Ricoh; next: call tomorrow 10am", "America/Los_Angeles", NOW)
    assert shanghai.next_due == datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    assert los_angeles.next_due == datetime(2026, 11, 23, 18, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "blocking"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("yesterday", "no_account"),
        ("🎉🎉", "no_account"),
        ("Ricoh 2031-01-01", "far_future"),
        ("Ricoh; next: call 2031-01-01", "far_future"),
        ("Ricoh today 5pm", "future_visit"),
        ("Ricoh 2024-01-01", "far_past"),
        ("x" * (MAX_TEXT + 1), "too_long"),
    ],
)
def test_what_blocks_saving(text: str, blocking: str) -> None:
    assert [i.key for i in parse_visit(text, SH, NOW).blocking][:1] == [blocking]


@pytest.mark.parametrize(
    ("text", "issue"),
    [
        ("Ricoh with Zhang (decision maker in person", "unbalanced"),
        ("Ricoh level 9 with Zhang", "level_range"),
        ("Ricoh level 2", "level_without_contact"),
        ("Ricoh with Zhang 👍", "ignored"),
        ("Ricoh; next: call yesterday", "due_past"),
    ],
)
def test_what_is_reported_but_does_not_block(text: str, issue: str) -> None:
    p = parse_visit(text, SH, NOW)
    assert p.blocking == [] and issue in [i.key for i in p.issues]


def test_unclosed_bracket_still_reads_the_role() -> None:
    p = parse_visit("Ricoh with Zhang (decision maker in person", SH, NOW)
    assert p.contacts == [ParsedContact("Zhang", "decision_maker")] and p.channel == "in_person"


def test_form_names() -> None:
    assert parse_names("Zhang Wei (decision maker), 李娜（使用者）、王五(CFO); 🎉") == [
        ParsedContact("Zhang Wei", "decision_maker"),
        ParsedContact("李娜", "user"),
        ParsedContact("王五", title="CFO"),
    ]


# ----- never raises --------------------------------------------------------------------------
VOCABULARY = [
    "Ricoh",
    "理光",
    "with",
    "见了",
    "张总",
    "(",
    ")",
    "（",
    "decision maker",
    "决策人",
    ":",
    "：",
    ";",
    "；",
    "next:",
    "下一步",
    "by Fri",
    "明天上午10点",
    "昨天",
    "2026-11-02",
    "2031-01-01",
    "level 3",
    "关系3",
    "L9",
    "面谈",
    "phone",
    "微信",
    "饭局",
    "🎉",
    ",",
    "、",
    "tomorrow 10am",
    "下周三前",
    "at",
    "about",
    "notes:",
    "\n",
    "met",
    "十点半",
    "11月2日",
    "3天后",
    "account:",
    "Mr. Li",
    "call back",
    "&",
    "<@U1>",
    "\u200d",
    "\x00",
]
ZONES = ["Asia/Shanghai", "America/Los_Angeles", "UTC", "Pacific/Kiritimati", "Not/AZone", ""]
instants = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC))


def _check(text: str, tz: str, now: datetime) -> None:
    p = parse_visit(text, tz, now)
    assert p.original == text
    if p.blocking:
        return
    assert p.account and p.account.strip() == p.account
    assert p.level is None or 0 <= p.level <= 5
    assert p.resolved_channel in ("phone", "im", "email", "in_person", "informal")
    if p.next_due is not None:
        assert p.next_due.tzinfo is not None and now < p.next_due <= now + timedelta(days=366)
    if p.occurred_at is not None:
        assert now - timedelta(days=367) <= p.occurred_at <= now + timedelta(minutes=5)
    for contact in p.contacts:
        assert contact.name.strip() and contact.role in (
            None,
            "decision_maker",
            "influencer",
            "user",
            "purchaser",
            "coach",
        )


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400), st.sampled_from(ZONES), instants)
def test_parser_never_raises_on_arbitrary_unicode(text: str, tz: str, now: datetime) -> None:
    _check(text, tz, now)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(st.sampled_from(VOCABULARY), st.text(max_size=6)), max_size=25), st.sampled_from(ZONES), instants
)
def test_parser_never_raises_on_mixed_keywords(parts: list[str], tz: str, now: datetime) -> None:
    _check(" ".join(parts), tz, now)
    _check("".join(parts), tz, now)
