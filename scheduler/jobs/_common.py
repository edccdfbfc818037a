"""What the sweeps share: the workspaces to cover, and the plan → send split.

Each job has a `plan(session, team_id, at)` that selects (set-based) and renders what is due in
one workspace, as `Planned` messages, inside one transaction and without Slack, and a sweep
that hands them to the sender (`deliver_planned`): sent, or recorded as held on days off. The
benchmark times `plan` alone (bench/bench_scheduler.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.services import Services
from bot.people.install import active_workspaces
from bot.people.notify import Due
from scheduler.away import away_recipients
from scheduler.registry import JobContext
from scheduler.sender import Hold, Message, Send

Plan = Callable[[Session, str, datetime], list["Planned"]]


@dataclass
class Planned:
    """One person's message of the day for a job (or, when `due.held`, the message held back)."""

    due: Due
    text: str
    blocks: list[dict[str, Any]]
    summary: str
    items: Sequence[str] = field(default_factory=list)


def workspaces(services: Services) -> list[str]:
    """Installed workspaces (an uninstalled one gets nothing until it is installed again)."""
    with services.db.transaction() as session:
        return list(session.scalars(select(active_workspaces().subquery().c.team_id)))


def deliver_planned(ctx: JobContext, plan: Plan) -> int:
    """Plan each workspace's messages, then send them (or record them held); messages sent."""
    sends: list[Send] = []
    for team_id in workspaces(ctx.services):
        with ctx.services.db.transaction() as session:
            planned = plan(session, team_id, ctx.at)
        holds = [
            Hold(team_id, p.due.user_id, p.due.dedupe_key, p.due.held, p.summary, p.items)
            for p in planned
            if p.due.held
        ]
        ctx.sender.hold(*holds)
        ready = [p for p in planned if not p.due.held]
        # Someone Slack shows as away (DND, a 🌴 status) gets nothing now and no ledger entry:
        # a later sweep sends the day's message once they are back, if the window is still open.
        client = ctx.sender.client_for(team_id)
        away = away_recipients(ctx.services, client, team_id, [p.due.user_id for p in ready], ctx.at)
        for p in ready:
            if p.due.user_id in away:
                continue
            sends.append(
                Send(
                    team_id=team_id,
                    recipient=p.due.user_id,
                    dedupe_key=p.due.dedupe_key,
                    message=Message(text=p.text, blocks=p.blocks),
                    channel=p.due.dm_channel_id,
                    summary=p.summary,
                    items=list(p.items),
                )
            )
    ctx.sender.deliver_all(sends)
    return ctx.sender.sent
