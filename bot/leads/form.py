"""The lead form: `/lead` alone, and the message shortcut *Make a lead* (prefilled from the
message with the one-line parser). Same fields as the line: company, person, phone, email,
source, note, and the assignee (managers may pick a rep of their team)."""

from __future__ import annotations

import json
from typing import Any

from bot.core.i18n import Lang, t
from bot.leads.ops import LeadFields
from bot.leads.parse import LeadLine
from bot.ui import blocks as bk

CALLBACK = "lead_form"
FIELDS = ("company", "name", "phone", "email", "source", "note")


def lead_form(lang: Lang, prefill: LeadLine | None = None, *, metadata: str = "") -> dict[str, Any]:
    initial = {
        "company": prefill.company if prefill else None,
        "name": prefill.person if prefill else None,
        "phone": prefill.phone if prefill else None,
        "email": prefill.email if prefill else None,
        "source": prefill.source if prefill else None,
        "note": prefill.note if prefill else None,
    }
    blocks = []
    for name in FIELDS:
        limit = {"company": 200, "name": 200, "phone": 40, "email": 254, "source": 80}.get(name, 3000)
        element = bk.text_input("value", multiline=name == "note", initial=initial[name], max_length=limit)
        blocks.append(
            bk.input_block(name, t(lang, f"lead.form.{name}"), element, optional=name not in ("company", "name"))
        )
    assignee = {"type": "users_select", "action_id": "value", "placeholder": bk.plain(t(lang, "lead.form.me"), 150)}
    blocks.append(bk.input_block("assignee", t(lang, "lead.form.assignee"), assignee, optional=True))
    return bk.modal(
        lang,
        t(lang, "lead.form.title"),
        blocks,
        callback_id=CALLBACK,
        private_metadata=metadata or json.dumps({"l": lang}),
    )


def read_form(values: dict[str, Any]) -> tuple[LeadFields, str | None]:
    """(the fields, the chosen assignee's user id or None) from a submitted lead form."""

    def text(block: str) -> str:
        return str(((values.get(block) or {}).get("value") or {}).get("value") or "")

    assignee = ((values.get("assignee") or {}).get("value") or {}).get("selected_user")
    fields = LeadFields(text("company"), text("name"), text("phone"), text("email"), text("source"), text("note"))
    return fields, str(assignee) if assignee else None
