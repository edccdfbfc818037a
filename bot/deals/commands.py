"""`/deal` end to end, without Slack: text or a button's operation in, an `Outcome` out.

Handlers stay thin: they pass the command text (`handle_text`) or a button's JSON value
(`run_op`) and show the outcome: a reply (ephemeral) or a modal to open. A button's value is
never trusted: `run_op` re-reads the deal through `access_deal` on every click, so a forged id
(another rep's deal, another workspace's) is simply not found.

Operations carried by buttons, as `{"a": op, "d": deal id, …}`:
  move {to, f?, ov?} · set {f} · show · won · lost {ov?} · create {acc | n, t, f?, s?}
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from bot.accounts.matching import EXACT, Candidate, find_accounts
from bot.core.access import AccessError, access_deal
from bot.core.actor import Actor
from bot.core.clock import local_date
from bot.core.config import BANTCC
from bot.core.i18n import Lang, join_list, t
from bot.deals import render
from bot.deals.amounts import parse_amount
from bot.deals.find import MAX_CANDIDATES, find_deals
from bot.deals.ops import (
    DealError,
    NeedsConfirm,
    check_close,
    deal_view,
    do_close_deal,
    do_create_deal,
    do_move_deal,
    do_set_fields,
    do_show_deal,
    reason_names,
    reasons_for,
)
from bot.deals.parser import DealCommand, FieldChanges, parse_deal_command
from bot.deals.records import do_change_deal_owner, do_rename_deal, parse_record_command
from bot.deals.stages import StageError, load_funnel
from bot.ui import blocks as bk
from bot.ui.reply import Reply, echo_reply
from bot.visits.known import recognise
from storage.db import Database
from storage.models import Account, Deal, Person


@dataclass
class Outcome:
    reply: Reply | None = None
    modal: dict[str, Any] | None = None


def _error(actor: Actor, exc: DealError | StageError, original: str | None = None) -> Outcome:
    return Outcome(reply=echo_reply(actor.lang, exc.key, original, **exc.values))


def handle_text(db: Database, actor: Actor, text: str, now: datetime, *, channel: str | None = None) -> Outcome:
    """Answer one `/deal` line."""
    record = parse_record_command(text)
    if record is not None:  # rename / owner: before the usual grammar reads them as title words
        ref = DealCommand(op=record.op["a"], ref=record.ref, deal_id=record.deal_id)
        picked = _resolve(db, actor, ref, record.op, ("open",))
        if isinstance(picked, Outcome):
            return picked
        return run_op(db, actor, {**record.op, "d": picked}, now, channel=channel)
    command = parse_deal_command(text, local_date(now, actor.tz))
    if command.problem:
        return Outcome(reply=echo_reply(actor.lang, command.problem, text, **command.problem_values))
    try:
        return _dispatch(db, actor, command, now, channel, text)
    except (DealError, StageError) as exc:
        return _error(actor, exc, text)


def _dispatch(
    db: Database, actor: Actor, command: DealCommand, now: datetime, channel: str | None, text: str
) -> Outcome:
    lang = actor.lang
    if command.op == "help":
        return Outcome(reply=Reply(t(lang, "deal.help"), [bk.section(t(lang, "deal.help"))]))
    if command.op == "stages":
        with db.transaction() as session:
            return Outcome(reply=render.funnel_text(load_funnel(session, actor.team_id), lang))
    if command.op == "list":
        # One view of "my deals by stage": the /pipeline one (same numbers as App Home).
        from bot.analytics.pipeline_view import pipeline_reply

        return Outcome(reply=pipeline_reply(db, actor, f"<@{command.mention}>" if command.mention else "", now))
    if command.op == "new":
        return _new(db, actor, command, now, channel)
    op: dict[str, Any] = {"a": command.op}
    if command.op == "move":
        op["to"] = command.stage
    if not command.changes.is_empty():
        op["f"] = command.changes.to_json()
    statuses = ("open", "won", "lost") if command.op == "show" else ("open",)
    picked = _resolve(db, actor, command, op, statuses)
    if isinstance(picked, Outcome):
        return picked
    return run_op(db, actor, {**op, "d": picked}, now, channel=channel)


def _resolve(
    db: Database, actor: Actor, command: DealCommand, op: dict[str, Any], statuses: tuple[str, ...]
) -> int | Outcome:
    """The one deal the reference names, or the question/answer to show instead."""
    lang = actor.lang
    with db.transaction() as session:
        match = find_deals(session, actor, command.ref, deal_id=command.deal_id, statuses=statuses)
        if len(match.deals) == 1:
            return match.deals[0].id
        funnel = load_funnel(session, actor.team_id)
        views = [deal_view(session, d) for d in match.deals[:MAX_CANDIDATES]]
    if views:
        reply = render.pick_question(views, op, funnel, lang, command.ref)
        if len(match.deals) > MAX_CANDIDATES:
            reply.blocks.insert(1, bk.context(t(lang, "deal.pick.more", count=len(match.deals))))
        return Outcome(reply=reply)
    if match.accounts:
        names = join_list(lang, (a.name for a in match.accounts[:3]))
        return Outcome(reply=echo_reply(lang, "deal.find.none_at_account", None, ref=command.ref, accounts=names))
    return Outcome(reply=echo_reply(lang, "deal.find.none", None, ref=command.ref))


def _new(db: Database, actor: Actor, command: DealCommand, now: datetime, channel: str | None) -> Outcome:
    """`/deal new ACCOUNT "TITLE" …`: a single exact account is used; otherwise ask."""
    lang = actor.lang
    words = command.words
    with db.transaction() as session:
        whole = " ".join(words)
        known = recognise(session, actor, whole)
        span = known.account_span()
        if span is not None and known.shared and known.account is not None:
            owner = session.get(Person, known.account.owner_id) if known.account.owner_id else None
            text = t(
                lang,
                "deal.new.colleagues_account",
                account=bk.escape(known.account.name),
                owner=bk.escape(owner.name if owner else ""),
            )
            return Outcome(reply=Reply(text, [bk.section(text)]))  # never a duplicate of a colleague's
        if span is not None and (known.candidates or known.account is not None):
            account_text = whole[span[0] : span[1]]
            title = command.title if command.title is not None else " ".join(known.without_account(whole).split())
            exact = [Candidate(known.account.id, known.account.name, EXACT)] if known.account is not None else []
            candidates = known.candidates or exact
        elif command.title is not None:
            account_text, title = whole, command.title
            candidates = find_accounts(session, actor, account_text)
        else:
            account_text, title, candidates = words[0], " ".join(words[1:]), []
            for k in range(len(words) - 1, 0, -1):
                found = find_accounts(session, actor, " ".join(words[:k]))
                if found and found[0].score == EXACT:
                    account_text, title, candidates = " ".join(words[:k]), " ".join(words[k:]), found
                    break
            else:
                candidates = find_accounts(session, actor, account_text)
    op: dict[str, Any] = {"a": "create", "t": title[:200]}
    if not command.changes.is_empty():
        op["f"] = command.changes.to_json()
    if command.stage:
        op["s"] = command.stage[:60]
    exact = [c for c in candidates if c.score == EXACT]
    if len(exact) == 1:
        return run_op(db, actor, {**op, "acc": exact[0].id}, now, channel=channel)
    new_op = {**op, "n": account_text[:200]}
    if not candidates:
        return Outcome(reply=render.create_account_question(account_text, new_op, lang))
    question = t(lang, "deal.new.which_account", account=bk.escape(account_text))
    buttons = [bk.button(c.name, f"deal_pick_{i}", {**op, "acc": c.id}) for i, c in enumerate(candidates[:4])]
    buttons.append(bk.button(t(lang, "deal.btn.create_account", account=account_text), "deal_create_account", new_op))
    buttons.append(bk.button(t(lang, "common.cancel"), "deal_cancel", "cancel"))
    return Outcome(reply=Reply(question, [bk.section(question), bk.actions(*buttons)]))


def run_op(db: Database, actor: Actor, op: Any, now: datetime, *, channel: str | None = None) -> Outcome:
    """Carry out an operation from a button (or a resolved command). Access is checked here."""
    try:
        return _run(db, actor, op if isinstance(op, dict) else {}, now, channel)
    except DealError as exc:
        return _error(actor, exc)
    except NeedsConfirm as ask:
        with db.transaction() as session:
            funnel = load_funnel(session, actor.team_id)
        pending = {"a": op["a"], "to": ask.target} if ask.kind == "criteria" else {"a": op["a"]}
        if op.get("n"):
            pending["n"] = str(op["n"])[:500]
        return Outcome(reply=render.confirm_question(ask, pending, actor.lang, funnel))


def _run(db: Database, actor: Actor, op: dict[str, Any], now: datetime, channel: str | None) -> Outcome:
    lang, tz = actor.lang, actor.tz
    action = op.get("a")
    deal_id = op.get("d")
    override = bool(op.get("ov"))
    changes = FieldChanges.from_json(op.get("f"))
    with db.transaction() as session:
        funnel = load_funnel(session, actor.team_id)
    if action == "create":
        stage = str(op.get("s") or "")
        title = str(op.get("t") or "")
        if op.get("acc") is not None:
            view = do_create_deal(db, actor, title=title, now=now, account_id=op["acc"], changes=changes, stage=stage)
        else:
            name = str(op.get("n") or "")
            view = do_create_deal(db, actor, title=title, now=now, new_account_name=name, changes=changes, stage=stage)
        note = t(lang, "deal.created", title=bk.escape(view.title), account=bk.escape(view.account_name))
        return Outcome(reply=render.card(view, funnel, lang, now, tz, note=note))
    if deal_id is None:
        raise DealError("common.not_found")
    if action == "move":
        if not changes.is_empty():
            do_set_fields(db, actor, deal_id, changes, now)
        move_note = str(op["n"]) if op.get("n") else None
        result = do_move_deal(db, actor, deal_id, str(op.get("to") or ""), now, override=override, note=move_note)
        return Outcome(reply=render.moved(result, funnel, lang, now, tz))
    if action == "set":
        view = do_set_fields(db, actor, deal_id, changes, now)
        return Outcome(reply=render.card(view, funnel, lang, now, tz, note=_changed_note(changes, lang)))
    if action == "show":
        view = do_show_deal(db, actor, deal_id)
        with db.transaction() as session:
            names = reason_names(session, actor.team_id, lang)
        return Outcome(reply=render.card(view, funnel, lang, now, tz, reason_names=names))
    if action == "rename":
        old, view = do_rename_deal(db, actor, deal_id, str(op.get("t") or ""), now)
        note = t(lang, "deal.rename.done", old=bk.escape(old), title=bk.escape(view.title))
        return Outcome(reply=render.card(view, funnel, lang, now, tz, note=note))
    if action == "owner":
        name, view = do_change_deal_owner(db, actor, deal_id, str(op.get("u") or ""), now)
        note = t(lang, "deal.owner.done", title=bk.escape(view.title), name=bk.escape(name))
        return Outcome(reply=render.card(view, funnel, lang, now, tz, note=note))
    if action in ("won", "lost"):
        if override:
            view = do_show_deal(db, actor, deal_id)
            if view.status != "open":
                raise DealError(f"deal.err.closed_{view.status}", title=view.title)
        else:
            view = check_close(db, actor, deal_id, action)
        with db.transaction() as session:
            reasons = reasons_for(session, actor.team_id, action)
        return Outcome(modal=render.close_modal(view, action, reasons, lang, override=override, channel=channel))
    raise DealError("common.not_found")


def _changed_note(changes: FieldChanges, lang: Lang) -> str:
    parts = []
    if changes.amount is not None:
        parts.append(t(lang, "deal.card.amount"))
    if changes.expected_close is not None:
        parts.append(t(lang, "deal.card.close"))
    parts += [render.q_label(lang, item) for item in changes.qualification]
    return t(lang, "deal.updated", fields=join_list(lang, parts))


def submit_close(
    db: Database,
    actor: Actor,
    meta: dict[str, Any],
    reasons: list[str],
    lesson: str | None,
    now: datetime,
) -> Reply:
    """The won/lost modal was submitted: close the deal and say so."""
    outcome = meta.get("o")
    if outcome not in ("won", "lost"):
        return echo_reply(actor.lang, "common.not_found", None)
    try:
        view = do_close_deal(
            db, actor, meta.get("d"), outcome, now, reasons=reasons, lesson=lesson, override=bool(meta.get("ov"))
        )
    except DealError as exc:
        return echo_reply(actor.lang, exc.key, lesson, **exc.values)
    except NeedsConfirm as ask:
        with db.transaction() as session:
            funnel = load_funnel(session, actor.team_id)
        return render.confirm_question(ask, {"a": outcome}, actor.lang, funnel)
    with db.transaction() as session:
        funnel = load_funnel(session, actor.team_id)
        names = reason_names(session, actor.team_id, actor.lang)
    return render.closed(view, funnel, actor.lang, now, actor.tz, names)


# ----- the "Update deal" modal ------------------------------------------------------------
MAX_CHOICES = 100


@dataclass
class UpdateForm:
    """What the update modal submitted, read without the database (see `read_update_form`)."""

    deal_id: str | None
    stage: str | None
    amount_text: str
    close: date | None
    qualification: dict[str, bool | None]
    note: str | None
    has_fields: bool


def read_update_form(values: dict[str, Any]) -> tuple[UpdateForm, dict[str, str]]:
    """The submitted values, and the input blocks that are invalid (block id → message key)."""

    def state(block: str, action: str) -> dict[str, Any]:
        return (values.get(block) or {}).get(action) or {}

    selected = (state("deal", "deal_update_pick").get("selected_option") or {}).get("value")
    stage = (state("stage", "stage").get("selected_option") or {}).get("value")
    amount_text = (state("amount", "amount").get("value") or "").strip()
    close_text = state("close", "close").get("selected_date")
    try:
        close = date.fromisoformat(close_text) if close_text else None
    except ValueError:
        close = None
    quality: dict[str, bool | None] = {}
    for item in BANTCC:
        chosen = (state(f"q_{item}", "value").get("selected_option") or {}).get("value")
        if chosen in ("yes", "no", "unknown"):
            quality[item] = {"yes": True, "no": False, "unknown": None}[chosen]
    errors = {}
    if amount_text and parse_amount(amount_text, loose=True) is None:
        errors["amount"] = "deal.update.bad_amount"
    form = UpdateForm(
        deal_id=selected,
        stage=stage,
        amount_text=amount_text,
        close=close,
        qualification=quality,
        note=(state("note", "note").get("value") or "").strip() or None,
        has_fields="stage" in values,
    )
    return form, errors


def update_modal(
    db: Database,
    actor: Actor,
    *,
    deal_id: object = None,
    message_text: str | None = None,
    channel: str | None = None,
    now: datetime,
) -> dict[str, Any]:
    """The "Update deal" modal: for a given deal, for the deal a message talks about (message
    shortcut: the text is read like a `/deal` line and prefills the form), or a picker."""
    lang = actor.lang
    prefill: dict[str, Any] = {}
    with db.transaction() as session:
        funnel = load_funnel(session, actor.team_id)
        choices = [
            render.DealChoice(deal_id, account, title)
            for deal_id, account, title in session.execute(
                select(Deal.id, Account.name, Deal.title)
                .join(Account, Account.id == Deal.account_id)
                .where(Deal.team_id == actor.team_id, Deal.owner_id == actor.person_id, Deal.status == "open")
                .order_by(Deal.stage_entered_at.desc())
                .limit(MAX_CHOICES)
            )
        ]
        deal = None
        if deal_id is not None:
            deal = access_deal(session, actor, deal_id)
        elif message_text:
            command = parse_deal_command(message_text, local_date(now, actor.tz))
            if command.ref and not command.problem:
                match = find_deals(session, actor, command.ref, deal_id=command.deal_id)
                if len(match.deals) == 1:
                    deal = match.deals[0]
                    prefill = _prefill(command, funnel)
            if deal is None:
                prefill = {"note": message_text[:2900]}
        view = deal_view(session, deal) if deal is not None and deal.status == "open" else None
    if deal is not None and view is None:
        raise DealError(f"deal.err.closed_{deal.status}", title=deal.title)
    if message_text and "note" not in prefill:
        prefill["note"] = message_text[:2900]
    return render.update_modal(view, funnel, lang, choices=choices, channel=channel, prefill=prefill)


def _prefill(command: DealCommand, funnel: Any) -> dict[str, Any]:
    prefill: dict[str, Any] = {}
    if command.op == "move":
        found = funnel.resolve(command.stage)
        if len(found) == 1:
            prefill["stage"] = found[0].key
    changes = command.changes
    if changes.amount is not None:
        prefill["amount"] = changes.amount
    if changes.expected_close is not None:
        prefill["close"] = changes.expected_close
    if changes.qualification:
        prefill["q"] = dict(changes.qualification)
    return prefill


def submit_update(db: Database, actor: Actor, meta: dict[str, Any], form: UpdateForm, now: datetime) -> Reply:
    """Save the update modal: fields first, then the stage move (which may ask to confirm)."""
    lang = actor.lang
    deal_id = form.deal_id or meta.get("d")
    if deal_id is None:
        return echo_reply(lang, "common.not_found", None)
    if not form.has_fields:
        return run_op(db, actor, {"a": "show", "d": deal_id}, now).reply or Reply(t(lang, "common.not_found"))
    changes = FieldChanges(expected_close=form.close, qualification=form.qualification)
    if form.amount_text:
        amount = parse_amount(form.amount_text, loose=True)
        if amount:
            changes.amount, changes.currency = amount
    op: dict[str, Any] = {"a": "set", "d": deal_id, "f": changes.to_json()}
    try:
        with db.transaction() as session:
            current = access_deal(session, actor, deal_id).stage_key
    except AccessError as exc:
        return echo_reply(lang, exc.message_key, form.note)
    if form.stage and form.stage != current:
        op = {**op, "a": "move", "to": form.stage}
        if form.note:
            op["n"] = form.note[:2000]
    outcome = run_op(db, actor, op, now)
    return outcome.reply or Reply(t(lang, "common.not_found"))
