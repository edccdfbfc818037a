"""The pending line a question's buttons carry, so a click continues the same visit.

A `/visit` line that needs an answer (which account? create it?) is not stored anywhere until
the rep answers: the buttons carry the line, the request key (so a double click stores one
visit) and the answers so far, as compact JSON within Slack's 2,000-character button value.
Ids in it are only hints: the operation fetches them through `bot.core.access`. A value that is
malformed decodes to None and the rep is asked to send the line again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.ui.blockkit import MAX_BUTTON_VALUE
from bot.visits.ops import Choices


@dataclass(frozen=True)
class Pending:
    text: str
    request_key: str | None
    choices: Choices


def encode(pending: Pending) -> str | None:
    """The button value, or None if the line is too long to fit in one."""
    data: dict[str, object] = {"t": pending.text, "k": pending.request_key or ""}
    if pending.choices.account_id:
        data["a"] = pending.choices.account_id
    if pending.choices.create_account:
        data["n"] = 1
    if pending.choices.contacts:
        data["c"] = [list(pair) for pair in pending.choices.contacts]
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return raw if len(raw) <= MAX_BUTTON_VALUE else None


def decode(value: str | None) -> Pending | None:
    try:
        data = json.loads(value or "")
        text = data["t"]
        if not isinstance(text, str):
            return None
        account = data.get("a")
        contacts = tuple((int(i), int(c)) for i, c in data.get("c", []))
        return Pending(
            text=text,
            request_key=str(data.get("k") or "") or None,
            choices=Choices(
                account_id=int(account) if account else None,
                create_account=bool(data.get("n")),
                contacts=contacts,
            ),
        )
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
