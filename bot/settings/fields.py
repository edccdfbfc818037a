"""The settings an admin may change: each one's key (a path into `WorkspaceConfig`), its
section of the settings modal, and how its text is read and written back.

One parser per field serves the modal and the CLI alike, so a value the CLI accepts is one the
modal accepts. Parsers raise `FieldError` with a message key (shown under the field); they
never touch the database.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.core.config import LossReason


class FieldError(ValueError):
    """A value that cannot be saved: `key` and `values` make the message under the field."""

    def __init__(self, key: str, /, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


Parse = Callable[[str], Any]
Show = Callable[[Any], str]

_SEP = re.compile(r"[\s,，、;；]+")
_LINES = re.compile(r"[\n;；]+")
_TIME = re.compile(r"^(\d{1,2})\s*[:：.]\s*(\d{2})$")
_DAYS = {
    **{name: i for i, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    **{
        name: i for i, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))
    },
    **{f"周{c}": i for i, c in enumerate("一二三四五六日")},
    **{f"星期{c}": i for i, c in enumerate("一二三四五六日")},
    "周天": 6,
    "星期天": 6,
    **{str(i + 1): i for i in range(7)},  # 1 = Monday … 7 = Sunday
}
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


def _int(lo: int, hi: int) -> Parse:
    def parse(text: str) -> int:
        cleaned = text.strip()
        if not re.fullmatch(r"\d{1,6}", cleaned) or not lo <= int(cleaned) <= hi:
            raise FieldError("settings.error.int", lo=lo, hi=hi)
        return int(cleaned)

    return parse


def _float(lo: float, hi: float) -> Parse:
    def parse(text: str) -> float:
        try:
            value = float(text.strip())
        except ValueError:
            raise FieldError("settings.error.number", lo=lo, hi=hi) from None
        if not lo <= value <= hi:
            raise FieldError("settings.error.number", lo=lo, hi=hi)
        return value

    return parse


def _show_number(value: Any) -> str:
    """5, 5.0 → "5"; 2.5 → "2.5" (JSON on PostgreSQL and SQLite may differ on 5 vs 5.0)."""
    return f"{float(value):g}"


def parse_days_list(text: str, *, lo: int = 1, hi: int = 3650) -> list[int]:
    """ "30, 90 180、365" → [30, 90, 180, 365]: 1 to 6 day counts, each larger than the last."""
    words = [w for w in _SEP.split(text.strip()) if w]
    if not words or len(words) > 6 or not all(re.fullmatch(r"\d{1,5}", w) for w in words):
        raise FieldError("settings.error.days_list", lo=lo, hi=hi)
    days = [int(w) for w in words]
    if any(not lo <= d <= hi for d in days) or days != sorted(set(days)):
        raise FieldError("settings.error.days_list", lo=lo, hi=hi)
    return days


def _show_list(value: Any) -> str:
    return ", ".join(str(v) for v in value)


def parse_role_lines(text: str) -> dict[str, list[int]]:
    """ "purchaser: 60, 180, 365" per line (a role's own thresholds); empty means none."""
    roles: dict[str, list[int]] = {}
    for number, line in enumerate((x.strip() for x in _LINES.split(text)), start=1):
        if not line:
            continue
        match = re.match(r"^([^:：]+)[:：](.*)$", line)
        role = match.group(1).strip().lower().replace(" ", "_") if match else ""
        if match is None or not _KEY.match(role):
            raise FieldError("settings.error.role_line", line=number)
        try:
            roles[role] = parse_days_list(match.group(2))
        except FieldError:
            raise FieldError("settings.error.role_line", line=number) from None
    return roles


def _show_roles(value: Any) -> str:
    return "\n".join(f"{role}: {_show_list(days)}" for role, days in value.items())


def parse_words(text: str) -> list[str]:
    """ "🌴, vacation、休假" → the words (emoji codes such as :palm_tree: too); 1 to 30 of them."""
    words = [w.strip() for w in re.split(r"[,，、;；\n]+", text) if w.strip()]
    if not words or len(words) > 30 or any(len(w) > 40 for w in words):
        raise FieldError("settings.error.words")
    return list(dict.fromkeys(words))


def parse_time(text: str) -> str:
    """ "8:45", "08：45", "8.45" → "08:45"."""
    match = _TIME.match(text.strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise FieldError("settings.error.time")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def parse_day(text: str) -> int:
    day = _DAYS.get(text.strip().lower())
    if day is None:
        raise FieldError("settings.error.day")
    return day


def parse_days(text: str) -> list[int]:
    """ "Mon-Fri", "周一至周五", "1 2 3 4 5 6" → sorted weekday numbers (0 = Monday)."""
    days: set[int] = set()
    for word in _SEP.split(text.strip()):
        if not word:
            continue
        ends = re.split(r"\s*(?:-|–|~|至|到)\s*", word.lower())
        try:
            if len(ends) == 2:
                first, last = parse_day(ends[0]), parse_day(ends[1])
                if first > last:
                    raise FieldError("settings.error.days")
                days.update(range(first, last + 1))
            elif len(ends) == 1:
                days.add(parse_day(ends[0]))
            else:
                raise FieldError("settings.error.days")
        except FieldError:
            raise FieldError("settings.error.days") from None
    if not days:
        raise FieldError("settings.error.days")
    return sorted(days)


def _show_days(value: Any) -> str:
    return " ".join(DAY_NAMES[d] for d in value)


def _show_day(value: Any) -> str:
    return DAY_NAMES[int(value)]


def parse_reasons(text: str, current: list[LossReason]) -> list[LossReason]:
    """Lines "key | English | 中文": a new key adds a reason, new words rename one, a missing
    line retires one (kept, so closed deals still show why), a retired key listed again returns."""
    listed: dict[str, LossReason] = {}
    for number, line in enumerate((x.strip() for x in text.splitlines()), start=1):
        if not line:
            continue
        parts = [p.strip() for p in re.split(r"[|｜]", line)]
        if len(parts) != 3 or not all(parts) or not _KEY.match(parts[0].lower()):
            raise FieldError("settings.error.reason_line", line=number)
        key = parts[0].lower()
        if key in listed:
            raise FieldError("settings.error.reason_twice", key=key)
        if len(parts[1]) > 75 or len(parts[2]) > 75:  # an option's text in the close modal
            raise FieldError("settings.error.reason_long", line=number)
        listed[key] = LossReason(key=key, en=parts[1], zh=parts[2])
    retired = [r.model_copy(update={"retired": True}) for r in current if r.key not in listed]
    return [*listed.values(), *retired]


def parse_stage_days(text: str, current: dict[str, int | None]) -> dict[str, int | None]:
    """Lines "D: 45" (days a deal may stay in stage D before it is reported stale) or "D: -"
    (no limit); stages not listed keep their limit."""
    days = dict(current)
    by_lower = {key.lower(): key for key in current}
    for number, line in enumerate((x.strip() for x in _LINES.split(text)), start=1):
        if not line:
            continue
        match = re.match(r"^([^:：]+)[:：]\s*(\d{1,4}|-|–|无)$", line)
        key = by_lower.get(match.group(1).strip().lower()) if match else None
        if match is None or key is None:
            raise FieldError("settings.error.stage_line", line=number, stages=", ".join(current))
        value = match.group(2)
        if value.isdigit() and not 1 <= int(value) <= 3650:
            raise FieldError("settings.error.stage_line", line=number, stages=", ".join(current))
        days[key] = int(value) if value.isdigit() else None
    return days


def _show_stage_days(value: Any) -> str:
    return "\n".join(f"{key}: {days if days is not None else '-'}" for key, days in value.items())


def show_reasons(value: Any) -> str:
    return "\n".join(f"{r['key']} | {r['en']} | {r['zh']}" for r in value if not r.get("retired"))


@dataclass(frozen=True)
class Field:
    """One setting: `key` is its dotted path in the config's JSON."""

    key: str
    section: str
    parse: Parse
    show: Show = str
    multiline: bool = False
    reasons: bool = False  # parsed against the current list (rename/retire)
    stages: bool = False  # stored on the funnel's stages, not in the config (see STAGE_DAYS)


STAGE_DAYS = "stages.max_days"  # the one setting kept on `stages` rows: {stage key: days or None}
SECTIONS: tuple[str, ...] = ("visits", "cadence", "followup", "schedule", "digest", "reasons")

FIELDS: tuple[Field, ...] = (
    Field("daily_visit_standard", "visits", _int(1, 20)),
    Field("cadence.thresholds", "cadence", parse_days_list, _show_list),
    Field("cadence.key_contact_days", "cadence", _int(1, 365)),
    Field("cadence.role_thresholds", "cadence", parse_role_lines, _show_roles, multiline=True),
    Field("follow_up.new_lead_hours", "followup", _float(0.5, 168), _show_number),
    Field("follow_up.min_contacts_before_lost", "followup", _int(1, 50)),
    Field("follow_up.prospect_decide_visits", "followup", _int(1, 20)),
    Field("stages.max_days", "followup", str, _show_stage_days, multiline=True, stages=True),
    Field("schedule.working_days", "schedule", parse_days, _show_days),
    Field("schedule.checkin_morning", "schedule", parse_time),
    Field("schedule.checkin_evening", "schedule", parse_time),
    Field("schedule.quiet_start", "schedule", parse_time),
    Field("schedule.quiet_end", "schedule", parse_time),
    Field("away_status_words", "schedule", parse_words, _show_list),
    Field("schedule.digest_time", "digest", parse_time),
    Field("schedule.weekly_digest_day", "digest", parse_day, _show_day),
    Field("schedule.recap_day", "digest", parse_day, _show_day),
    Field("schedule.recap_time", "digest", parse_time),
    Field("loss_reasons", "reasons", str, show_reasons, multiline=True, reasons=True),
    Field("win_reasons", "reasons", str, show_reasons, multiline=True, reasons=True),
)
BY_KEY: dict[str, Field] = {f.key: f for f in FIELDS}


def section_fields(section: str) -> list[Field]:
    return [f for f in FIELDS if f.section == section]


def get_path(data: dict[str, Any], key: str) -> Any:
    value: Any = data
    for part in key.split("."):
        value = value[part]
    return value


def set_path(data: dict[str, Any], key: str, value: Any) -> None:
    *parents, last = key.split(".")
    target = data
    for part in parents:
        target = target.setdefault(part, {})
    target[last] = value


def parse_field(field: Field, text: str, config: dict[str, Any]) -> Any:
    """The JSON value `text` stands for (raises FieldError)."""
    if field.stages:
        return parse_stage_days(text, dict(get_path(config, field.key)))
    if field.reasons:
        current = [LossReason.model_validate(r) for r in get_path(config, field.key)]
        return [r.model_dump(mode="json") for r in parse_reasons(text, current)]
    return field.parse(text)


def check_together(values: dict[str, Any], config: dict[str, Any]) -> dict[str, FieldError]:
    """Rules across fields: quiet hours must leave a window, check-ins fall inside it."""

    def pick(key: str) -> Any:
        return values[key] if key in values else get_path(config, key)

    errors: dict[str, FieldError] = {}
    start, end = pick("schedule.quiet_start"), pick("schedule.quiet_end")
    if start >= end:
        errors["schedule.quiet_end"] = FieldError("settings.error.quiet_window")
    elif any(
        k in values
        for k in ("schedule.quiet_start", "schedule.quiet_end", "schedule.checkin_morning", "schedule.checkin_evening")
    ):
        for key in ("schedule.checkin_morning", "schedule.checkin_evening"):
            if not start <= pick(key) <= end:
                errors[key] = FieldError("settings.error.outside_quiet", start=start, end=end)
    if "loss_reasons" in values and not any(not r.get("retired") for r in values["loss_reasons"]):
        errors["loss_reasons"] = FieldError("settings.error.no_loss_reason")
    return errors
