"""What the sweeps share: the workspaces to cover, and one message per person as a `Send`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from bot.install import active_workspaces
from bot.notify import Due
from bot.services import Services
from scheduler.registry import JobContext
from scheduler.sender import Message, Send


def workspaces(services: Services) -> list[str]:
    """Installed workspaces (an uninstalled one gets nothing until it is installed again)."""
    with services.db.transaction() as session:
        return list(session.scalars(select(active_workspaces().subquery().c.team_id)))


def send_or_hold(
    ctx: JobContext,
    sends: list[Send],
    team_id: str,
    due: Due,
    text: str,
    blocks: list[dict[str, Any]],
    *,
    summary: str,
    items: Sequence[str],
) -> None:
    """Queue today's message for `due`, or record it as held (time off, holiday, weekend)."""
    if due.held:
        ctx.sender.hold(
            team_id=team_id,
            recipient=due.user_id,
            dedupe_key=due.dedupe_key,
            reason=due.held,
            summary=summary,
            items=items,
        )
        return
    sends.append(
        Send(
            team_id=team_id,
            recipient=due.user_id,
            dedupe_key=due.dedupe_key,
            message=Message(text=text, blocks=blocks),
            channel=due.dm_channel_id,
            summary=summary,
            items=list(items),
        )
    )
