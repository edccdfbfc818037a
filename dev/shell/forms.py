"""Block Kit element state in Slack's own shape: initial values, typed values, descriptions.

A modal submission carries `view.state.values[block_id][action_id]` with a different key per
element type (`value`, `selected_option`, `selected_options`, `selected_date`, …). This module
builds exactly those from an element's initial values and from what the user types in the
shell (`:set 3 Ricoh`, `:set date tomorrow`, `:set contacts 1,3`), so the app receives what
Slack would send.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.core.clock import zone

Json = dict[str, Any]

MULTI_SEPARATORS = (",", ",", "、", ";", ";")


class FieldError(ValueError):
    """What the user typed does not fit the field; the message says what would."""


def element_options(element: Json) -> list[Json]:
    """The element's options, option groups flattened (empty for external selects)."""
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options.extend(group.get("options") or [])
    return options


def option_text(option: Json) -> str:
    return str((option.get("text") or {}).get("text") or option.get("value") or "")


def initial_state(element: Json) -> Json:
    """The state Slack reports for an element nobody has touched."""
    kind = str(element.get("type"))
    state: Json = {"type": kind}
    if kind in ("plain_text_input", "email_text_input", "url_text_input", "number_input"):
        state["value"] = element.get("initial_value")
    elif kind in ("static_select", "external_select", "radio_buttons", "overflow"):
        state["selected_option"] = element.get("initial_option")
    elif kind in ("multi_static_select", "multi_external_select", "checkboxes"):
        state["selected_options"] = list(element.get("initial_options") or [])
    elif kind == "datepicker":
        state["selected_date"] = element.get("initial_date")
    elif kind == "timepicker":
        state["selected_time"] = element.get("initial_time")
    elif kind == "datetimepicker":
        state["selected_date_time"] = element.get("initial_date_time")
    elif kind == "users_select":
        state["selected_user"] = element.get("initial_user")
    elif kind == "multi_users_select":
        state["selected_users"] = list(element.get("initial_users") or [])
    elif kind == "conversations_select":
        state["selected_conversation"] = element.get("initial_conversation")
    elif kind == "multi_conversations_select":
        state["selected_conversations"] = list(element.get("initial_conversations") or [])
    elif kind == "channels_select":
        state["selected_channel"] = element.get("initial_channel")
    elif kind == "multi_channels_select":
        state["selected_channels"] = list(element.get("initial_channels") or [])
    return state


def describe_state(state: Json, user_name: Callable[[str], str] = str, channel_name: Callable[[str], str] = str) -> str:
    """What a field currently holds, as the user would read it ('' when empty)."""
    if state.get("value"):
        return str(state["value"])
    if state.get("selected_option"):
        return option_text(state["selected_option"])
    if state.get("selected_options"):
        return ", ".join(option_text(o) for o in state["selected_options"])
    for key in ("selected_date", "selected_time"):
        if state.get(key):
            return str(state[key])
    if state.get("selected_date_time"):
        return datetime.fromtimestamp(int(state["selected_date_time"])).isoformat(timespec="minutes")
    if state.get("selected_user"):
        return "@" + user_name(state["selected_user"])
    if state.get("selected_users"):
        return ", ".join("@" + user_name(u) for u in state["selected_users"])
    for key in ("selected_conversation", "selected_channel"):
        if state.get(key):
            return "#" + channel_name(state[key])
    for key in ("selected_conversations", "selected_channels"):
        if state.get(key):
            return ", ".join("#" + channel_name(c) for c in state[key])
    return ""


def split_many(raw: str) -> list[str]:
    """'1, 3' or '王总、刘芳' → the items."""
    parts = [raw]
    for sep in MULTI_SEPARATORS:
        parts = [piece for part in parts for piece in part.split(sep)]
    return [p.strip() for p in parts if p.strip()]


def choose_option(options: list[Json], raw: str) -> Json:
    """The option the user means: its number, its exact text or value, or a unique prefix."""
    raw = raw.strip()
    if raw.isdigit() and 1 <= int(raw) <= len(options):
        return options[int(raw) - 1]
    low = raw.casefold()
    for option in options:
        if low in (option_text(option).casefold(), str(option.get("value", "")).casefold()):
            return option
    matches = [o for o in options if option_text(o).casefold().startswith(low)]
    if not matches:
        matches = [o for o in options if low in option_text(o).casefold()]
    if len(matches) == 1:
        return matches[0]
    names = ", ".join(f"{i}) {option_text(o)}" for i, o in enumerate(options, 1))
    if matches:
        raise FieldError(f"{raw!r} matches several options; pick one by number: {names}")
    raise FieldError(f"no option {raw!r}; choose one of: {names}")


def parse_date(raw: str, today: date) -> date:
    """YYYY-MM-DD, today, tomorrow, yesterday, +3d / -2d, or a weekday name (the next one)."""
    text = raw.strip().lower()
    words = {"today": 0, "今天": 0, "tomorrow": 1, "明天": 1, "yesterday": -1, "昨天": -1}
    if text in words:
        return today + timedelta(days=words[text])
    if text[:1] in "+-" and text[1:].rstrip("d").isdigit():
        return today + timedelta(days=int(text.rstrip("d")))
    weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    if text[:3] in weekdays and text.isalpha():
        ahead = (weekdays.index(text[:3]) - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FieldError(f"{raw!r} is not a date: try 2026-11-24, today, tomorrow, +3d or fri") from None


def parse_value(
    element: Json,
    raw: str,
    *,
    today: date,
    tz: str,
    find_user: Callable[[str], str | None],
    search: Callable[[str], list[Json]] | None = None,
) -> Json:
    """The state for `element` after the user typed `raw` (empty: clear the field)."""
    kind = str(element.get("type"))
    state = {"type": kind}
    raw = raw.strip()
    if kind in ("plain_text_input", "email_text_input", "url_text_input", "number_input"):
        value = raw.replace("\\n", "\n") or None
        if value and kind == "number_input":
            try:
                float(value)
            except ValueError:
                raise FieldError(f"{raw!r} is not a number") from None
        state["value"] = value
        return state
    if kind in ("static_select", "radio_buttons", "overflow"):
        state["selected_option"] = choose_option(element_options(element), raw) if raw else None
        return state
    if kind in ("multi_static_select", "checkboxes"):
        options = element_options(element)
        state["selected_options"] = [choose_option(options, item) for item in split_many(raw)]
        return state
    if kind in ("external_select", "multi_external_select"):
        return _external_value(kind, raw, state, search)
    if kind in ("datepicker", "timepicker", "datetimepicker"):
        return _picked_value(kind, raw, state, today=today, tz=tz)
    if kind in ("users_select", "multi_users_select"):
        users = [_user(find_user, item) for item in split_many(raw)]
        if kind == "users_select":
            state["selected_user"] = users[0] if users else None
        else:
            state["selected_users"] = users
        return state
    if kind in ("conversations_select", "channels_select"):
        key = "selected_conversation" if kind.startswith("conv") else "selected_channel"
        state[key] = raw.lstrip("#") or None
        return state
    if kind in ("multi_conversations_select", "multi_channels_select"):
        key = "selected_conversations" if "conv" in kind else "selected_channels"
        state[key] = [item.lstrip("#") for item in split_many(raw)]
        return state
    raise FieldError(f"the shell cannot fill a {kind} field")


def _external_value(kind: str, raw: str, state: Json, search: Callable[[str], list[Json]] | None) -> Json:
    """An external select: each typed item is looked up the way Slack would, through the app's
    options handler (`search`). Split from `parse_value` to keep it short."""
    if search is None:
        raise FieldError("this field searches as you type; nothing to search with here")
    chosen = [_search_one(search, item) for item in (split_many(raw) if kind.startswith("multi") else [raw])]
    if kind.startswith("multi"):
        state["selected_options"] = chosen if raw else []
    else:
        state["selected_option"] = chosen[0] if raw else None
    return state


def _picked_value(kind: str, raw: str, state: Json, *, today: date, tz: str) -> Json:
    """A date, time or date-and-time picker, in the format Slack sends for each (a date-time is
    a Unix timestamp, a naive one read in the user's zone). Split from `parse_value`."""
    if kind == "datepicker":
        state["selected_date"] = parse_date(raw, today).isoformat() if raw else None
        return state
    if kind == "timepicker":
        if raw:
            try:
                state["selected_time"] = time.fromisoformat(raw).strftime("%H:%M")
            except ValueError:
                raise FieldError(f"{raw!r} is not a time: try 08:45") from None
        else:
            state["selected_time"] = None
        return state
    if not raw:
        state["selected_date_time"] = None
        return state
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        raise FieldError(f"{raw!r} is not a date and time: try 2026-11-24T09:15") from None
    state["selected_date_time"] = int((when if when.tzinfo else when.replace(tzinfo=zone(tz))).timestamp())
    return state


def _search_one(search: Callable[[str], list[Json]], query: str) -> Json:
    options = search(query)
    if not options:
        raise FieldError(f"nothing found for {query!r}")
    exact = [o for o in options if option_text(o).casefold() == query.casefold()]
    return exact[0] if exact else options[0]


def _user(find_user: Callable[[str], str | None], query: str) -> str:
    user = find_user(query.lstrip("@"))
    if user is None:
        raise FieldError(f"no user {query!r}; :users lists them")
    return user
