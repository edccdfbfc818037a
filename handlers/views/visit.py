"""The visit form: opening it, its type-ahead (block_suggestion), and its submission.

A submission is validated from the view alone (the rep's language and time zone travel in its
private metadata) so errors go back inline in the ack, before any database work; then the
visit is stored and restated to the rep (ephemeral where the form was opened, else by DM).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.calendar import ops as calendar_ops
from bot.core.access import AccessError
from bot.core.i18n import t
from bot.ui import blocks as bk
from bot.ui.reply import Reply, echo_reply
from bot.visits import ops, render
from bot.visits.modal import (
    CALLBACK,
    FOLLOW_UP_CALLBACK,
    FormMeta,
    FormState,
    local_today,
    read_follow_up_form,
    read_visit_form,
    visit_form,
)
from handlers._support import (
    current_actor,
    ids_of,
    send_ephemeral,
    services,
    tell_after_saved,
)
from handlers.home.publish import refresh_home
from handlers.listener import Request, form_text, listener

log = logging.getLogger(__name__)


def open_visit_form(
    req: Request,
    trigger_id: str,
    state: FormState | None = None,
    *,
    channel_id: str | None = None,
    visit_id: int | None = None,
    message: tuple[str, str] | None = None,
    meeting: tuple[int, str] | None = None,
    home: str | None = None,
) -> None:
    """Open the visit form for the acting person (prefilled with `state`); `home`: the App
    Home's state when opened from it (`handlers.home.publish.shown_from`), to refresh it after."""
    actor = req.actor
    state = state or FormState()
    meta = FormMeta(
        lang=actor.lang,
        tz=actor.tz,
        visit_id=visit_id,
        day=state.day.isoformat() if visit_id and state.day else None,
        channel_id=channel_id,
        message_channel=message[0] if message else None,
        message_ts=message[1] if message else None,
        source="shortcut" if message else "modal",
        meeting_id=meeting[0] if meeting else None,
        at=meeting[1] if meeting else None,
        home=home,
    )
    view = visit_form(actor.lang, state, meta, today=local_today(req.svc.clock.now(), actor.tz))
    req.client.views_open(trigger_id=trigger_id, view=view)


def notify(client: WebClient, user_id: str, channel_id: str | None, reply: Reply) -> None:
    """Tell the rep after a form: ephemeral in the channel it came from, else (or if the bot
    cannot post there) a DM."""
    if channel_id:
        try:
            client.chat_postEphemeral(channel=channel_id, user=user_id, **reply.as_kwargs())
            return
        except SlackApiError as exc:
            if exc.response.status_code == 429:
                raise  # Slack asks us to wait: the caller does, then tries the ephemeral again
            log.info("ephemeral to %s failed (%s); sending a DM", channel_id, exc.response.get("error"))
    send_ephemeral(client, {"user_id": user_id}, reply)  # no channel: a DM


def _meta(body: dict[str, Any]) -> FormMeta:
    return FormMeta.decode((body.get("view") or {}).get("private_metadata"))


def _values(body: dict[str, Any]) -> dict[str, Any]:
    return ((body.get("view") or {}).get("state") or {}).get("values") or {}


def _visit_errors(body: dict[str, Any], now: datetime) -> dict[str, str] | None:
    return read_visit_form(_values(body), _meta(body), now).errors or None


def _where(body: dict[str, Any]) -> dict[str, Any]:
    """A request-like body for the rep who submitted, answering where the form was opened."""
    team_id, user_id = ids_of(body)
    return {"team_id": team_id, "user_id": user_id, "channel_id": _meta(body).channel_id}


@listener(form_text, form_errors=_visit_errors, where=_where)
def handle_visit_submission(req: Request) -> None:
    svc, actor, now = req.svc, req.actor, req.now
    meta = _meta(req.body)
    visit = read_visit_form(_values(req.body), meta, now).visit
    summary = "\n".join(x for x in (visit.purpose, visit.notes, visit.next_step) if x)
    home = meta.home  # edited from the App Home: re-published once saved
    if meta.message_channel and meta.message_ts:
        visit = _with_permalink(req.client, visit, meta.message_channel, meta.message_ts)
    try:
        if meta.visit_id is not None:
            logged = ops.do_update_visit(svc.db, actor, meta.visit_id, visit, now=now)
            reply = render.render_logged(actor.lang, actor.tz, logged, updated=True)
        else:
            key = f"view:{req.view.id}"
            if meta.meeting_id is not None:
                logged = calendar_ops.do_log_meeting_visit(
                    svc.db, actor, meta.meeting_id, visit, now=now, request_key=key
                )
            else:
                logged = ops.do_log_visit(svc.db, actor, visit, now=now, request_key=key)
            reply = render.render_logged(actor.lang, actor.tz, logged)
    except ops.ContactElsewhere as exc:
        reply = echo_reply(actor.lang, exc.message_key, summary)  # the form is gone: give its text back
        home = None  # nothing changed: the App Home stays as it is
    # stored (or refused with the text given back): Slack trouble now must not say "not saved"
    tell_after_saved(lambda: notify(req.client, actor.user_id, meta.channel_id, reply))
    refresh_home(req.client, svc, actor, home)


def _with_permalink(client: WebClient, visit: ops.VisitInput, channel: str, ts: str) -> ops.VisitInput:
    try:
        link = client.chat_getPermalink(channel=channel, message_ts=ts).get("permalink")
    except SlackApiError as exc:
        log.warning("chat.getPermalink failed: %s", exc.response.get("error"))
        return visit
    return replace(visit, permalink=str(link)[:500] if link else None)


def _follow_up_errors(body: dict[str, Any], now: datetime) -> dict[str, str] | None:
    meta = _meta(body)
    _, due, errors = read_follow_up_form(_values(body), meta, now)
    if errors or due is None:
        return errors or {"fu_date": t(meta.lang, "visit.modal.error.due_needed")}
    return None


@listener(form_text, form_errors=_follow_up_errors, where=_where)
def handle_follow_up_submission(req: Request) -> None:
    actor, meta = req.actor, _meta(req.body)
    text, due, _ = read_follow_up_form(_values(req.body), meta, req.now)
    assert due is not None  # checked in the ack (`_follow_up_errors`)
    account, step = ops.do_add_follow_up(
        req.svc.db, actor, meta.visit_id, text, due, now=req.now, request_key=f"view:{req.view.id}"
    )
    message = t(
        actor.lang,
        "visit.follow_up.done",
        account=bk.escape(account),
        step=bk.escape(step),
        due=render.when(actor.lang, due, actor.tz),
    )
    notify(req.client, actor.user_id, meta.channel_id, Reply(message, [bk.section(message)]))


# ----- type-ahead ------------------------------------------------------------------------------
def handle_account_options(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
    """Accounts matching what the rep types (the answer is the ack, so the work comes first),
    plus "Create …" when nothing is exactly that name."""
    query = str(body.get("value") or "").strip()[:140]
    try:
        actor = current_actor(context, client, body)
        found, exact = ops.account_choices(services(context).db, actor, query)
    except Exception:
        log.exception("account options failed")
        ack(options=[])
        return
    options = [bk.option(c.name, f"a:{c.id}") for c in found[:99]]
    if len(query) > 1 and not exact:  # one character is a filter, not a name
        options.append(bk.option(t(actor.lang, "visit.modal.create_option", text=query[:50]), f"new:{query}"))
    ack(options=options)


def handle_contact_options(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
    """Contacts of the account chosen in the form (none until one is chosen)."""
    query = str(body.get("value") or "").strip()[:140]
    values = ((body.get("view") or {}).get("state") or {}).get("values") or {}
    account_value = (((values.get("account") or {}).get("visit_account") or {}).get("selected_option") or {}).get(
        "value"
    )
    if not account_value or not str(account_value).startswith("a:"):
        ack(options=[])
        return
    try:
        actor = current_actor(context, client, body)
        contacts = ops.contact_choices(services(context).db, actor, str(account_value)[2:], query)
    except AccessError:
        ack(options=[])
        return
    except Exception:
        log.exception("contact options failed")
        ack(options=[])
        return
    ack(options=[bk.option(c.name + render.role_label(actor.lang, c.buying_role), f"c:{c.id}") for c in contacts])


def register(app: App) -> None:
    app.view(CALLBACK)(handle_visit_submission)
    app.view(FOLLOW_UP_CALLBACK)(handle_follow_up_submission)
    app.options("visit_account")(handle_account_options)
    app.options("visit_contacts")(handle_contact_options)
