"""`/contact NAME` (联系人): a contact's card with Edit; its buttons and its Edit form.

One module for the whole surface of the command (its command, buttons and form), each
listener thin: ack, resolve the actor, call `bot.records.contacts`, reply.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.core.i18n import t
from bot.records import contacts
from bot.ui import blocks as bk
from bot.ui.reply import Reply
from handlers._support import current_actor, send_ephemeral, services, user_errors
from handlers.commands.deal import parse_json, reply_after_modal, with_response_url


def handle_contact(
    ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond
) -> None:
    ack()
    text = (body.get("text") or "").strip()
    actor = current_actor(context, client, body)
    with user_errors(client, body, actor, text, respond):
        svc = services(context)
        send_ephemeral(client, body, contacts.contact_reply(svc.db, actor, text, svc.clock.now()), respond)


def _value(body: dict[str, Any]) -> str:
    return str(((body.get("actions") or [{}])[0]).get("value") or "")


def handle_show(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond) -> None:
    """A pick among several contacts of that name: its card."""
    ack()
    actor = current_actor(context, client, body)
    with user_errors(client, body, actor, None, respond):
        svc = services(context)
        send_ephemeral(client, body, contacts.show_contact(svc.db, actor, _value(body), svc.clock.now()), respond)


def handle_edit(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond) -> None:
    ack()
    actor = current_actor(context, client, body)
    with user_errors(client, body, actor, None, respond):
        view = contacts.edit_form(services(context).db, actor, _value(body))
        client.views_open(trigger_id=body["trigger_id"], view=with_response_url(view, body.get("response_url")))


def handle_submit(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
    view = body.get("view") or {}
    meta = parse_json(view.get("private_metadata"))
    edit, errors = contacts.read_edit_form((view.get("state") or {}).get("values") or {}, meta)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    actor = current_actor(context, client, body)
    with user_errors(client, body, actor, None):
        svc = services(context)
        card = contacts.do_edit_contact(svc.db, actor, meta.get("c"), edit, svc.clock.now())
        reply = contacts.render_card(actor.lang, actor.tz, card)
        saved = t(actor.lang, "contact.saved", name=bk.escape(card.name))
        reply_after_modal(client, body, meta, Reply(saved, [bk.section(saved), *reply.blocks]))


def register(app: App) -> None:
    app.command("/contact")(handle_contact)
    app.action(re.compile(rf"^{contacts.SHOW_ACTION}_\d+$"))(handle_show)
    app.action(contacts.EDIT_ACTION)(handle_edit)
    app.view(contacts.CALLBACK)(handle_submit)
