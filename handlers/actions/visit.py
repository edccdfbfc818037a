"""Buttons and menus of visit replies and the visit form.

Continuing a line (pick an account, create it, pick a contact): the button carries the line
and the answers so far (`bot.visits.state`); the same visit is logged once however often it
is clicked. Edit and Add follow-up open forms; Undo removes a visit logged in the last ten
minutes. Changing the contacts in the form adds a relationship-level field per contact.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.core.i18n import t
from bot.ui import blocks as bk
from bot.ui.reply import Reply, echo_reply
from bot.visits import history, ops, render, state
from bot.visits.modal import FormMeta, TooLongToEdit, follow_up_form, local_today, with_contact_levels
from bot.visits.prefill import form_from_text, form_from_visit
from handlers._support import actor_or_apology, send_ephemeral, services, user_errors
from handlers.views.visit import open_visit_form


def _replace(client: WebClient, body: dict[str, Any], reply: Reply, respond: Respond) -> None:
    """Answer in place of the message the button was on (an ephemeral from /visit)."""
    if body.get("response_url"):
        respond(response_type="ephemeral", replace_original=True, **reply.as_kwargs())
    else:
        send_ephemeral(client, body, reply, respond)


def _value(body: dict[str, Any]) -> str:
    return str(((body.get("actions") or [{}])[0]).get("value") or "")


def _channel(body: dict[str, Any]) -> str | None:
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    return str(channel) if channel else None


def handle_continue(
    ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond
) -> None:
    """An answer to "which account / contact?" or "create it?": log the pending line."""
    ack()
    pending = state.decode(_value(body))
    text = pending.text if pending else None
    actor = actor_or_apology(context, client, body, text, respond)
    if actor is None:
        return
    with user_errors(client, body, actor, text, respond):
        if pending is None:
            send_ephemeral(client, body, Reply(t(actor.lang, "visit.ask.stale")), respond)
            return
        svc = services(context)
        outcome = ops.do_log_line(
            svc.db, actor, pending.text, now=svc.clock.now(), request_key=pending.request_key, choices=pending.choices
        )
        _replace(client, body, render.render_outcome(actor.lang, actor.tz, outcome, pending.request_key), respond)


def handle_open_form(
    ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond
) -> None:
    """ "Open the form" under a line that could not be logged: the form, prefilled from it."""
    ack()
    pending = state.decode(_value(body))
    text = pending.text if pending else ""
    actor = actor_or_apology(context, client, body, text, respond)
    if actor is None:
        return
    with user_errors(client, body, actor, text, respond):
        svc = services(context)
        prefill = form_from_text(svc.db, actor, text, svc.clock.now(), as_notes=False)
        open_visit_form(context, client, body["trigger_id"], actor, prefill, channel_id=_channel(body))


def handle_undo(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond) -> None:
    ack()
    actor = actor_or_apology(context, client, body, None, respond)
    if actor is None:
        return
    with user_errors(client, body, actor, None, respond):
        svc = services(context)
        name = ops.do_undo_visit(svc.db, actor, _value(body), now=svc.clock.now())
        message = t(actor.lang, "visit.undo.done", account=bk.escape(name))
        _replace(client, body, Reply(message, [bk.section(message)]), respond)


def handle_edit(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond) -> None:
    ack()
    actor = actor_or_apology(context, client, body, None, respond)
    if actor is None:
        return
    with user_errors(client, body, actor, None, respond):
        visit = ops.visit_view(services(context).db, actor, _value(body))
        try:
            open_visit_form(
                context,
                client,
                body["trigger_id"],
                actor,
                form_from_visit(visit, actor),
                channel_id=_channel(body),
                visit_id=visit.id,
            )
        except TooLongToEdit:  # never open a form that would cut the text: show it whole
            full = "\n\n".join(x for x in (visit.purpose, visit.notes, visit.next_step) if x)
            send_ephemeral(client, body, echo_reply(actor.lang, TooLongToEdit.message_key, full), respond)


def handle_delete(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond) -> None:
    """Delete (the button asked for confirmation first): the author, or the account owner's
    manager, at any time; the visit stays in the audit trail."""
    ack()
    actor = actor_or_apology(context, client, body, None, respond)
    if actor is None:
        return
    with user_errors(client, body, actor, None, respond):
        svc = services(context)
        name = ops.do_delete_visit(svc.db, actor, _value(body), now=svc.clock.now())
        message = t(actor.lang, "visit.delete.done", account=bk.escape(name))
        send_ephemeral(client, body, Reply(message, [bk.section(message)]), respond)


def handle_list_more(
    ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond
) -> None:
    """The next page of a `/visit list` (the button carries the query)."""
    ack()
    actor = actor_or_apology(context, client, body, None, respond)
    if actor is None:
        return
    with user_errors(client, body, actor, None, respond):
        query = history.HistoryQuery.decode(_value(body))
        try:
            page = history.list_history(services(context).db, actor, query)
        except history.HistoryError as exc:
            send_ephemeral(client, body, echo_reply(actor.lang, exc.message_key, None, **exc.values), respond)
            return
        send_ephemeral(client, body, history.render_history(actor.lang, actor.tz, page), respond)


def handle_add_follow_up(
    ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond
) -> None:
    ack()
    actor = actor_or_apology(context, client, body, None, respond)
    if actor is None:
        return
    with user_errors(client, body, actor, None, respond):
        svc = services(context)
        visit = ops.own_visit_view(svc.db, actor, _value(body))
        meta = FormMeta(lang=actor.lang, tz=actor.tz, visit_id=visit.id, channel_id=_channel(body))
        view = follow_up_form(actor.lang, meta, today=local_today(svc.clock.now(), actor.tz))
        client.views_open(trigger_id=body["trigger_id"], view=view)


def handle_contacts_changed(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
    """The form's contacts changed: show one level field per chosen contact."""
    ack()
    view = body.get("view") or {}
    if not view.get("id"):
        return  # not from the visit form (a malformed payload): there is no form to update
    meta = FormMeta.decode(view.get("private_metadata"))
    selected = ((body.get("actions") or [{}])[0]).get("selected_options") or []
    chosen = []
    for option in selected:
        value = str(option.get("value") or "")
        if value.startswith("c:") and value[2:].isdigit():
            chosen.append((int(value[2:]), str((option.get("text") or {}).get("text") or value)))
    updated = with_contact_levels(view, meta.lang, chosen)
    client.views_update(view_id=view.get("id"), hash=view.get("hash"), view=updated)


def register(app: App) -> None:
    app.action(re.compile(r"^visit_pick_account_\d+$"))(handle_continue)
    app.action(re.compile(r"^visit_pick_contact_\d+$"))(handle_continue)
    app.action("visit_create_account")(handle_continue)
    app.action("visit_open_form")(handle_open_form)
    app.action("visit_undo")(handle_undo)
    app.action("visit_edit")(handle_edit)
    app.action(history.DELETE_ACTION)(handle_delete)
    app.action(history.MORE_ACTION)(handle_list_more)
    app.action("visit_add_follow_up")(handle_add_follow_up)
    app.action("visit_contacts")(handle_contacts_changed)
