"""What reps see of their deals: the deal card, the list by stage, questions, and the modals.

Everything is built with `bot.ui.blocks` (clipped to Slack's limits) and every string comes from
`bot/locales/deals.py`. Buttons carry only small JSON (`{"a": op, "d": deal id, …}`): the
handler sends it back to `bot.deals.commands.run_op`, which re-checks access on every click.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, NamedTuple

from bot.core.clock import local_date
from bot.core.config import BANTCC, LossReason
from bot.core.i18n import Lang, format_amount, format_day, join_list, t
from bot.deals.ops import DealView, MoveResult, NeedsConfirm
from bot.deals.stages import Funnel
from bot.ui import blocks as bk
from bot.ui.reply import Reply

QUALITY_MARK = {True: "✅", False: "❌", None: "❔"}


def q_label(lang: Lang, item: str) -> str:
    return t(lang, f"deal.q.{item}")


def money(view: DealView) -> str:
    return format_amount(view.amount, view.currency) if view.amount is not None else "—"


def days_in_stage(view: DealView, now: datetime) -> int:
    return max((now - view.stage_entered_at).days, 0)


def _stage_text(view: DealView, funnel: Funnel, lang: Lang, now: datetime) -> str:
    label = funnel.label(view.stage_key, lang)
    stage = funnel.get(view.stage_key)
    days = days_in_stage(view, now)
    text = t(lang, "deal.card.in_stage", stage=label, days=days)
    if stage and stage.max_days and days > stage.max_days and view.status == "open":
        text += " " + t(lang, "deal.card.stale", limit=stage.max_days)
    if stage and not stage.is_active:
        text += " " + t(lang, "deal.card.retired")
    return text


def card(
    view: DealView,
    funnel: Funnel,
    lang: Lang,
    now: datetime,
    tz: str,
    *,
    note: str | None = None,
    reason_names: dict[str, str] | None = None,
) -> Reply:
    """The deal card: where it stands, what is qualified, and what can be done next."""
    blocks: list[dict[str, Any]] = []
    if note:
        blocks.append(bk.section(note))
    title = f"*{bk.escape(view.title)}* — {bk.escape(view.account_name)}"
    blocks.append(bk.section(title))
    close = format_day(lang, view.expected_close) if view.expected_close else "—"
    fields = [
        f"*{t(lang, 'deal.card.stage')}*\n{_stage_text(view, funnel, lang, now)}",
        f"*{t(lang, 'deal.card.amount')}*\n{money(view)}",
        f"*{t(lang, 'deal.card.close')}*\n{close}",
        f"*{t(lang, 'deal.card.owner')}*\n" + (f"<@{view.owner_user}>" if view.owner_user else "—"),
    ]
    blocks.append(bk.section(fields=fields))
    quality = "  ".join(f"{QUALITY_MARK[view.qualification.get(i)]} {q_label(lang, i)}" for i in BANTCC)
    blocks.append(bk.context(quality))
    if view.status != "open":
        closed = format_day(lang, local_date(view.closed_at, tz)) if view.closed_at else "—"
        line = t(lang, f"deal.card.closed_{view.status}", day=closed)
        if view.reasons:
            names = reason_names or {}
            line += "\n" + t(
                lang, "deal.card.reasons", reasons=join_list(lang, (names.get(r, r) for r in view.reasons))
            )
        if view.lesson:
            line += "\n" + t(lang, "deal.card.lesson", lesson=bk.escape(view.lesson))
        blocks.append(bk.section(line))
    if view.history:
        lines = [history_line(entry, funnel, lang, tz) for entry in view.history]  # in full, oldest first
        more = lambda n: t(lang, "common.more", count=n)  # noqa: E731
        packed = bk.pack_lines(lines, max_blocks=HISTORY_BLOCKS, more=more)
        blocks += [bk.context(block["text"]["text"]) for block in packed]  # small print, as before
    if view.status == "open":
        blocks.append(card_actions(view, funnel, lang))
    text = f"{bk.escape(view.account_name)} — {bk.escape(view.title)}: {funnel.label(view.stage_key, lang)}"
    return Reply(text=(note + "\n" + text) if note else text, blocks=blocks)


HISTORY_BLOCKS = 10  # a deal's whole history (hundreds of moves) fits; beyond, "…and N more"


def card_actions(view: DealView, funnel: Funnel, lang: Lang) -> dict[str, Any]:
    elements = []
    nxt = funnel.next_after(view.stage_key)
    if nxt is not None:
        label = t(lang, "deal.btn.next", stage=f"{nxt.key} · {nxt.name(lang)}")
        elements.append(bk.button(label, "deal_next", {"a": "move", "d": view.id, "to": nxt.key}, style="primary"))
    elements.append(bk.button(t(lang, "deal.btn.update"), "deal_update", {"d": view.id}))
    elements.append(bk.button(t(lang, "deal.btn.won"), "deal_won", {"a": "won", "d": view.id}))
    elements.append(bk.button(t(lang, "deal.btn.lost"), "deal_lost", {"a": "lost", "d": view.id}, style="danger"))
    return bk.actions(*elements, block_id=f"deal_card_{view.id}")


def history_line(entry: Any, funnel: Funnel, lang: Lang, tz: str) -> str:
    when = format_day(lang, local_date(entry.changed_at, tz))
    target = t(lang, f"deal.outcome.{entry.to_stage}") if entry.to_stage in ("won", "lost") else entry.to_stage
    move = (
        t(lang, "deal.history.created", stage=target) if entry.from_stage is None else f"{entry.from_stage} → {target}"
    )
    who = f" <@{entry.changed_by}>" if entry.changed_by else ""
    flag = " " + t(lang, "deal.history.override") if entry.override else ""
    return f"{when}: {move}{who}{flag}"


def moved(result: MoveResult, funnel: Funnel, lang: Lang, now: datetime, tz: str) -> Reply:
    key = "deal.moved.back" if result.back else "deal.moved.forward"
    note = t(
        lang,
        key,
        title=bk.escape(result.deal.title),
        source=funnel.label(result.from_stage, lang),
        target=funnel.label(result.to_stage, lang),
    )
    if result.override:
        note += " " + t(lang, "deal.moved.override", items=join_list(lang, (q_label(lang, i) for i in result.unmet)))
    return card(result.deal, funnel, lang, now, tz, note=note)


def confirm_question(ask: NeedsConfirm, op: dict[str, Any], lang: Lang, funnel: Funnel) -> Reply:
    """'Authority not met yet — move anyway?' with the buttons that answer it."""
    if ask.kind == "criteria":
        items = join_list(lang, (q_label(lang, i) for i in ask.unmet))
        question = t(lang, "deal.confirm.criteria", items=items, stage=funnel.label(ask.target, lang))
        yes = t(lang, "deal.btn.move_anyway")
    else:
        question = t(lang, "deal.confirm.contacts", count=ask.contacts, minimum=ask.minimum)
        yes = t(lang, "deal.btn.lose_anyway")
    confirm = {**op, "d": ask.deal_id, "ov": 1}
    blocks = [
        bk.section(question),
        bk.actions(
            bk.button(yes, "deal_confirm", confirm, style="danger"),
            bk.button(t(lang, "common.cancel"), "deal_cancel", "cancel"),
        ),
    ]
    return Reply(text=question, blocks=blocks)


def pick_question(deals: list[DealView], op: dict[str, Any], funnel: Funnel, lang: Lang, ref: str) -> Reply:
    """Several deals match: one button per candidate, each carrying the pending operation."""
    question = t(lang, "deal.pick.question", ref=bk.escape(ref))
    buttons = [
        bk.button(
            f"{d.account_name} — {d.title} ({d.stage_key})",
            f"deal_pick_{i}",
            {**op, "d": d.id},
        )
        for i, d in enumerate(deals)
    ]
    buttons.append(bk.button(t(lang, "common.cancel"), "deal_cancel", "cancel"))
    return Reply(text=question, blocks=[bk.section(question), bk.actions(*buttons)])


def create_account_question(name: str, op: dict[str, Any], lang: Lang) -> Reply:
    question = t(lang, "deal.new.no_account", account=bk.escape(name))
    blocks = [
        bk.section(question),
        bk.actions(
            bk.button(t(lang, "deal.btn.create_account", account=name), "deal_create_account", op, style="primary"),
            bk.button(t(lang, "common.cancel"), "deal_cancel", "cancel"),
        ),
    ]
    return Reply(text=question, blocks=blocks)


def funnel_text(funnel: Funnel, lang: Lang) -> Reply:
    """The workspace's stages: key, names, probability, exit criteria, day limit."""
    lines = [f"*{t(lang, 'deal.stages.title')}*"]
    for i, s in enumerate(funnel.active, start=1):
        criteria = join_list(lang, (q_label(lang, c) for c in s.exit_criteria)) or "—"
        days = t(lang, "deal.stages.days", days=s.max_days) if s.max_days else ""
        percent = f"{(s.probability * 100).normalize():f}%"
        lines.append(
            f"{i}. *{s.key}* {s.name_en} / {s.name_zh} · {percent} · "
            + t(lang, "deal.stages.exit", items=criteria)
            + (f" · {days}" if days else "")
        )
    retired = [s for s in funnel.stages if not s.is_active]
    if retired:
        lines.append(t(lang, "deal.stages.retired", keys=join_list(lang, (s.key for s in retired))))
    text = "\n".join(lines)
    return Reply(text=text, blocks=[bk.section(text)])


def _meta(data: dict[str, Any]) -> str:
    return json.dumps(data, separators=(",", ":"))


def close_modal(
    view: DealView, outcome: str, reasons: list[LossReason], lang: Lang, *, override: bool, channel: str | None
) -> dict[str, Any]:
    """Won / lost: reasons from the team's taxonomy (required for a loss) and a lesson."""
    blocks: list[dict[str, Any]] = [bk.section(f"*{bk.escape(view.title)}* — {bk.escape(view.account_name)}")]
    if reasons:
        options = [bk.option(r.zh if lang == "zh" else r.en, r.key) for r in reasons]
        blocks.append(
            bk.input_block(
                "reasons",
                t(lang, f"deal.close.reasons_{outcome}"),
                bk.static_select("pick", options, placeholder=t(lang, "deal.close.reasons_placeholder"), multi=True),
                optional=outcome == "won",
            )
        )
    blocks.append(
        bk.input_block(
            "lesson",
            t(lang, f"deal.close.lesson_{outcome}"),
            bk.text_input("text", multiline=True, placeholder=t(lang, "deal.close.lesson_placeholder")),
            optional=True,
        )
    )
    meta = {"d": view.id, "o": outcome, "ov": 1 if override else 0, "ch": channel, "l": lang}
    return bk.modal(
        lang,
        t(lang, f"deal.close.title_{outcome}"),
        blocks,
        callback_id="deal_close",
        submit=t(lang, f"deal.close.submit_{outcome}"),
        private_metadata=_meta(meta),
    )


QUALITY_OPTIONS = ("yes", "no", "unknown")


class DealChoice(NamedTuple):
    """One deal in the update modal's picker."""

    id: int
    account_name: str
    title: str


def update_modal(
    view: DealView | None,
    funnel: Funnel,
    lang: Lang,
    *,
    choices: list[DealChoice],
    channel: str | None,
    prefill: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Update a deal: stage, amount, expected close, BANTCC. Without a deal, a picker first."""
    prefill = prefill or {}
    blocks: list[dict[str, Any]] = []
    deal_options = [bk.option(f"{c.account_name} — {c.title}", str(c.id)) for c in choices]
    if view is not None and str(view.id) not in {o["value"] for o in deal_options}:
        deal_options.insert(0, bk.option(f"{view.account_name} — {view.title}", str(view.id)))
    current = next((o for o in deal_options if view is not None and o["value"] == str(view.id)), None)
    if deal_options:
        select = bk.static_select("deal_update_pick", deal_options, placeholder=t(lang, "deal.update.pick"))
        if current:
            select["initial_option"] = current
        blocks.append(bk.input_block("deal", t(lang, "deal.update.deal"), select, dispatch_action=True))
    if view is None:
        if not deal_options:
            blocks.append(bk.section(t(lang, "deal.update.none")))
        return bk.modal(
            lang,
            t(lang, "deal.update.title"),
            blocks,
            callback_id="deal_update",
            submit=t(lang, "deal.update.open"),
            read_only=not deal_options,
            private_metadata=_meta({"d": None, "ch": channel, "l": lang}),
        )
    stage_options = [bk.option(f"{s.key} · {s.name(lang)}", s.key) for s in funnel.active]
    stage_key = prefill.get("stage") or view.stage_key
    initial_stage = next((o for o in stage_options if o["value"] == stage_key), None)
    if initial_stage is None and funnel.get(view.stage_key):
        stage_options.insert(0, bk.option(funnel.label(view.stage_key, lang), view.stage_key))
        initial_stage = stage_options[0]
    blocks.append(
        bk.input_block(
            "stage", t(lang, "deal.card.stage"), bk.static_select("stage", stage_options, initial=initial_stage)
        )
    )
    amount = prefill.get("amount", view.amount)
    blocks.append(
        bk.input_block(
            "amount",
            t(lang, "deal.card.amount"),
            bk.text_input("amount", initial=_plain_amount(amount), placeholder="120k / 12万 / ¥50,000"),
            optional=True,
        )
    )
    close = prefill.get("close", view.expected_close)
    blocks.append(
        bk.input_block(
            "close",
            t(lang, "deal.card.close"),
            bk.date_picker("close", initial=close.isoformat() if close else None),
            optional=True,
        )
    )
    options = [bk.option(t(lang, f"deal.q.value_{v}"), v) for v in QUALITY_OPTIONS]
    quality = {**view.qualification, **prefill.get("q", {})}
    for item in BANTCC:
        value = {True: "yes", False: "no", None: "unknown"}[quality.get(item)]
        initial = next(o for o in options if o["value"] == value)
        blocks.append(
            bk.input_block(f"q_{item}", q_label(lang, item), bk.static_select("value", options, initial=initial))
        )
    blocks.append(
        bk.input_block(
            "note",
            t(lang, "deal.update.note"),
            bk.text_input("note", multiline=True, initial=prefill.get("note")),
            optional=True,
        )
    )
    return bk.modal(
        lang,
        t(lang, "deal.update.title"),
        blocks,
        callback_id="deal_update",
        private_metadata=_meta({"d": view.id, "ch": channel, "l": lang}),
    )


def _plain_amount(amount: Any) -> str | None:
    if amount is None:
        return None
    text = f"{amount:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def closed(view: DealView, funnel: Funnel, lang: Lang, now: datetime, tz: str, reason_names: dict[str, str]) -> Reply:
    note = t(lang, f"deal.closed.{view.status}", title=bk.escape(view.title), account=bk.escape(view.account_name))
    return card(view, funnel, lang, now, tz, note=note, reason_names=reason_names)
