"""Buttons of deal messages and the update modal. Values are re-checked in `bot.deals`."""

from __future__ import annotations

import re

from slack_bolt import App

from bot.core.i18n import t
from bot.deals.coach import confirm_handover, stages_modal
from bot.deals.commands import Outcome, run_op, update_modal
from bot.deals.ops import DealError
from bot.ui import blocks as bk
from bot.ui.reply import Reply, echo_reply
from handlers.commands.deal import show_outcome, with_response_url
from handlers.listener import Request, listener, parse_json

RUN_ACTIONS = re.compile(r"^(deal_next|deal_won|deal_lost|deal_confirm|deal_create_account|deal_pick_\d+)$")


@listener()
def on_run(req: Request) -> None:
    """Every button that carries an operation (`{"a": …, "d": …}`)."""
    outcome = run_op(req.svc.db, req.actor, parse_json(req.action.value), req.now, channel=req.channel_id)
    show_outcome(req, outcome, replace=outcome.modal is None)


@listener()
def on_cancel(req: Request) -> None:
    show_outcome(req, _reply(t(req.lang, "deal.cancelled")), replace=True)


def _reply(text: str) -> Outcome:
    return Outcome(reply=Reply(text, [bk.section(text)]))


@listener()
def on_update(req: Request) -> None:
    """The card's Update button: the update modal for that deal."""
    deal_id = parse_json(req.action.value).get("d")
    try:
        modal = update_modal(req.svc.db, req.actor, deal_id=deal_id, channel=req.channel_id, now=req.now)
    except DealError as exc:
        req.reply(echo_reply(req.lang, exc.key, None, **exc.values))
        return
    show_outcome(req, Outcome(modal=modal))


@listener()
def on_update_pick(req: Request) -> None:
    """A deal was chosen in the update modal: show its current values."""
    view = req.body.get("view") or {}
    if not view.get("id"):
        return  # not from a modal: nothing to update
    option = req.action.selected_option
    meta = req.meta
    try:
        modal = update_modal(
            req.svc.db, req.actor, deal_id=option.value if option else None, channel=meta.get("ch"), now=req.now
        )
    except DealError as exc:
        req.reply(echo_reply(req.lang, exc.key, None, **exc.values))
        return
    with_response_url(modal, meta.get("ru"))
    req.client.views_update(view_id=req.view.id, hash=req.view.hash, view=modal)


@listener()
def on_stages_edit(req: Request) -> None:
    show_outcome(req, Outcome(modal=stages_modal(req.svc.db, req.actor)))


@listener()
def on_handover_confirm(req: Request) -> None:
    reply = confirm_handover(req.svc.db, req.actor, parse_json(req.action.value), req.now)
    show_outcome(req, Outcome(reply=reply), replace=True)


@listener()
def on_handover_cancel(req: Request) -> None:
    show_outcome(req, _reply(t(req.lang, "handover.cancelled")), replace=True)


def register(app: App) -> None:
    app.action(RUN_ACTIONS)(on_run)
    app.action("deal_cancel")(on_cancel)
    app.action("deal_update")(on_update)
    app.action("deal_update_pick")(on_update_pick)
    app.action("deal_stages_edit")(on_stages_edit)
    app.action("handover_confirm")(on_handover_confirm)
    app.action("handover_cancel")(on_handover_cancel)
