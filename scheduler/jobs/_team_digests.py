"""Posting team digests through the ledger: once per team and period, thread included.

Each digest job (`manager-digest`, `weekly-digest`, `winloss-recap`, `tier-review`) sweeps
every team of every installed workspace, asks `bot.digests.service.due` whether its digest is
due now in the manager's time zone, and if so posts:

1. the parent message to the team's digest channel (or the manager's DM when the team has
   none), keyed by the period (`2026-11-23`, `2026-W48`, `2026-12`): the ledger sends it once;
2. the thread: what did not fit the parent, the digest's own replies (one per closed deal in
   the recap), then the charts (one upload with both PNGs), each keyed `<period>:part:<n>`,
   in order. After a crash the parent comes back `already_sent` with its ts and only the
   missing parts are posted.

The parent records how many parts its thread has; a sweep that finds the parent and all its
parts sent does not build the digest again.
"""

from __future__ import annotations

import logging

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.digests import service
from bot.digests.layout import Rendered
from bot.people.teams import TeamInfo, all_teams
from scheduler import ledger
from scheduler.jobs._common import workspaces
from scheduler.registry import JobContext
from scheduler.sender import FileUpload, Message, Send
from storage.models import Delivery

log = logging.getLogger("scheduler.digests")
PARTS = "parts:"
# Errors with which a channel refuses a post for good: the manager gets the digest by DM.
REFUSALS = frozenset({"not_in_channel", "channel_not_found", "is_archived", "restricted_action"})


def _parts(rendered: Rendered) -> list[Message]:
    messages = [Message(text=reply.text, blocks=reply.blocks) for reply in rendered.replies]
    if rendered.charts:
        files = [FileUpload(c.filename, c.png, c.title) for c in rendered.charts]
        messages.append(Message(text=" · ".join(c.title for c in rendered.charts), files=files))
    return messages


def _parent(session: Session, job: str, team: TeamInfo, recipient: str, key: str) -> Delivery | None:
    return session.scalar(
        select(Delivery).where(
            Delivery.team_id == team.team_id,
            Delivery.job == job,
            Delivery.recipient == recipient,
            Delivery.dedupe_key == key,
        )
    )


def _refusal(ctx: JobContext, job: str, team: TeamInfo, recipient: str, key: str) -> str:
    """The Slack error that refused the parent for good ('' if it was not refused)."""
    with ctx.services.db.transaction() as session:
        parent = _parent(session, job, team, recipient, key)
        error = (parent.last_error or "") if parent is not None and parent.status == "failed" else ""
        return error if error in REFUSALS and parent is not None and parent.attempts >= ledger.MAX_ATTEMPTS else ""


def _refused(ctx: JobContext, job: str, team: TeamInfo, recipient: str, key: str) -> bool:
    return bool(_refusal(ctx, job, team, recipient, key))


def _target(ctx: JobContext, job: str, team: TeamInfo, key: str) -> str:
    """Where the digest goes now: the team's channel, or the manager once it refused for good."""
    if team.channel_id and not _refused(ctx, job, team, team.channel_id, key):
        return team.channel_id
    return team.manager_user_id


def _complete(ctx: JobContext, job: str, team: TeamInfo, recipient: str, key: str) -> bool:
    """The parent and every planned part are in Slack (or the parent was given up on)."""
    with ctx.services.db.transaction() as session:
        parent = _parent(session, job, team, recipient, key)
        if parent is None:
            return False
        if parent.status == "held" or (parent.status == "failed" and parent.attempts >= ledger.MAX_ATTEMPTS):
            return True
        if parent.status != "sent":
            return False
        planned = next((int(str(i)[len(PARTS) :]) for i in parent.items or [] if str(i).startswith(PARTS)), 0)
        sent = session.scalar(
            select(func.count()).where(
                Delivery.team_id == team.team_id,
                Delivery.job == job,
                Delivery.recipient == recipient,
                Delivery.dedupe_key.like(f"{key}:part:%"),
                Delivery.status == "sent",
            )
        )
        return int(sent or 0) >= planned


def deliver_team(
    ctx: JobContext, kind: str, team: TeamInfo, due: service.Due, rendered: Rendered | None = None
) -> None:
    """Post `kind` for `team` (parent, then its thread). When the team's channel refuses the
    post for good (the bot was never invited, the channel is gone), the manager gets the digest
    by DM instead, after a note that says why and how to fix it."""
    job = service.JOBS[kind]
    channel = team.channel_id
    if channel and not _refused(ctx, job, team, channel, due.key):
        if _complete(ctx, job, team, channel, due.key):
            return
        if rendered is None:
            rendered = service.team_digest(ctx.services.db, team.team_id, team.id, kind, ctx.at, due.today)
        if _post(ctx, job, team, channel, due, rendered) != "refused":
            return
    # No channel, or the channel refused the digest for good: the manager's DM.
    manager = team.manager_user_id
    if _complete(ctx, job, team, manager, due.key):
        return
    if rendered is None:
        rendered = service.team_digest(ctx.services.db, team.team_id, team.id, kind, ctx.at, due.today)
    if channel:
        note = service.channel_refused_note(team, _refusal(ctx, job, team, channel, due.key))
        ctx.sender.deliver(
            Send(
                team_id=team.team_id,
                recipient=manager,
                # Once per channel (and digest kind), never again each day: the manager knows.
                dedupe_key=f"channel-refused:{channel}",
                message=Message(text=note.text, blocks=note.blocks),
                summary=f"{job} {team.name} {due.key}: channel refused",
            )
        )
    _post(ctx, job, team, manager, due, rendered)


def _post(ctx: JobContext, job: str, team: TeamInfo, recipient: str, due: service.Due, rendered: Rendered) -> str:
    """Post the parent and its thread to `recipient`: 'done', 'later' (a later sweep resumes)
    or 'refused' (the conversation refused the parent for good)."""
    parts = _parts(rendered)
    summary = f"{job} {team.name} {due.key}"
    parent = ctx.sender.deliver(
        Send(
            team_id=team.team_id,
            recipient=recipient,
            dedupe_key=due.key,
            message=Message(text=rendered.parent.text, blocks=rendered.parent.blocks),
            summary=summary,
            items=[f"{PARTS}{len(parts)}", f"team:{team.id}", *rendered.ledger_items],
        )
    )
    if not parent.ok:
        log.warning("%s for team %s not posted: %s %s", job, team.id, parent.status, parent.error or "")
        return "refused" if parent.error in REFUSALS else "later"
    for number, message in enumerate(parts, start=1):
        result = ctx.sender.deliver(
            Send(
                team_id=team.team_id,
                recipient=recipient,
                dedupe_key=f"{due.key}:part:{number}",
                message=message,
                channel=parent.channel,
                thread_ts=parent.ts,
                summary=f"{summary} ({number}/{len(parts)})",
            )
        )
        if not result.ok:  # keep the thread in order: a later sweep resumes from here
            log.warning("%s part %d for team %s: %s %s", job, number, team.id, result.status, result.error or "")
            return "later"
    return "done"


def sweep_digests(ctx: JobContext, kind: str) -> int:
    """Post `kind` for every team whose manager's local time says it is due."""
    due_teams: list[tuple[TeamInfo, service.Due]] = []
    for team_id in workspaces(ctx.services):
        with ctx.services.db.transaction() as session:
            for team in all_teams(session, team_id):
                if not team.members:
                    continue
                due = service.due_for_team(session, team, kind, ctx.at)
                if due is not None:
                    due_teams.append((team, due))
    job = service.JOBS[kind]
    # Build only what still has to go out (the next team's figures read while one is drawn).
    pending = [
        (team, due)
        for team, due in due_teams
        if not _complete(ctx, job, team, _target(ctx, job, team, due.key), due.key)
    ]
    for team, due, rendered in service.team_digests(ctx.services.db, pending, kind, ctx.at):
        if isinstance(rendered, Exception):
            log.error("%s could not be built for team %s: %r", job, team.id, rendered)
            continue
        try:
            deliver_team(ctx, kind, team, due, rendered)
        except Exception:  # one team's failure must not stop the others
            log.exception("%s failed for team %s", job, team.id)
    return ctx.sender.sent
