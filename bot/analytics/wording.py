"""The funnel's figures in words: one formatter for every surface that shows them.

App Home, `/pipeline`, the digests and the exports all print percentages, amounts and
conversion steps through these functions, so "D→C 0/6" and "65%" read the same everywhere.
Strings are in `bot/locales/analytics.py`.
"""

from __future__ import annotations

from decimal import Decimal

from bot.analytics.common import WON
from bot.analytics.conversion import StepRate
from bot.core.i18n import Lang, format_amount, join_list, t


def pct(rate: float | None) -> str:
    """A rate as a whole percentage; "—" when there is nothing to divide (never a false 0%)."""
    return "—" if rate is None else f"{rate:.0%}"


def money(amount: Decimal | float | int | None) -> str:
    """A compact amount without its currency ('120k', '1.25M'); "—" when unknown. One note per
    message says which currency."""
    return "—" if amount is None else format_amount(amount)


def step_key(lang: Lang, step: StepRate) -> str:
    """The step's column label: 'D→C', and 'O→Won' / 'O→赢单' after the last stage."""
    following = t(lang, "analytics.won") if step.next_key == WON else step.next_key
    return f"{step.stage.key}→{following}"


def step_names(lang: Lang, step: StepRate, steps: list[StepRate]) -> str:
    """'Demo / proposal → Close' (the last step: '… → Won')."""
    after = next((s.stage.name(lang) for s in steps if s.stage.key == step.next_key), None)
    return f"{step.stage.name(lang)} → {after or t(lang, 'analytics.won')}"


def step_count(lang: Lang, step: StepRate) -> str:
    """'0 of 6', with the pending deals when there are any: '0 of 6, 2 pending'."""
    text = t(lang, "analytics.count", advanced=step.advanced, entered=step.entered)
    if step.pending:
        text += t(lang, "analytics.pending", pending=step.pending)
    return text


def step_cell(lang: Lang, step: StepRate) -> str:
    """One step in a row of figures, labelled: 'D→C 0/6 0%', 'S→P 2/5 40% (3 pending)'."""
    text = t(lang, "analytics.cell", step=step_key(lang, step), advanced=step.advanced, entered=step.entered)
    text += " " + pct(step.rate)
    if step.pending:
        text += t(lang, "analytics.cell_pending", pending=step.pending)
    return text


def decided_cell(lang: Lang, step: StepRate) -> str:
    """One step of the decided-only reading: 'P→A 100%' (— when nothing is decided)."""
    return f"{step_key(lang, step)} {pct(step.decided_rate)}"


def separator(lang: Lang) -> str:
    """Between the items of a list: ', ' in English, '、' in Chinese (`bot.core.i18n.join_list`)."""
    return join_list(lang, ["", ""])
