"""Buttons and menus of visit replies and the visit form.

Continuing a line (pick an account, create it, pick a contact): the button carries the line
and the answers so far (`bot.visits.state`); the same visit is logged once however often it
is clicked. Edit and Add follow-up open forms; Undo removes a visit logged in the last ten
minutes. Changing the contacts in the form adds a relationship-level field per contact.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.core.i18n import t
from bot.ui import blocks as bk
from bot.ui.reply import Reply, echo_reply
from bot.visits import history, ops, render, state
from bot.visits.modal import FormMeta, TooLongToEdit, follow_up_form, local_today, with_contact_levels
from bot.visits.prefill import form_from_text, form_from_visit
from handlers.home.publish import refresh_home, shown_from
from handlers.listener import Request, listener
from handlers.views.visit import open_visit_form


def _pending_text(body: dict[str, Any]) -> str | None:
    """The line the user typed, carried in the button (given back if it cannot be logged)."""
    pending = state.decode(str(((body.get("actions") or [{}])[0]).get("value") or ""))
    return pending.text if pending else None


@listener(_pending_text)
def handle_continue(req: Request) -> None:
    """An answer to "which account / contact?" or "create it?": log the pending line."""
    actor, pending = req.actor, state.decode(req.action.value or "")
    if pending is None:
        req.reply(Reply(t(actor.lang, "visit.ask.stale")))
        return
    outcome = ops.do_log_line(
        req.svc.db, actor, pending.text, now=req.now, request_key=pending.request_key, choices=pending.choices
    )
    req.replace(render.render_outcome(actor.lang, actor.tz, outcome, pending.request_key))


@listener(_pending_text)
def handle_open_form(req: Request) -> None:
    """ "Open the form" under a line that could not be logged: the form, prefilled from it."""
    text = _pending_text(req.body) or ""
    prefill = form_from_text(req.svc.db, req.actor, text, req.now, as_notes=False)
    open_visit_form(req, req.trigger_id, prefill, channel_id=req.channel_id)


@listener()
def handle_undo(req: Request) -> None:
    name = ops.do_undo_visit(req.svc.db, req.actor, req.action.value or "", now=req.now)
    message = t(req.lang, "visit.undo.done", account=bk.escape(name))
    req.replace(Reply(message, [bk.section(message)]))


@listener()
def handle_edit(req: Request) -> None:
    """The visit form, prefilled; pressed in the App Home, the form remembers the tab's state so
    saving re-publishes it."""
    visit = ops.visit_view(req.svc.db, req.actor, req.action.value or "")
    prefill = form_from_visit(visit, req.actor)
    try:
        open_visit_form(
            req, req.trigger_id, prefill, channel_id=req.channel_id, visit_id=visit.id, home=shown_from(req.payload)
        )
    except TooLongToEdit:  # never open a form that would cut the text: show it whole
        full = "\n\n".join(x for x in (visit.purpose, visit.notes, visit.next_step) if x)
        req.reply(echo_reply(req.lang, TooLongToEdit.message_key, full))


@listener()
def handle_delete(req: Request) -> None:
    """Delete (the button asked for confirmation first): the author, or the account owner's
    manager, at any time; the visit stays in the audit trail. Pressed in the App Home's "My
    visits", the tab is re-published without it."""
    name = ops.do_delete_visit(req.svc.db, req.actor, req.action.value or "", now=req.now)
    message = t(req.lang, "visit.delete.done", account=bk.escape(name))
    req.reply(Reply(message, [bk.section(message)]))
    refresh_home(req.client, req.svc, req.actor, shown_from(req.payload))  # pressed in the Home tab


@listener()
def handle_list_more(req: Request) -> None:
    """The next page of a `/visit list` (the button carries the query)."""
    query = history.HistoryQuery.decode(req.action.value or "")
    try:
        page = history.list_history(req.svc.db, req.actor, query)
    except history.HistoryError as exc:
        req.reply(echo_reply(req.lang, exc.message_key, None, **exc.values))
        return
    req.reply(history.render_history(req.lang, req.actor.tz, page))


@listener()
def handle_add_follow_up(req: Request) -> None:
    actor = req.actor
    visit = ops.own_visit_view(req.svc.db, actor, req.action.value or "")  # only the rep's own visit
    meta = FormMeta(lang=actor.lang, tz=actor.tz, visit_id=visit.id, channel_id=req.channel_id)
    view = follow_up_form(actor.lang, meta, today=local_today(req.now, actor.tz))
    req.client.views_open(trigger_id=req.trigger_id, view=view)


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
