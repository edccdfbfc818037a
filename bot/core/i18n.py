"""English and Chinese strings.

Each feature keeps its strings in `bot/locales/<feature>.py` as `MESSAGES = {key: (en, zh)}`,
so every string exists in both languages by construction; `t()` looks them up. A user's
language is their own choice (`/visit lang zh`) or else their Slack locale.

Counts: a template says `{count:plural:# visit|# visits}` (forms in the order of the language's
CLDR plural categories, `one|other` for English, one form for Chinese; `#` is the number) and
`t()` picks the form with Babel's plural rules; code outside the catalog calls
`plural(lang, n, one=…, other=…)` (one helper for both, so no message says "visit(s)").
Lists of names or items: `join_list(lang, items)`, "a, b, c" / "甲、乙、丙" (Chinese enumerates
with 、, never ", "); phrases in one sentence: `join_clauses`, with the full-width "，".
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import string
from collections.abc import Iterable
from datetime import date, datetime
from functools import cache
from typing import Any, Literal

from babel import Locale

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")

_WEEKDAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "zh": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
}


def lang_for(locale: str | None, override: str | None = None) -> Lang:
    """The language to answer in: the user's override, else their Slack locale, else English."""
    for candidate in (override, locale):
        if isinstance(candidate, str) and candidate:  # a forged payload may carry anything
            low = candidate.lower()
            if low.startswith("zh"):
                return "zh"
            if low.startswith("en"):
                return "en"
    return "en"


_FULL_WIDTH = {":": "：", ",": "，", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
_HAN = re.compile(r"[\u3400-\u9fff]")
# Left as written: code spans, Slack markup (<@U…>), placeholders, emoji codes, links.
_KEEP = re.compile(r"`[^`]*`|<[^>]*>|\{[^}]*\}|:[a-z0-9_+\-]+:|https?://\S+")


def chinese_punctuation(template: str) -> str:
    """A Chinese template with full-width punctuation (，：；？！（）) in place of the ASCII
    marks, except in code spans, Slack markup (`<@U…>`), placeholders, emoji codes and links,
    and between two ASCII letters or digits ("08:00", "Q1,Q2"); no space is left beside a
    full-width mark. Applied to every Chinese message when the catalog loads, so no string
    can forget it; a template with no Chinese character is left as it is."""
    if not _HAN.search(template):
        return template
    out: list[str] = []
    last = 0
    for kept in [*_KEEP.finditer(template), None]:
        stop = kept.start() if kept else len(template)
        out.append(_full_width(template, last, stop))
        if kept:
            out.append(kept.group())
            last = kept.end()
    return re.sub(r" *([，：；？！（）]) *", lambda m: m.group(1), "".join(out))


def _full_width(text: str, start: int, stop: int) -> str:
    chars = []
    for i in range(start, stop):
        ch = text[i]
        before = text[i - 1] if i > 0 else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        ascii_both = before.isascii() and before.isalnum() and after.isascii() and after.isalnum()
        chars.append(_FULL_WIDTH[ch] if ch in _FULL_WIDTH and not ascii_both else ch)
    return "".join(chars)


@cache
def catalog() -> dict[str, tuple[str, str]]:
    """All messages of all features; a key defined twice is a bug and fails loudly. Chinese
    messages get their punctuation made full-width (`chinese_punctuation`)."""
    import bot.locales as package

    merged: dict[str, tuple[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"bot.locales.{info.name}")
        for key, pair in getattr(module, "MESSAGES", {}).items():
            if key in merged:
                raise KeyError(f"message {key!r} defined twice (bot/locales/{info.name}.py)")
            merged[key] = (pair[0], chinese_punctuation(pair[1]))
    return merged


@cache
def _locale(lang: Lang) -> Locale:
    return Locale.parse("zh_Hans" if lang == "zh" else "en")


@cache
def plural_categories(lang: Lang) -> tuple[str, ...]:
    """The CLDR plural categories of `lang` in CLDR order (('one', 'other') / ('other',))."""
    order = ("zero", "one", "two", "few", "many", "other")
    rules = _locale(lang).plural_form
    return tuple(c for c in order if c in rules.tags or c == "other")


def plural_category(lang: Lang, n: float | str) -> str:
    """Babel's (CLDR) plural category of the number `n` in `lang`: 'one' for 1 in English. A
    number already formatted as text ('1', '2.5') is read back; other text is 'other'."""
    if isinstance(n, str):
        try:
            n = float(n.replace(",", ""))
        except ValueError:
            return "other"
        n = int(n) if n.is_integer() else n
    return str(_locale(lang).plural_form(abs(n)))


def plural(lang: Lang, n: float | str, /, **forms: str) -> str:
    """The form of `forms` (keyed by CLDR category: one=, other=, …) for `n` in `lang`, with
    `#` replaced by the number. `other` is required; a missing category falls back to it."""
    form = forms.get(plural_category(lang, n), forms["other"])
    return form.replace("#", str(n))


class _Formatter(string.Formatter):
    """str.format plus the `plural:` format spec (see the module docstring)."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> Any:
        if not format_spec.startswith("plural:"):
            return super().format_field(value, format_spec)
        forms = format_spec[len("plural:") :].split("|")
        categories = plural_categories(self.lang)
        if len(forms) != len(categories):
            raise ValueError(f"{len(forms)} plural forms for {self.lang} ({'|'.join(categories)}): {format_spec!r}")
        return plural(self.lang, value, **dict(zip(categories, forms, strict=True)))


_FORMATTERS: dict[str, _Formatter] = {"en": _Formatter("en"), "zh": _Formatter("zh")}


def t(lang: Lang, key: str, /, **values: object) -> str:
    """The message `key` in `lang`, formatted with `values` (plural forms chosen by Babel)."""
    en, zh = catalog()[key]
    template = zh if lang == "zh" else en
    if not values:
        return template
    if ":plural:" in template:
        return _FORMATTERS[lang].vformat(template, (), values)
    return template.format(**values)


def join_list(lang: Lang, items: Iterable[object]) -> str:
    """Items of a list in one line: 'Zhang, Li' / '张总、李工' (the enumeration comma in Chinese)."""
    return ("、" if lang == "zh" else ", ").join(str(i) for i in items)


def join_clauses(lang: Lang, parts: Iterable[object]) -> str:
    """Clauses or phrases in one sentence: 'a, b' / '甲，乙' (the full-width comma in Chinese)."""
    return ("，" if lang == "zh" else ", ").join(str(p) for p in parts)


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def weekday(lang: Lang, day: date) -> str:
    return _WEEKDAYS[lang][day.weekday()]


def format_day(lang: Lang, day: date) -> str:
    """'Fri 27 Nov 2026' / '2026年11月27日 周五'."""
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日 {weekday(lang, day)}"
    return f"{weekday(lang, day)} {day.day} {day:%b} {day.year}"


def format_when(lang: Lang, local: datetime) -> str:
    """A local datetime with its weekday: 'Fri 27 Nov 2026, 10:00'."""
    return (
        f"{format_day(lang, local.date())}, {local:%H:%M}"
        if lang == "en"
        else (f"{format_day(lang, local.date())} {local:%H:%M}")
    )


def format_amount(amount: object, currency: str = "") -> str:
    """A compact money figure: 120,000 → '120k', 1,250,000 → '1.25M'."""
    try:
        value = float(amount)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "—"
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value >= 1_000_000:
        text = f"{value / 1_000_000:.2f}".rstrip("0").rstrip(".") + "M"
    elif value >= 1_000:
        text = f"{value / 1_000:.1f}".rstrip("0").rstrip(".") + "k"
    else:
        text = f"{value:.0f}"
    return f"{sign}{text}{(' ' + currency) if currency else ''}"
