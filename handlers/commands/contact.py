"""`/contact NAME` (联系人): a contact's card with Edit; its buttons and its Edit form.

One module for the whole surface of the command (its command, buttons and form), each
listener thin: `@listener` acks and resolves the actor, `bot.records.contacts` does the work.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from slack_bolt import App

from bot.core.i18n import t
from bot.records import contacts
from bot.ui import blocks as bk
from bot.ui.reply import Reply
from handlers.commands.deal import reply_after_modal, with_response_url
from handlers.listener import Request, command_text, form_text, listener, parse_json


@listener(command_text)
def handle_contact(req: Request) -> None:
    req.reply(contacts.contact_reply(req.svc.db, req.actor, req.text, req.now))


@listener()
def handle_show(req: Request) -> None:
    """A pick among several contacts of that name: its card."""
    req.reply(contacts.show_contact(req.svc.db, req.actor, req.action.value or "", req.now))


@listener()
def handle_edit(req: Request) -> None:
    view = contacts.edit_form(req.svc.db, req.actor, req.action.value or "")
    req.client.views_open(trigger_id=req.trigger_id, view=with_response_url(view, req.body.get("response_url")))


def _edit_errors(body: dict[str, Any], _now: datetime) -> dict[str, str] | None:
    view = body.get("view") or {}
    _, errors = contacts.read_edit_form(
        (view.get("state") or {}).get("values") or {}, parse_json(view.get("private_metadata"))
    )
    return errors or None


@listener(form_text, form_errors=_edit_errors)
def handle_submit(req: Request) -> None:
    meta = req.meta
    edit, _ = contacts.read_edit_form((req.body.get("view") or {}).get("state", {}).get("values") or {}, meta)
    card = contacts.do_edit_contact(req.svc.db, req.actor, meta.get("c"), edit, req.now)
    reply = contacts.render_card(req.lang, req.actor.tz, card)
    saved = t(req.lang, "contact.saved", name=bk.escape(card.name))
    reply_after_modal(req, Reply(saved, [bk.section(saved), *reply.blocks]))


def register(app: App) -> None:
    app.command("/contact")(handle_contact)
    app.action(re.compile(rf"^{contacts.SHOW_ACTION}_\d+$"))(handle_show)
    app.action(contacts.EDIT_ACTION)(handle_edit)
    app.view(contacts.CALLBACK)(handle_submit)
