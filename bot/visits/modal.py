"""The visit form (modal): building it, prefilled or empty, and reading a submission.

Pure functions: the handlers open the view and pass the submitted `state.values` here. The
rep's language and time zone travel in the view's private metadata (set when we opened it for
them), so a submission can be validated, and errors shown inline on their fields, before any
database work, right in the ack.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from bot.core.clock import zone
from bot.core.i18n import Lang, t
from bot.ui import blocks as bk
from bot.ui.split import split_text
from bot.visits.ops import ContactInput, VisitInput
from bot.visits.parse import CHANNELS, DEFAULT_DUE_TIME, FAR_FUTURE, FAR_PAST, clean_phrase, parse_names

CALLBACK = "visit_form"
FOLLOW_UP_CALLBACK = "visit_follow_up"
MAX_LEVEL_BLOCKS = 20
MAX_NEW_CONTACTS = 20
PART_SIZE = 2_800  # a long text's parts leave room to type within Slack's 3,000 per field
LONG_FIELDS = {"purpose": 500, "notes": 3_000, "next_step": 500}  # field → size for new text
MAX_PARTS = {"purpose": 3, "notes": 10, "next_step": 3}
PART_SEP = "__"


class TooLongToEdit(Exception):
    """A stored text needs more parts than the form can show: refuse to open, never cut."""

    message_key = "visit.modal.too_long"


@dataclass
class FormMeta:
    """What the form carries between opening and submission (private_metadata)."""

    lang: Lang = "en"
    tz: str = "UTC"
    visit_id: int | None = None  # editing this visit
    day: str | None = None  # the edited visit's local date (unchanged date: keep its time)
    channel_id: str | None = None  # where to answer after saving
    message_channel: str | None = None  # message shortcut: the message the visit came from
    message_ts: str | None = None
    source: str = "modal"
    meeting_id: int | None = None  # opened from a calendar meeting's prompt (bot/calendar)
    at: str | None = None  # that meeting's start (UTC ISO): the visit's time when its day is kept
    home: str | None = None  # opened from the App Home: the tab's state, re-published after saving

    def encode(self) -> str:
        data = {
            "l": self.lang,
            "tz": self.tz,
            "v": self.visit_id,
            "d": self.day,
            "ch": self.channel_id,
            "mc": self.message_channel,
            "ts": self.message_ts,
            "s": self.source,
            "m": self.meeting_id,
            "at": self.at,
            "h": self.home,
        }
        return json.dumps({k: v for k, v in data.items() if v is not None}, separators=(",", ":"))

    @classmethod
    def decode(cls, raw: str | None) -> FormMeta:
        try:
            data = json.loads(raw or "{}")
            if not isinstance(data, dict):
                return cls()
            visit_id = data.get("v")
            meeting_id = data.get("m")
            return cls(
                lang="zh" if data.get("l") == "zh" else "en",
                tz=str(data.get("tz") or "UTC")[:64],
                visit_id=int(visit_id) if visit_id is not None else None,
                day=str(data["d"]) if data.get("d") else None,
                channel_id=str(data["ch"]) if data.get("ch") else None,
                message_channel=str(data["mc"]) if data.get("mc") else None,
                message_ts=str(data["ts"]) if data.get("ts") else None,
                source=str(data.get("s") or "modal")[:16],
                meeting_id=int(meeting_id) if meeting_id is not None else None,
                at=str(data["at"])[:40] if data.get("at") else None,
                home=str(data["h"])[:32] if data.get("h") is not None else None,
            )
        except (ValueError, TypeError):
            return cls()


@dataclass
class FormState:
    """What the form shows."""

    account: tuple[str, str] | None = None  # (option value "a:<id>" or "new:<name>", label)
    contacts: list[tuple[int, str]] = field(default_factory=list)  # (id, label)
    levels: dict[int, int] = field(default_factory=dict)  # contact id → level shown
    new_contacts: str = ""
    channel: str = "in_person"
    day: date | None = None
    purpose: str = ""
    notes: str = ""
    next_step: str = ""
    due_day: date | None = None
    due_time: str | None = None
    permalink: str | None = None


def _level_options(lang: Lang) -> list[dict[str, Any]]:
    return [bk.option(t(lang, f"visit.level.{n}"), str(n)) for n in range(6)]


def long_text_blocks(lang: Lang, block_id: str, action_id: str, value: str) -> list[bk.Block]:
    """A text field that shows all of `value`: one field when it fits the usual size, else
    as many fields as it needs ("Notes (2/3)"), read back joined by `read_long_text`."""
    size = LONG_FIELDS[block_id]
    label = t(lang, f"visit.modal.{block_id}")
    if len(value) <= size:
        return [
            bk.input_block(
                block_id,
                label,
                bk.text_input(action_id, initial=value, multiline=block_id == "notes", max_length=size),
                optional=True,
            )
        ]
    parts = split_text(value, PART_SIZE)
    if len(parts) > MAX_PARTS[block_id]:
        raise TooLongToEdit(block_id)
    return [
        bk.input_block(
            block_id if i == 0 else f"{block_id}{PART_SEP}{i + 1}",
            t(lang, "visit.modal.part", label=label, part=i + 1, parts=len(parts)),
            bk.text_input(action_id, initial=part, multiline=True),
            optional=True,
        )
        for i, part in enumerate(parts)
    ]


def read_long_text(values: dict[str, Any], block_id: str) -> str | None:
    """A long text field's parts joined as typed (each part keeps its own spaces)."""
    parts = [str(_value(values, block_id).get("value") or "")]
    n = 2
    while f"{block_id}{PART_SEP}{n}" in values:
        parts.append(str(_value(values, f"{block_id}{PART_SEP}{n}").get("value") or ""))
        n += 1
    return clean_text("".join(parts)) or None


def visit_form(lang: Lang, state: FormState, meta: FormMeta, *, today: date) -> dict[str, Any]:
    """The visit modal, prefilled with `state`."""
    levels = _level_options(lang)
    channels = [bk.option(t(lang, f"visit.channel.{c}"), c) for c in CHANNELS]
    account_initial = bk.option(state.account[1], state.account[0]) if state.account else None
    contact_initial = [bk.option(label, f"c:{cid}") for cid, label in state.contacts]
    blocks: list[bk.Block] = [
        bk.input_block(
            "account",
            t(lang, "visit.modal.account"),
            bk.external_select(
                "visit_account",
                placeholder=t(lang, "visit.modal.account_placeholder"),
                initial=account_initial,
                min_query_length=0,
            ),
        ),
        bk.input_block(
            "contacts",
            t(lang, "visit.modal.contacts"),
            bk.external_select(
                "visit_contacts",
                placeholder=t(lang, "visit.modal.contacts_placeholder"),
                multi=True,
                initial_many=contact_initial or None,
                min_query_length=0,
            ),
            optional=True,
            dispatch_action=True,
        ),
    ]
    for cid, label in state.contacts[:MAX_LEVEL_BLOCKS]:
        current = state.levels.get(cid)
        blocks.append(
            bk.input_block(
                f"level_{cid}",
                t(lang, "visit.modal.level_for", name=label),
                bk.static_select(
                    "visit_level",
                    levels,
                    initial=levels[current] if current is not None and 0 <= current <= 5 else None,
                ),
                optional=True,
                hint=t(lang, "visit.modal.level_hint"),
            )
        )
    blocks += [
        bk.input_block(
            "new_contacts",
            t(lang, "visit.modal.new_contacts"),
            bk.text_input("visit_new_contacts", initial=state.new_contacts, max_length=1000),
            optional=True,
            hint=t(lang, "visit.modal.new_contacts_hint"),
        ),
        bk.input_block(
            "new_level",
            t(lang, "visit.modal.level_new"),
            bk.static_select("visit_level", levels),
            optional=True,
            hint=t(lang, "visit.modal.level_hint"),
        ),
        bk.input_block(
            "channel",
            t(lang, "visit.modal.channel"),
            bk.static_select("visit_channel", channels, initial=channels[CHANNELS.index(state.channel)]),
        ),
        bk.input_block(
            "date",
            t(lang, "visit.modal.date"),
            bk.date_picker("visit_date", initial=(state.day or today).isoformat()),
        ),
    ]
    blocks += long_text_blocks(lang, "purpose", "visit_purpose", state.purpose)
    blocks += long_text_blocks(lang, "notes", "visit_notes", state.notes)
    blocks += long_text_blocks(lang, "next_step", "visit_next_step", state.next_step)
    blocks += [
        bk.input_block(
            "next_due_date",
            t(lang, "visit.modal.due_date"),
            bk.date_picker("visit_due_date", initial=state.due_day.isoformat() if state.due_day else None),
            optional=True,
        ),
        bk.input_block(
            "next_due_time",
            t(lang, "visit.modal.due_time"),
            bk.time_picker("visit_due_time", initial=state.due_time or DEFAULT_DUE_TIME.strftime("%H:%M")),
            optional=True,
        ),
    ]
    if state.permalink:
        blocks.append(bk.context(t(lang, "visit.modal.from_message", link=state.permalink)))
    title = "visit.modal.edit_title" if meta.visit_id else "visit.modal.title"
    return bk.modal(
        lang,
        t(lang, title),
        blocks,
        callback_id=CALLBACK,
        private_metadata=meta.encode(),
    )


def with_contact_levels(view: dict[str, Any], lang: Lang, selected: list[tuple[int, str]]) -> dict[str, Any]:
    """The open form again with one level field per selected contact (after the contacts
    field changed); everything else, and what was typed, stays (same block and action ids)."""
    keep = ("type", "callback_id", "title", "submit", "close", "private_metadata")
    blocks = [b for b in view.get("blocks") or [] if not str(b.get("block_id", "")).startswith("level_")]
    at = next((i + 1 for i, b in enumerate(blocks) if b.get("block_id") == "contacts"), len(blocks))
    levels = _level_options(lang)
    new_blocks = [
        bk.input_block(
            f"level_{cid}",
            t(lang, "visit.modal.level_for", name=label),
            bk.static_select("visit_level", levels),
            optional=True,
            hint=t(lang, "visit.modal.level_hint"),
        )
        for cid, label in selected[:MAX_LEVEL_BLOCKS]
    ]
    updated = {k: view[k] for k in keep if k in view}
    updated["blocks"] = blocks[:at] + new_blocks + blocks[at:]
    return updated


# ----- reading a submission --------------------------------------------------------------------
@dataclass
class FormInput:
    visit: VisitInput
    errors: dict[str, str]


def _value(values: dict[str, Any], block: str) -> dict[str, Any]:
    element = (values.get(block) or {}).values()
    return next(iter(element), {}) or {}


def _selected(values: dict[str, Any], block: str) -> str | None:
    option = _value(values, block).get("selected_option") or {}
    return option.get("value") if isinstance(option, dict) else None


def _typed(values: dict[str, Any], block: str) -> str:
    return clean_text(_value(values, block).get("value") or "")


def clean_text(text: str) -> str:
    return str(text).strip()


def _int_after(prefix: str, value: str | None) -> int | None:
    if not value or not value.startswith(prefix):
        return None
    try:
        return int(value[len(prefix) :])
    except ValueError:
        return None


def _local(day: date, at: time, tz: str) -> datetime:
    return datetime.combine(day, at, tzinfo=zone(tz)).astimezone(UTC)


def _meeting_start(meta: FormMeta) -> datetime | None:
    if meta.visit_id is not None or not meta.at:
        return None
    try:
        start = datetime.fromisoformat(meta.at)
    except ValueError:
        return None
    return start if start.tzinfo is not None else None


def read_visit_form(values: dict[str, Any], meta: FormMeta, now: datetime) -> FormInput:
    """The submitted form as a VisitInput, and the errors to show on their fields."""
    lang, tz = meta.lang, meta.tz
    errors: dict[str, str] = {}
    today = now.astimezone(zone(tz)).date()

    account_value = _selected(values, "account")
    account_id = _int_after("a:", account_value)
    new_account = account_value[4:] if account_value and account_value.startswith("new:") else None
    if account_id is None and not clean_phrase(new_account or ""):
        errors["account"] = t(lang, "visit.modal.error.account")

    contacts = _form_contacts(values, lang, errors)
    channel = _selected(values, "channel") or "in_person"
    channel = channel if channel in CHANNELS else "in_person"
    occurred_at = _form_occurred_at(values, meta, now, today, errors)
    next_step, due = _form_next_step(values, lang, tz, now, errors)

    visit = VisitInput(
        account_id=account_id,
        new_account_name=clean_phrase(new_account or "")[:200] or None,
        channel=channel,
        contacts=tuple(contacts),
        occurred_at=occurred_at,
        purpose=read_long_text(values, "purpose"),
        notes=read_long_text(values, "notes"),
        next_step=next_step or None,
        next_due=due,
        source=meta.source if meta.source in ("modal", "shortcut") else "modal",
    )
    return FormInput(visit, errors)


def _form_contacts(values: dict[str, Any], lang: Lang, errors: dict[str, str]) -> list[ContactInput]:
    """The contacts ticked (each with the level picked beside it) and the new names typed; one
    step of `read_visit_form`, split out so each part of the form reads on its own."""
    levels: dict[int, int] = {}
    for block_id in values:
        cid = _int_after("level_", block_id)
        level = _selected(values, block_id)
        if cid is not None and level is not None and level.isdigit():
            levels[cid] = int(level)
    selected = _value(values, "contacts").get("selected_options") or []
    contacts = []
    for option in selected:
        cid = _int_after("c:", (option or {}).get("value"))
        if cid is not None:
            contacts.append(ContactInput(contact_id=cid, level=levels.get(cid)))
    new_level_value = _selected(values, "new_level")
    new_level = int(new_level_value) if new_level_value and new_level_value.isdigit() else None
    names_text = _typed(values, "new_contacts")
    names = parse_names(names_text)
    if len(names) > MAX_NEW_CONTACTS:
        errors["new_contacts"] = t(lang, "visit.modal.error.new_contacts")
    contacts += [ContactInput(name=c.name, role=c.role, title=c.title, level=new_level) for c in names]
    return contacts


def _form_occurred_at(
    values: dict[str, Any], meta: FormMeta, now: datetime, today: date, errors: dict[str, str]
) -> datetime | None:
    """When the visit happened: None keeps an edited visit's time (or means now); the date
    picked may not be in the future or too far back."""
    lang, tz = meta.lang, meta.tz
    occurred_at: datetime | None = None
    day_text = _value(values, "date").get("selected_date")
    try:
        day = date.fromisoformat(day_text) if day_text else today
    except ValueError:
        day, errors["date"] = today, t(lang, "visit.modal.error.date")
    if day > today:
        errors["date"] = t(lang, "visit.modal.error.date_future")
    elif today - day > FAR_PAST:
        errors["date"] = t(lang, "visit.modal.error.date_old")
    elif meta.visit_id is not None and meta.day == day.isoformat():
        occurred_at = None  # editing, date unchanged: keep the visit's time
    elif meta.visit_id is not None and day == today:
        occurred_at = now
    elif (start := _meeting_start(meta)) is not None and start.astimezone(zone(tz)).date() == day:
        occurred_at = start  # a calendar meeting, its day kept: the visit is when the meeting was
    elif day != today:
        occurred_at = _local(day, time(12, 0), tz)
    return occurred_at


def _form_next_step(
    values: dict[str, Any], lang: Lang, tz: str, now: datetime, errors: dict[str, str]
) -> tuple[str, datetime | None]:
    """The next step and its due time: a due date needs a time in the future (not too far), and
    a next step needs a due date."""
    next_step = read_long_text(values, "next_step") or ""
    due_text = _value(values, "next_due_date").get("selected_date")
    time_text = _value(values, "next_due_time").get("selected_time")
    due: datetime | None = None
    if due_text:
        try:
            at = time.fromisoformat(time_text) if time_text else DEFAULT_DUE_TIME
            due = _local(date.fromisoformat(due_text), at, tz)
        except ValueError:
            errors["next_due_date"] = t(lang, "visit.modal.error.date")
        if due is not None and due <= now:
            errors["next_due_date"] = t(lang, "visit.modal.error.due_past")
        elif due is not None and due - now > FAR_FUTURE:
            errors["next_due_date"] = t(lang, "visit.modal.error.due_far")
        if not next_step:
            next_step = t(lang, "visit.default_step")
    elif next_step:
        errors["next_due_date"] = t(lang, "visit.modal.error.due_needed")
    return next_step, due


# ----- the follow-up form ----------------------------------------------------------------------
def follow_up_form(lang: Lang, meta: FormMeta, *, today: date) -> dict[str, Any]:
    blocks = [
        bk.input_block("fu_text", t(lang, "visit.follow_up.text"), bk.text_input("visit_fu_text", max_length=500)),
        bk.input_block(
            "fu_date",
            t(lang, "visit.follow_up.due_date"),
            bk.date_picker("visit_fu_date", initial=(today + timedelta(days=1)).isoformat()),
        ),
        bk.input_block(
            "fu_time",
            t(lang, "visit.modal.due_time"),
            bk.time_picker("visit_fu_time", initial=DEFAULT_DUE_TIME.strftime("%H:%M")),
            optional=True,
        ),
    ]
    return bk.modal(
        lang,
        t(lang, "visit.follow_up.title"),
        blocks,
        callback_id=FOLLOW_UP_CALLBACK,
        private_metadata=meta.encode(),
    )


def read_follow_up_form(
    values: dict[str, Any], meta: FormMeta, now: datetime
) -> tuple[str, datetime | None, dict[str, str]]:
    lang = meta.lang
    text = _typed(values, "fu_text")
    day_text = _value(values, "fu_date").get("selected_date")
    time_text = _value(values, "fu_time").get("selected_time")
    errors: dict[str, str] = {}
    due = None
    try:
        at = time.fromisoformat(time_text) if time_text else DEFAULT_DUE_TIME
        due = _local(date.fromisoformat(day_text or ""), at, meta.tz)
    except ValueError:
        errors["fu_date"] = t(lang, "visit.modal.error.due_needed")
    if due is not None and due <= now:
        errors["fu_date"] = t(lang, "visit.modal.error.due_past")
    elif due is not None and due - now > FAR_FUTURE:
        errors["fu_date"] = t(lang, "visit.modal.error.due_far")
    return text or t(lang, "visit.default_step"), due, errors


def local_today(now: datetime, tz: str) -> date:
    return now.astimezone(zone(tz)).date()
