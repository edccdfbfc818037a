"""Dates and times inside a visit line, in English and Chinese, in the rep's own time zone.

`find_dates` locates date/time expressions ("by Fri", "tomorrow 10am", "2026-11-02", "昨天",
"下周三前", "明天上午10点") and says which way they point; `DateExpr.resolve` turns one into a
local date and (optional) time against the rep's local "now". English date words go to
`dateparser` (a maintained library); Chinese relative expressions that it does not know
(下周三, 上午10点, 11月2日, 十点半) are computed by the small layer here, because a rep typing
Chinese must get the same weekday arithmetic as one typing English.

Nothing here raises on odd input: an expression that cannot be resolved resolves to None and
the caller reports it as not understood.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

Direction = Literal["future", "past", "either"]

_ZH_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_EN_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_ZH_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": 5}
_EN_WEEKDAY = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


def zh_number(text: str) -> int | None:
    """'3', '十', '十一', '二十三', '两' → int; None if it is not a small number."""
    text = text.strip()
    if not text:
        return None
    if text.isascii() and text.isdigit():
        return int(text)
    if not all(ch in _ZH_DIGITS or ch == "十" for ch in text):
        return None
    if "十" not in text:
        return _ZH_DIGITS[text] if len(text) == 1 else None
    tens, _, units = text.partition("十")
    if "十" in units or len(tens) > 1 or len(units) > 1:
        return None
    return (_ZH_DIGITS[tens] if tens else 1) * 10 + (_ZH_DIGITS[units] if units else 0)


def _number(text: str) -> int | None:
    low = text.lower()
    if low in _EN_NUMBERS:
        return _EN_NUMBERS[low]
    return zh_number(low)


# ----- patterns ------------------------------------------------------------------------------
_NUM_ZH = r"[0-9一二两三四五六七八九十]{1,3}"
_NUM_EN = r"(?:\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_WD_FULL = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_WD_SHORT = r"(?:mon|tues?|weds?|thu|thur|thurs|fri)"
_WD_WEEKEND_SHORT = r"(?:sat|sun)"
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?"
)
_ORD = r"(?:st|nd|rd|th)?"
_BL = r"(?<![A-Za-z0-9])"  # a Latin word boundary that lets CJK touch ("明天10am")
_EL = r"(?![A-Za-z0-9])"

# Each core pattern: (compiled regex, handler kind).
_CORES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(_BL + r"(?:the\s+)?day\s+after\s+tomorrow" + _EL, re.I), "en_rel"),
    (re.compile(_BL + r"(?:the\s+)?day\s+before\s+yesterday" + _EL, re.I), "en_rel"),
    (re.compile(_BL + r"(?:yesterday|today|tonight|tomorrow|tomorow|tmrw|tmr)" + _EL, re.I), "en_rel"),
    (re.compile(_BL + r"end\s+of\s+(?:the\s+)?(?:this\s+|next\s+)?(?:week|month)" + _EL, re.I), "en_period"),
    (re.compile(_BL + r"(?:eow|eom)" + _EL, re.I), "en_period"),
    (re.compile(_BL + r"(?:next|this|last|coming)\s+(?:week|month)" + _EL, re.I), "en_period"),
    (
        re.compile(_BL + r"(?:(?:next|this|last|coming|past)\s+)?(?:" + _WD_FULL + "|" + _WD_SHORT + r")" + _EL, re.I),
        "en_weekday",
    ),
    (
        re.compile(_BL + r"(?:next|this|last|coming|past|on|by|until|before)\s+" + _WD_WEEKEND_SHORT + _EL, re.I),
        "en_weekday",
    ),
    (re.compile(_BL + r"in\s+" + _NUM_EN + r"\s+(?:days?|weeks?|months?)" + _EL, re.I), "en_offset"),
    (re.compile(_BL + _NUM_EN + r"\s+(?:days?|weeks?|months?)\s+(?:ago|later|from\s+now)" + _EL, re.I), "en_offset"),
    (re.compile(r"(?<!\d)\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?!\d)"), "iso"),
    (re.compile(r"(?<![\d/])\d{1,2}/\d{1,2}(?:/\d{2,4})?(?![\d/])"), "en_abs"),
    (re.compile(_BL + _MONTH + r"\s+\d{1,2}" + _ORD + r"(?:,?\s+\d{4})?" + _EL, re.I), "en_abs"),
    (re.compile(_BL + r"\d{1,2}" + _ORD + r"\s+(?:of\s+)?" + _MONTH + r"(?:,?\s+\d{4})?" + _EL, re.I), "en_abs"),
    # Chinese
    (
        re.compile(r"大后天|大前天|今天|今日|今儿|明天|明日|明儿|后天|昨天|昨日|昨儿|前天|今晚|明晚|昨晚|明早|今早"),
        "zh_rel",
    ),
    (re.compile(r"(?:下下个?|下个?|这个?|本|上个?)?(?:周|星期|礼拜)[一二三四五六日天1-7]"), "zh_weekday"),
    (re.compile(r"(?:下下个?|下个?|这个?|本|上个?)(?:周末|周|星期|礼拜)(?![一二三四五六日天1-7])"), "zh_week"),
    (re.compile(r"周末"), "zh_week"),
    (re.compile(r"(?:(?:本|这个?|下个?)月)?月底|(?:本|这个?|下个?)月初"), "zh_month"),
    (re.compile(r"(?:(\d{2,4})年)?(" + _NUM_ZH + r")月(" + _NUM_ZH + r")[日号]?"), "zh_abs"),
    (re.compile(_NUM_ZH + r"个?(?:天|日|周|星期|礼拜|月)(?:以后|之后|后|以内|之内|内)"), "zh_offset"),
    (re.compile(_NUM_ZH + r"(?:天|日)(?:以前|之前|前)"), "zh_ago"),
]

_TIME_EN = re.compile(
    _BL
    + r"(?:(?:at|@)\s*)?(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?P<ap>a\.?m\.?|p\.?m\.?)(?![A-Za-z])"
    + r"|"
    + _BL
    + r"(?:(?:at|@)\s*)(?P<h2>\d{1,2})(?::(?P<m2>\d{2}))?"
    + _EL
    + r"|(?<![\d:])(?P<h3>\d{1,2}):(?P<m3>\d{2})(?![\d:])"
    + r"|"
    + _BL
    + r"(?P<word>noon|midday|midnight|eod|end\s+of\s+(?:the\s+)?day"
    + r"|(?:in\s+the\s+|this\s+)?(?:morning|afternoon|evening))"
    + _EL,
    re.I,
)
_TIME_ZH = re.compile(
    r"(?P<part>早上|早晨|上午|中午|下午|傍晚|晚上|凌晨)?\s*(?P<h>" + _NUM_ZH + r")\s*(?:点|時|时)"
    r"(?:\s*(?P<half>半)|\s*(?P<q>一刻|三刻)|\s*(?P<m>" + _NUM_ZH + r")\s*分?)?"
    r"|(?P<part2>早上|早晨|上午|中午|下午|傍晚|晚上)"
)
_PREFIX = re.compile(
    r"(?:\b(?:due\s+by|due\s+on|due|by|before|until|till|on|no\s+later\s+than)\s+(?:the\s+)?|截止到?|最晚|在|于)$", re.I
)
_SUFFIX = re.compile(r"^\s*(?:以前|之前|前)")
_JOIN = re.compile(r"^[\s,]*(?:at\s+)?$", re.I)


@dataclass(frozen=True)
class DateExpr:
    """A date and/or time expression found at text[start:end]."""

    start: int
    end: int
    text: str
    kind: str | None  # core handler kind, None for a time alone
    core: str | None  # the date words (without prefixes or the time)
    time_of_day: time | None
    deadline: bool  # "by", "before", "前": a due date

    @property
    def direction(self) -> Direction:
        """Which way the words themselves point, before any preference is applied."""
        low = (self.core or "").lower()
        if self.kind is None:
            return "either"
        if self.kind in ("iso", "en_abs", "zh_abs"):
            return "either"
        past_words = ("yesterday", "ago", "last", "past", "昨", "前天", "大前天", "上")
        future_words: tuple[str, ...]
        future_words = ("tomorrow", "tomorow", "tmr", "tmrw", "next", "in ", "later", "from now", "coming")
        future_words += ("明", "后天", "下", "以后", "之后", "后", "内", "end of", "eow", "eom", "月底", "月初")
        if self.kind == "zh_ago" or any(w in low for w in past_words):
            return "past"
        if any(w in low for w in future_words):
            return "future"
        return "either"  # today, a bare weekday ("Fri", "周五"): the caller's preference decides

    def resolve(self, local_now: datetime, prefer: Direction) -> tuple[date | None, time | None]:
        """The local date (None if not understood) and the time of day, if one was given."""
        today = local_now.date()
        if self.kind is None:
            return today, self.time_of_day
        day = _resolve_core(self.kind, self.core or "", local_now, prefer)
        tod = self.time_of_day
        if tod is None and self.core and self.core.lower() in ("tonight", "今晚", "明晚", "昨晚"):
            tod = time(19, 0)
        if tod is None and self.core and self.core in ("明早", "今早"):
            tod = time(9, 0)
        return day, tod


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _valid(month: int, day: int, year: int = 2024) -> bool:
    """Whether the day exists in the month (a leap year when no year was typed: 29 Feb is)."""
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


def impossible(expr: DateExpr) -> str | None:
    """Why a typed calendar date cannot exist ("month": no such month, "day": the month has
    no such day), or None. Checked before any parser gets to wrap it round ("32/13" is not
    13 Nov 1932)."""
    core = (expr.core or "").strip().lower()
    numbers: list[tuple[int, int, int]] = []  # (month, day, year) readings
    if expr.kind == "iso":
        y, m, d = (int(x) for x in re.split(r"[-/.]", core))
        numbers = [(m, d, y)]
    elif expr.kind == "en_abs" and re.fullmatch(r"\d{1,2}/\d{1,2}(?:/\d{2,4})?", core):
        a, b, *rest = (int(x) for x in core.split("/"))
        year = (rest[0] + 2000 if rest[0] < 100 else rest[0]) if rest else 2024
        numbers = [(a, b, year), (b, a, year)]
    elif expr.kind == "en_abs":
        month = next((i + 1 for i, m in enumerate(_MONTHS) if re.search(_BL + m, core)), None)
        day_match = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\b(?!,?\s*\d{3})", core)
        year_match = re.search(r"\d{4}", core)
        if month is None or day_match is None:
            return None
        numbers = [(month, int(day_match.group(1)), int(year_match.group(0)) if year_match else 2024)]
    elif expr.kind == "zh_abs":
        match = re.fullmatch(r"(?:(\d{2,4})年)?(" + _NUM_ZH + r")月(" + _NUM_ZH + r")[日号]?", expr.core or "")
        if not match:
            return None
        month, day = zh_number(match.group(2)), zh_number(match.group(3))
        if month is None or day is None:
            return None
        year = int(match.group(1)) if match.group(1) else 2024
        numbers = [(month, day, year + 2000 if year < 100 else year)]
    if not numbers or any(_valid(m, d, y) for m, d, y in numbers):
        return None
    return "day" if any(1 <= m <= 12 for m, _d, _y in numbers) else "month"


def _resolve_core(kind: str, core: str, local_now: datetime, prefer: Direction) -> date | None:
    today = local_now.date()
    low = core.lower().strip()
    try:
        if kind == "en_rel":
            return _en_relative(low, today)
        if kind == "en_period":
            return _en_period(low, today)
        if kind == "en_weekday":
            return _en_weekday(low, local_now, prefer)
        if kind in ("en_offset", "en_abs", "iso"):
            return _dateparser(low, local_now, "past" if prefer == "past" else "future", iso=kind == "iso")
        if kind == "zh_rel":
            return _zh_relative(core, today)
        if kind == "zh_weekday":
            return _zh_weekday(core, today, prefer)
        if kind == "zh_week":
            return _zh_week(core, today)
        if kind == "zh_month":
            return _month_edge(core, today)
        if kind == "zh_abs":
            return _zh_absolute(core, today, prefer)
        if kind == "zh_offset":
            return _zh_offset(core, today, +1)
        if kind == "zh_ago":
            return _zh_offset(core, today, -1)
    except (ValueError, OverflowError):
        return None
    return None


def _dateparser(text: str, local_now: datetime, prefer: str, *, iso: bool = False) -> date | None:
    """English dates through dateparser, relative to the rep's local now."""
    import dateparser

    settings = {
        "RELATIVE_BASE": local_now.replace(tzinfo=None),
        "PREFER_DATES_FROM": prefer,
        "RETURN_AS_TIMEZONE_AWARE": False,
        "PREFER_DAY_OF_MONTH": "first",
    }
    if iso:
        settings["DATE_ORDER"] = "YMD"
        text = re.sub(r"[/.]", "-", text)
    try:
        parsed = dateparser.parse(text, languages=["en"], settings=settings)
    except Exception:  # a third-party parser: never let its surprises reach the rep
        return None
    return parsed.date() if parsed else None


def _en_relative(low: str, today: date) -> date | None:
    if "after" in low:
        return today + timedelta(days=2)
    if "before" in low:
        return today - timedelta(days=2)
    if low == "yesterday":
        return today - timedelta(days=1)
    if low in ("today", "tonight"):
        return today
    return today + timedelta(days=1)


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _en_period(low: str, today: date) -> date | None:
    if "month" in low or low == "eom":
        if low.startswith("next month"):
            return _month_edge("下月初", today)
        if low.startswith("last month"):
            first = today.replace(day=1)
            return (first - timedelta(days=1)).replace(day=1)
        if low.startswith("this month"):
            return today.replace(day=1)
        return _month_edge("下月底" if "next" in low else "月底", today)
    # weeks start on Monday; "end of week" is its Friday
    start = _week_start(today)
    if low.startswith("next week"):
        return start + timedelta(days=7)
    if low.startswith("last week"):
        return start - timedelta(days=7)
    if low.startswith(("this week", "coming week")):
        return start
    return start + timedelta(days=(11 if "next" in low else 4))


def _en_weekday(low: str, local_now: datetime, prefer: Direction) -> date | None:
    words = low.split()
    name = words[-1][:3]
    target = _EN_WEEKDAY.get(name)
    today = local_now.date()
    if target is None:
        return None
    qualifier = words[0] if len(words) > 1 else ""
    if qualifier in ("next", "coming", "by", "until", "before"):
        parsed = _dateparser(" ".join(words[-1:]), local_now, "future")
        return parsed or _nearest(today, target, "future", include_today=False)
    if qualifier in ("last", "past"):
        return _nearest(today, target, "past", include_today=False)
    if qualifier == "this":
        return _week_start(today) + timedelta(days=target)
    if target == today.weekday():
        return today
    parsed = _dateparser(words[-1], local_now, "past" if prefer == "past" else "future")
    return parsed or _nearest(today, target, "past" if prefer == "past" else "future", include_today=True)


def _nearest(today: date, weekday: int, direction: str, *, include_today: bool) -> date:
    if direction == "past":
        back = (today.weekday() - weekday) % 7
        if back == 0 and not include_today:
            back = 7
        return today - timedelta(days=back)
    ahead = (weekday - today.weekday()) % 7
    if ahead == 0 and not include_today:
        ahead = 7
    return today + timedelta(days=ahead)


def _zh_relative(core: str, today: date) -> date:
    offsets = {"大后天": 3, "大前天": -3, "后天": 2, "前天": -2}
    for word, offset in offsets.items():
        if word in core:
            return today + timedelta(days=offset)
    if core.startswith(("明",)):
        return today + timedelta(days=1)
    if core.startswith("昨"):
        return today - timedelta(days=1)
    return today


def _week_shift(prefix: str) -> int | None:
    if prefix.startswith("下下"):
        return 14
    if prefix.startswith("下"):
        return 7
    if prefix.startswith(("这", "本")):
        return 0
    if prefix.startswith("上"):
        return -7
    return None


def _zh_weekday(core: str, today: date, prefer: Direction) -> date | None:
    last = core[-1]
    target = int(last) - 1 if last.isdigit() else _ZH_WEEKDAY.get(last)
    if target is None or not 0 <= target <= 6:
        return None
    prefix = re.split(r"周|星期|礼拜", core, maxsplit=1)[0]
    shift = _week_shift(prefix)
    if shift is None:
        return _nearest(today, target, "past" if prefer == "past" else "future", include_today=True)
    return _week_start(today) + timedelta(days=shift + target)


def _zh_week(core: str, today: date) -> date | None:
    shift = _week_shift(core) or 0
    start = _week_start(today) + timedelta(days=shift)
    return start + timedelta(days=5) if "末" in core else start


def _month_edge(core: str, today: date) -> date:
    first = today.replace(day=1)
    if "下" in core:
        first = (first + timedelta(days=32)).replace(day=1)
    if "初" in core:
        return first
    return (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _zh_absolute(core: str, today: date, prefer: Direction) -> date | None:
    match = re.fullmatch(r"(?:(\d{2,4})年)?(" + _NUM_ZH + r")月(" + _NUM_ZH + r")[日号]?", core)
    if not match:
        return None
    month, day = zh_number(match.group(2)), zh_number(match.group(3))
    if month is None or day is None:
        return None
    if match.group(1):
        year = int(match.group(1))
        year = year + 2000 if year < 100 else year
        return date(year, month, day)
    candidate = date(today.year, month, day)
    if prefer == "future" and candidate < today:
        return date(today.year + 1, month, day)
    if prefer == "past" and candidate > today:
        return date(today.year - 1, month, day)
    return candidate


def _zh_offset(core: str, today: date, sign: int) -> date | None:
    match = re.match(r"(" + _NUM_ZH + r")个?(天|日|周|星期|礼拜|月)", core)
    if not match:
        return None
    n = zh_number(match.group(1))
    if n is None:
        return None
    unit = match.group(2)
    if unit in ("周", "星期", "礼拜"):
        return today + timedelta(days=7 * n * sign)
    if unit == "月":
        month = today.month - 1 + n * sign
        year = today.year + month // 12
        month = month % 12 + 1
        return date(year, month, min(today.day, 28))
    return today + timedelta(days=n * sign)


# ----- times ---------------------------------------------------------------------------------
_PART_DEFAULT = {
    "早上": 9,
    "早晨": 9,
    "上午": 9,
    "中午": 12,
    "下午": 14,
    "傍晚": 18,
    "晚上": 19,
    "morning": 9,
    "afternoon": 14,
    "evening": 19,
}


def _working_hour(hour: int) -> int:
    """A bare '3' or '3点' in a work context means 15:00; 7–11 stay in the morning."""
    return hour + 12 if 1 <= hour <= 6 else hour


def _time_from_en(match: re.Match[str]) -> time | None:
    word = match.group("word")
    if word:
        low = " ".join(word.lower().split())
        if low in ("noon", "midday"):
            return time(12, 0)
        if low == "midnight":
            return time(0, 0)
        if low in ("eod",) or low.startswith("end of"):
            return time(18, 0)
        return time(_PART_DEFAULT[low.split()[-1]], 0)
    if match.group("h") is not None:
        hour, minute = int(match.group("h")), int(match.group("m") or 0)
        ampm = match.group("ap").lower().replace(".", "")
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    elif match.group("h2") is not None:
        hour, minute = _working_hour(int(match.group("h2"))), int(match.group("m2") or 0)
    else:
        hour, minute = int(match.group("h3")), int(match.group("m3"))
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _time_from_zh(match: re.Match[str]) -> time | None:
    if match.group("part2"):
        return time(_PART_DEFAULT[match.group("part2")], 0)
    hour = zh_number(match.group("h"))
    if hour is None:
        return None
    part = match.group("part")
    minute = 0
    if match.group("half"):
        minute = 30
    elif match.group("q"):
        minute = 15 if match.group("q") == "一刻" else 45
    elif match.group("m"):
        parsed = zh_number(match.group("m"))
        if parsed is None:
            return None
        minute = parsed
    if (part in ("下午", "晚上", "傍晚") and hour < 12) or (part == "中午" and hour < 6):
        hour += 12
    elif part is None:
        hour = _working_hour(hour)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


# Words that count from today ("tomorrow", "in 2 days", "明天", "3天后"): the rep meant "that
# many days on", not a particular day, so a due date they give that lands on a day off moves
# to the next working day. Weekday names, dates and period edges name a day: they are kept.
RELATIVE_KINDS = frozenset({"en_rel", "en_offset", "zh_rel", "zh_offset"})


def is_relative(text: str | None) -> bool:
    """Whether the date words in `text` count days from today rather than name a day."""
    return bool(text) and any(e.kind in RELATIVE_KINDS for e in find_dates(text or ""))


# ----- finding -------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    kind: str  # core kind or "time"
    value: time | None = None


def _hits(text: str) -> list[_Hit]:
    hits: list[_Hit] = []
    for pattern, kind in _CORES:
        for m in pattern.finditer(text):
            hits.append(_Hit(m.start(), m.end(), kind))
    for m in _TIME_EN.finditer(text):
        value = _time_from_en(m)
        if value is not None:
            hits.append(_Hit(m.start(), m.end(), "time", value))
    for m in _TIME_ZH.finditer(text):
        value = _time_from_zh(m)
        if value is not None:
            hits.append(_Hit(m.start(), m.end(), "time", value))
    # leftmost, then longest; drop overlaps
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    chosen: list[_Hit] = []
    for hit in hits:
        if chosen and hit.start < chosen[-1].end:
            continue
        chosen.append(hit)
    return chosen


def find_dates(text: str) -> list[DateExpr]:
    """Date/time expressions in `text`, left to right, a date and its time merged into one."""
    hits = _hits(text)
    exprs: list[DateExpr] = []
    i = 0
    while i < len(hits):
        hit = hits[i]
        start, end = hit.start, hit.end
        kind = None if hit.kind == "time" else hit.kind
        core = None if kind is None else text[hit.start : hit.end]
        tod = hit.value
        if i + 1 < len(hits):
            nxt = hits[i + 1]
            joinable = _JOIN.match(text[end : nxt.start]) is not None
            if joinable and (kind is None) != (nxt.kind == "time"):
                if nxt.kind == "time":
                    tod = nxt.value
                else:
                    kind, core = nxt.kind, text[nxt.start : nxt.end]
                end = nxt.end
                i += 1
        deadline = False
        before = _PREFIX.search(text[max(0, start - 24) : start])
        if before and (kind is not None or not before.group(0).strip().lower().startswith("on")):
            start -= len(before.group(0))
            deadline = bool(re.search(r"by|before|until|till|due|截止|最晚|later", before.group(0), re.I))
        after = _SUFFIX.match(text[end:])
        if after and kind not in ("zh_ago",):
            end += len(after.group(0))
            deadline = True
        if kind in ("zh_offset",) and core and core.endswith("内"):
            deadline = True
        exprs.append(DateExpr(start, end, text[start:end], kind, core, tod, deadline))
        i += 1
    return exprs
