"""The `/coach` words of the pipeline area: `stages`, `handover`, `export`.

Each returns an `Outcome` (a reply, or a modal to open) so the handlers only do Slack I/O.
Stage changes are for admins; handovers and exports for managers (their team) and admins.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.core.access import require_admin
from bot.core.actor import Actor
from bot.core.i18n import Lang, t
from bot.core.text import mentioned_users
from bot.deals import render
from bot.deals.commands import Outcome
from bot.deals.handover import HandoverPlan, do_handover, plan_handover
from bot.deals.ops import DealError
from bot.deals.parser import tokenize
from bot.deals.stages import (
    StageError,
    do_apply_preset,
    do_edit_stage,
    do_set_stages,
    load_funnel,
    parse_stage_edit,
    parse_stage_lines,
    stage_lines,
)
from bot.ui import blocks as bk
from bot.ui.reply import Reply, echo_reply
from storage.db import Database


def _usage(lang: Lang, key: str) -> Outcome:
    text = t(lang, key)
    return Outcome(reply=Reply(text, [bk.section(text)]))


def stages_command(db: Database, actor: Actor, text: str) -> Outcome:
    """`/coach stages [preset NAME | edit [KEY …] | help]`."""
    lang = actor.lang
    tokens = [tok.text for tok in tokenize(text)]
    word = tokens[0].lower() if tokens else ""
    try:
        if not word:
            return Outcome(reply=_funnel_reply(db, actor))
        if word in ("help", "帮助"):
            return _usage(lang, "deal.stages.usage")
        if word in ("preset", "预设") and len(tokens) == 2:
            do_apply_preset(db, actor, tokens[1])
            return Outcome(reply=_funnel_reply(db, actor, saved=True))
        if word in ("edit", "编辑", "修改", "custom", "自定义"):
            if len(tokens) == 1:
                return Outcome(modal=stages_modal(db, actor))
            key, edit = parse_stage_edit(tokens[1:])
            do_edit_stage(db, actor, key, edit)
            return Outcome(reply=_funnel_reply(db, actor, saved=True))
    except StageError as exc:
        return Outcome(reply=echo_reply(lang, exc.key, text, **exc.values))
    return _usage(lang, "deal.stages.usage")


def _funnel_reply(db: Database, actor: Actor, *, saved: bool = False) -> Reply:
    with db.transaction() as session:
        funnel = load_funnel(session, actor.team_id)
    reply = render.funnel_text(funnel, actor.lang)
    if saved:
        reply.blocks.insert(0, bk.section(t(actor.lang, "deal.stages.saved")))
        reply.text = t(actor.lang, "deal.stages.saved") + "\n" + reply.text
    if actor.is_admin:
        reply.blocks.append(bk.actions(bk.button(t(actor.lang, "deal.stages.edit_button"), "deal_stages_edit", "edit")))
    return reply


def stages_modal(db: Database, actor: Actor) -> dict[str, Any]:
    """The whole funnel as editable lines (admins only)."""
    require_admin(actor)
    lang = actor.lang
    with db.transaction() as session:
        lines = stage_lines(load_funnel(session, actor.team_id))
    block = bk.input_block(
        "lines",
        t(lang, "deal.stages.modal_label"),
        bk.text_input("text", multiline=True, initial=lines),
        hint=t(lang, "deal.stages.modal_hint"),
    )
    return bk.modal(
        lang,
        t(lang, "deal.stages.modal_title"),
        [block],
        callback_id="deal_stages",
        private_metadata=json.dumps({"l": lang}),
    )


def check_stage_lines(text: str, lang: Lang) -> str | None:
    """The error to show under the stage list, or None when it is valid (no database)."""
    try:
        parse_stage_lines(text)
    except StageError as exc:
        return t(lang, exc.key, **exc.values)
    return None


def submit_stages(db: Database, actor: Actor, text: str) -> Reply:
    try:
        do_set_stages(db, actor, parse_stage_lines(text), "custom")
    except StageError as exc:
        return echo_reply(actor.lang, exc.key, text, **exc.values)
    return _funnel_reply(db, actor, saved=True)


# ----- handover ---------------------------------------------------------------------------
def handover_command(db: Database, actor: Actor, text: str, now: datetime) -> Outcome:
    """`/coach handover @from @to`: say what would move and ask to confirm."""
    lang = actor.lang
    users = mentioned_users(text)
    if len(users) != 2:
        return _usage(lang, "handover.usage")
    try:
        plan = plan_handover(db, actor, users[0], users[1], now)
    except DealError as exc:
        return Outcome(reply=echo_reply(lang, exc.key, None, **exc.values))
    if plan.empty:
        return _usage_with(lang, "handover.nothing", source=plan.source_user)
    question = _handover_text(lang, "handover.question", plan)
    value = {"f": plan.source_id, "t": plan.target_id}
    blocks = [
        bk.section(question),
        bk.actions(
            bk.button(t(lang, "handover.confirm"), "handover_confirm", value, style="danger"),
            bk.button(t(lang, "common.cancel"), "handover_cancel", "cancel"),
        ),
    ]
    return Outcome(reply=Reply(question, blocks))


def _handover_text(lang: Lang, key: str, plan: HandoverPlan) -> str:
    return t(
        lang,
        key,
        source=plan.source_user,
        target=plan.target_user,
        accounts=plan.accounts,
        deals=plan.deals,
        follow_ups=plan.follow_ups,
    )


def _usage_with(lang: Lang, key: str, **values: object) -> Outcome:
    text = t(lang, key, **values)
    return Outcome(reply=Reply(text, [bk.section(text)]))


def confirm_handover(db: Database, actor: Actor, value: Any, now: datetime) -> Reply:
    """The confirm button: its ids are re-checked (`access_person`) before anything moves."""
    data = value if isinstance(value, dict) else {}
    try:
        source, target = int(data["f"]), int(data["t"])
    except (KeyError, TypeError, ValueError):
        return echo_reply(actor.lang, "common.not_found", None)
    try:
        plan = do_handover(db, actor, source, target, now)
    except DealError as exc:
        return echo_reply(actor.lang, exc.key, None, **exc.values)
    text = _handover_text(actor.lang, "handover.done", plan)
    return Reply(text, [bk.section(text)])
