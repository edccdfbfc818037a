"""Buttons of deal messages and the update modal. Values are re-checked in `bot.deals`."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.core.i18n import t
from bot.deals.coach import confirm_handover, stages_modal
from bot.deals.commands import Outcome, run_op, update_modal
from bot.deals.ops import DealError
from bot.ui import blocks as bk
from bot.ui.reply import Reply, echo_reply
from handlers._support import current_actor, send_ephemeral, services, user_errors
from handlers.commands.deal import parse_json, show_outcome, with_response_url

RUN_ACTIONS = re.compile(r"^(deal_next|deal_won|deal_lost|deal_confirm|deal_create_account|deal_pick_\d+)$")


def _value(body: dict[str, Any]) -> Any:
    actions = body.get("actions") or [{}]
    return actions[0].get("value")


def _channel(body: dict[str, Any]) -> str | None:
    return (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")


def on_run(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond) -> None:
    """Every button that carries an operation (`{"a": …, "d": …}`)."""
    ack()
    actor = current_actor(context, client, body)
    svc = services(context)
    with user_errors(client, body, actor, None, respond):
        outcome = run_op(svc.db, actor, parse_json(_value(body)), svc.clock.now(), channel=_channel(body))
        if outcome.modal is not None:
            with_response_url(outcome.modal, body.get("response_url"))
        show_outcome(client, body, outcome, respond, replace=outcome.modal is None)


def on_cancel(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond) -> None:
    ack()
    actor = current_actor(context, client, body)
    with user_errors(client, body, actor, None, respond):
        text = t(actor.lang, "deal.cancelled")
        show_outcome(client, body, _reply(text), respond, replace=True)


def _reply(text: str) -> Outcome:
    return Outcome(reply=Reply(text, [bk.section(text)]))


def on_update(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond) -> None:
    """The card's Update button: the update modal for that deal."""
    ack()
    actor = current_actor(context, client, body)
    svc = services(context)
    with user_errors(client, body, actor, None, respond):
        try:
            modal = update_modal(
                svc.db, actor, deal_id=parse_json(_value(body)).get("d"), channel=_channel(body), now=svc.clock.now()
            )
        except DealError as exc:
            send_ephemeral(client, body, echo_reply(actor.lang, exc.key, None, **exc.values), respond)
            return
        with_response_url(modal, body.get("response_url"))
        client.views_open(trigger_id=body["trigger_id"], view=modal)


def on_update_pick(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
    """A deal was chosen in the update modal: show its current values."""
    ack()
    actor = current_actor(context, client, body)
    svc = services(context)
    view = body.get("view") or {}
    if not view.get("id"):
        return  # not from a modal: nothing to update
    action = (body.get("actions") or [{}])[0]
    chosen = (action.get("selected_option") or {}).get("value")
    meta = parse_json(view.get("private_metadata"))
    with user_errors(client, body, actor, None):
        try:
            modal = update_modal(svc.db, actor, deal_id=chosen, channel=meta.get("ch"), now=svc.clock.now())
        except DealError as exc:
            send_ephemeral(client, body, echo_reply(actor.lang, exc.key, None, **exc.values))
            return
        with_response_url(modal, meta.get("ru"))
        client.views_update(view_id=view.get("id"), hash=view.get("hash"), view=modal)


def on_stages_edit(
    ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond
) -> None:
    ack()
    actor = current_actor(context, client, body)
    svc = services(context)
    with user_errors(client, body, actor, None, respond):
        modal = stages_modal(svc.db, actor)
        with_response_url(modal, body.get("response_url"))
        client.views_open(trigger_id=body["trigger_id"], view=modal)


def on_handover_confirm(
    ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond
) -> None:
    ack()
    actor = current_actor(context, client, body)
    svc = services(context)
    with user_errors(client, body, actor, None, respond):
        reply = confirm_handover(svc.db, actor, parse_json(_value(body)), svc.clock.now())
        show_outcome(client, body, Outcome(reply=reply), respond, replace=True)


def on_handover_cancel(
    ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond
) -> None:
    ack()
    actor = current_actor(context, client, body)
    with user_errors(client, body, actor, None, respond):
        show_outcome(client, body, _reply(t(actor.lang, "handover.cancelled")), respond, replace=True)


def register(app: App) -> None:
    app.action(RUN_ACTIONS)(on_run)
    app.action("deal_cancel")(on_cancel)
    app.action("deal_update")(on_update)
    app.action("deal_update_pick")(on_update_pick)
    app.action("deal_stages_edit")(on_stages_edit)
    app.action("handover_confirm")(on_handover_confirm)
    app.action("handover_cancel")(on_handover_cancel)
