"""The settings modals (a section picker, then one modal per section, well inside Slack's
100-block limit) and the replies: what was saved, and the history of changes."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.i18n import Lang, format_when, t
from bot.settings.fields import BY_KEY, SECTIONS, FieldError, get_path, section_fields
from bot.settings.ops import Change
from bot.settings.team import CHANNEL, TEAM_KEYS, show_value
from bot.ui import blocks as bk
from bot.ui.reply import Reply

PICK_CALLBACK = "settings_pick"
SECTION_CALLBACK = "settings_section"
TEAM_CALLBACK = "settings_team"
VALUE_ACTION = "v"
MAX_SHOWN = 60  # characters of an old or new value in a history line


def picker_modal(lang: Lang, response_url: str | None = None) -> dict[str, Any]:
    """Which section to edit: one modal per section keeps each one short."""
    options = [bk.option(t(lang, f"settings.section.{s}"), s) for s in SECTIONS]
    block = bk.input_block("section", t(lang, "settings.pick_label"), bk.static_select("pick", options))
    meta = {"l": lang, **({"ru": response_url} if response_url else {})}
    return bk.modal(
        lang,
        t(lang, "settings.title"),
        [block],
        callback_id=PICK_CALLBACK,
        submit=t(lang, "settings.next"),
        private_metadata=json.dumps(meta, separators=(",", ":")),
    )


def section_modal(lang: Lang, section: str, config: dict[str, Any], response_url: str | None = None) -> dict[str, Any]:
    """One section's fields, filled with the current values."""
    blocks = [bk.context(t(lang, f"settings.intro.{section}"))]
    for field in section_fields(section):
        element = bk.text_input(
            VALUE_ACTION, multiline=field.multiline, initial=field.show(get_path(config, field.key))
        )
        blocks.append(
            bk.input_block(
                field.key,
                t(lang, f"settings.label.{field.key}"),
                element,
                optional=field.multiline,
                hint=t(lang, f"settings.hint.{field.key}"),
            )
        )
    meta = {"l": lang, "s": section, **({"ru": response_url} if response_url else {})}
    return bk.modal(
        lang,
        t(lang, f"settings.section.{section}"),
        blocks,
        callback_id=SECTION_CALLBACK,
        private_metadata=json.dumps(meta, separators=(",", ":")),
    )


def team_modal(
    lang: Lang, team: str, values: dict[str, Any], manager_user_id: str | None, response_url: str | None = None
) -> dict[str, Any]:
    """A sales team's own digest channel, days and times (filled with what is in force)."""
    blocks = [bk.context(t(lang, "settings.intro.team", team=bk.escape(team)))]
    for key in TEAM_KEYS:
        if key == CHANNEL:
            element = bk.channels_select(VALUE_ACTION, initial=values.get(CHANNEL))
        else:
            element = bk.text_input(VALUE_ACTION, initial=show_value(key, values[key]))
        hint = t(lang, "settings.hint.team.digest_channel") if key == CHANNEL else t(lang, f"settings.hint.{key}")
        label = t(lang, f"settings.label.{key}")
        blocks.append(bk.input_block(key, label, element, optional=key == CHANNEL, hint=hint))
    meta = {"l": lang, "m": manager_user_id or "", **({"ru": response_url} if response_url else {})}
    return bk.modal(
        lang,
        t(lang, "settings.section.team"),
        blocks,
        callback_id=TEAM_CALLBACK,
        private_metadata=json.dumps(meta, separators=(",", ":")),
    )


def team_form_texts(values: dict[str, Any]) -> dict[str, str]:
    """The submitted team form as texts (the channel picker's id; '' when cleared)."""
    texts: dict[str, str] = {}
    for key in TEAM_KEYS:
        state = (values.get(key) or {}).get(VALUE_ACTION) or {}
        raw = state.get("selected_channel") if key == CHANNEL else state.get("value")
        texts[key] = raw if isinstance(raw, str) else ""
    return texts


def form_texts(section: str, values: dict[str, Any]) -> dict[str, str]:
    """The submitted text of each of the section's fields (state values → key: text)."""
    texts: dict[str, str] = {}
    for field in section_fields(section):
        raw = ((values.get(field.key) or {}).get(VALUE_ACTION) or {}).get("value")
        texts[field.key] = raw if isinstance(raw, str) else ""
    return texts


def field_errors(lang: Lang, errors: dict[str, FieldError]) -> dict[str, str]:
    return {key: t(lang, exc.key, **exc.values) for key, exc in errors.items()}


def _value(key: str, value: Any) -> str:
    field = BY_KEY.get(key)
    if value is None:
        return "–"
    if key == CHANNEL:
        return f"<#{value}>"
    if field is None:  # holidays: {"day", "name"} or a loaded region {"region", "year", "days"}
        if isinstance(value, dict) and "region" in value:
            return bk.clip(f"{value['region']} {value['year']} (+{value['days']})", MAX_SHOWN)
        if isinstance(value, dict):
            return bk.clip(f"{value.get('day', '')} {value.get('name', '')}".strip(), MAX_SHOWN)
        return bk.clip(str(value), MAX_SHOWN)
    if field.reasons:  # a list: say only what is active, on one line
        text = ", ".join(r.get("en", "") for r in value if not r.get("retired"))
    else:
        text = field.show(value).replace("\n", "; ")
    return bk.clip(text or "–", MAX_SHOWN)


def change_line(lang: Lang, change: Change) -> str:
    known = change.key in BY_KEY or change.key in ("holidays", CHANNEL)
    label = t(lang, f"settings.label.{change.key}") if known else change.key
    if change.team:
        label = f"{t(lang, 'settings.team.prefix', team=bk.escape(change.team))} {label}"
    old, new = _value(change.key, change.old), _value(change.key, change.new)
    if change.key == CHANNEL:  # a channel mention must stay a mention
        return f"{label}: {old} → {new}"
    return f"{label}: {bk.escape(old)} → {bk.escape(new)}"


def saved_reply(lang: Lang, changes: list[Change]) -> Reply:
    if not changes:
        return Reply(t(lang, "settings.unchanged"), [bk.section(t(lang, "settings.unchanged"))])
    lines = [f"• {change_line(lang, c)}" for c in changes]
    head = t(lang, "settings.saved", count=len(changes))
    text = head + "\n" + "\n".join(lines)
    return Reply(text, [bk.section(text)])


def history_reply(lang: Lang, changes: list[Change], tz: str) -> Reply:
    if not changes:
        return Reply(t(lang, "settings.history.empty"), [bk.section(t(lang, "settings.history.empty"))])
    lines = []
    for change in changes:
        when = format_when(lang, (change.at or datetime.min).astimezone(ZoneInfo(tz)))
        who = t(lang, "settings.history.cli") if change.source == "cli" else f"<@{change.by}>"
        lines.append(f"• {when} · {who} · {change_line(lang, change)}")
    head = t(lang, "settings.history.head", count=len(changes))
    blocks = [bk.section(head), *(bk.section(line) for line in lines)]
    return Reply(head + "\n" + "\n".join(lines), blocks)
