"""Money and dates as reps type them: "120k", "1.2M", "12万", "3千", "¥50,000"; "Dec", "12月".

Parsing is strict about what counts as an amount so that a title such as "A3 copiers" or a
year such as "2026 renewal" is never read as money: a figure counts when it carries a unit
(k, M, 万, 千, 亿), a currency (¥, $, 元, RMB…), thousands separators, or is at least 10,000.
After the word "amount" (金额) any figure counts.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

_UNITS: dict[str, Decimal] = {
    "k": Decimal(1_000),
    "千": Decimal(1_000),
    "m": Decimal(1_000_000),
    "mn": Decimal(1_000_000),
    "百万": Decimal(1_000_000),
    "w": Decimal(10_000),
    "万": Decimal(10_000),
    "亿": Decimal(100_000_000),
}
_CURRENCIES = {
    "¥": "CNY",
    "￥": "CNY",
    "元": "CNY",
    "块": "CNY",
    "rmb": "CNY",
    "cny": "CNY",
    "$": "USD",
    "usd": "USD",
    "€": "EUR",
    "eur": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "jpy": "JPY",
}
_AMOUNT = re.compile(
    r"^(?P<cur>[¥￥$€£]|rmb|cny|usd|eur|gbp|jpy)?\s*"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*"
    r"(?P<unit>mn|百万|[kmw千万亿])?\s*"
    r"(?P<cur2>元|块|rmb|cny|usd|eur|gbp|jpy)?$",
    re.IGNORECASE,
)
MAX_AMOUNT = Decimal("99999999999999")  # what Numeric(16, 2) holds


def parse_amount(token: str, *, loose: bool = False) -> tuple[Decimal, str | None] | None:
    """(amount, currency or None) when `token` is a sum of money, else None.

    `loose` accepts a bare small number too (after an explicit "amount" keyword).
    """
    text = token.strip().replace("，", ",").replace("．", ".")
    match = _AMOUNT.match(text)
    if not match:
        return None
    try:
        number = Decimal(match["num"].replace(",", ""))
    except InvalidOperation:
        return None
    unit = (match["unit"] or "").lower()
    currency_mark = (match["cur"] or match["cur2"] or "").lower()
    if not loose and not unit and not currency_mark and "," not in match["num"] and number < 10_000:
        return None
    value = number * _UNITS.get(unit, Decimal(1))
    if value > MAX_AMOUNT:
        return None
    return value.quantize(Decimal("0.01")), _CURRENCIES.get(currency_mark)


_MONTHS = {
    name: index
    for index in range(1, 13)
    for name in (calendar.month_name[index].lower(), calendar.month_abbr[index].lower())
}
_MONTHS["sept"] = 9
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_YEAR_MONTH = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_ZH_DATE = re.compile(r"^(?:(\d{4})年)?(\d{1,2})月(?:(\d{1,2})[日号])?(?:底|末)?$")
_DAY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?,?$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^q([1-4])$", re.IGNORECASE)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _coming(today: date, month: int, day: int | None, year: int | None) -> date | None:
    """The given month (and day) this year, or next year if it has already passed."""
    candidate_year = year or today.year
    try:
        when = date(candidate_year, month, day) if day else _month_end(candidate_year, month)
    except ValueError:
        return None
    if year is None and when < today:
        try:
            when = date(candidate_year + 1, month, day) if day else _month_end(candidate_year + 1, month)
        except ValueError:
            return None
    return when


_RELATIVE = {
    "this month": 0,
    "本月": 0,
    "这个月": 0,
    "月底": 0,
    "next month": 1,
    "下个月": 1,
    "下月": 1,
}


def parse_close_date(words: list[str], today: date) -> date | None:
    """An expected close date from one to three words: "Dec", "15 Dec", "Dec 15 2027",
    "2026-12-15", "12月", "12月15日", "next month", "Q1", "年底". Month alone = its last day."""
    text = " ".join(words).strip().lower()
    if not text:
        return None
    if text in _RELATIVE:
        month_index = today.month - 1 + _RELATIVE[text]
        return _month_end(today.year + month_index // 12, month_index % 12 + 1)
    if text in ("end of year", "year end", "年底", "年末", "今年底"):
        return date(today.year, 12, 31)
    if text in ("next week", "下周"):
        return today + timedelta(days=7 - today.weekday() + 4)
    return _numeric_close_date(text, today) or _worded_close_date(text, today)


def _numeric_close_date(text: str, today: date) -> date | None:
    """ "2026-12-15", "2026-12", "12月15日", "Q1"."""
    if m := _ISO.match(text):
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    if m := _YEAR_MONTH.match(text):
        month = int(m[2])
        return _month_end(int(m[1]), month) if 1 <= month <= 12 else None
    if m := _ZH_DATE.match(text.replace(" ", "")):
        month = int(m[2])
        if not 1 <= month <= 12:
            return None
        return _coming(today, month, int(m[3]) if m[3] else None, int(m[1]) if m[1] else None)
    if m := _QUARTER.match(text):
        return _coming(today, int(m[1]) * 3, None, None)
    return None


def _worded_close_date(text: str, today: date) -> date | None:
    """ "Dec", "15 Dec", "Dec 15 2027": a month name with an optional day and year, any order."""
    month = day = year = None
    for word in text.replace(",", " ").split():
        if word in _MONTHS and month is None:
            month = _MONTHS[word]
        elif (d := _DAY.match(word)) and day is None:
            day = int(d[1])
        elif (y := _YEAR.match(word)) and year is None:
            year = int(y[1])
        else:
            return None
    if month is None:
        return None
    return _coming(today, month, day, year)
