"""The calendar's messages: the meeting prompt (one message per batch, one block per meeting,
each with its own buttons), `/coach calendar` replies, and the broken-calendar notice."""

from __future__ import annotations

from typing import Any

from bot.calendar.ops import CalendarStatus
from bot.calendar.prompts import PromptBatch, PromptMeeting
from bot.core.clock import zone
from bot.core.i18n import Lang, format_when, t
from bot.ui import blocks as bk
from bot.ui.reply import Reply

MAX_MEETINGS = 15  # 3 blocks each stay far below Slack's 50


def _when(lang: Lang, meeting: PromptMeeting, tz: str) -> str:
    start = meeting.starts_at.astimezone(zone(tz))
    end = meeting.ends_at.astimezone(zone(tz))
    return f"{format_when(lang, start)}–{end.strftime('%H:%M')}"


def meeting_line(lang: Lang, meeting: PromptMeeting, tz: str) -> str:
    return t(
        lang,
        "calendar.prompt.line",
        title=bk.escape(meeting.title or "—"),
        account=bk.escape(meeting.account),
        when=_when(lang, meeting, tz),
    )


def meeting_buttons(lang: Lang, meeting_id: int, *, log_only: bool = False) -> dict[str, Any]:
    buttons = [bk.button(t(lang, "calendar.prompt.log"), "meeting_log_visit", str(meeting_id), style="primary")]
    if not log_only:
        buttons += [
            bk.button(t(lang, "calendar.prompt.dismiss"), "meeting_dismiss", str(meeting_id)),
            bk.button(t(lang, "calendar.prompt.later"), "meeting_later", str(meeting_id)),
        ]
    return bk.actions(*buttons, block_id=f"mtgact_{meeting_id}")


def prompt_message(batch: PromptBatch) -> tuple[str, list[dict[str, Any]]]:
    """(text, blocks) of one prompt: "How did “Ricoh – A3 demo” go?" with its three buttons."""
    lang, meetings = batch.lang, batch.meetings[:MAX_MEETINGS]
    if len(meetings) == 1:
        text = t(lang, "calendar.prompt.one", title=meetings[0].title or "—")
    else:
        text = t(lang, "calendar.prompt.many", count=len(meetings))
    blocks: list[dict[str, Any]] = [bk.section(bk.escape(text))]
    for meeting in meetings:
        blocks.append(bk.section(meeting_line(lang, meeting, batch.tz), block_id=f"mtg_{meeting.id}"))
        blocks.append(meeting_buttons(lang, meeting.id))
    return text, blocks


def prompt_summary(batch: PromptBatch) -> str:
    return t(batch.lang, "calendar.prompt.summary", titles=", ".join(m.title for m in batch.meetings))[:300]


def answered(blocks: list[dict[str, Any]], meeting_id: int, note: str, *, keep_log: bool, lang: Lang) -> list:
    """The prompt's blocks after a button: the meeting's buttons replaced by `note` (and, for
    Later, only Log visit kept)."""
    out: list[dict[str, Any]] = []
    for block in blocks:
        block_id = str(block.get("block_id") or "")
        if block_id == f"mtgact_{meeting_id}":
            out.append(bk.context(note))
            if keep_log:
                out.append(meeting_buttons(lang, meeting_id, log_only=True))
            continue
        out.append(block)
    return out


def broken_notice(lang: Lang, code: str) -> tuple[str, list[dict[str, Any]]]:
    text = t(lang, "calendar.broken", reason=t(lang, f"calendar.error.{code}"))
    return text, [bk.section(text)]


# ----- /coach calendar ------------------------------------------------------------------------------
def _reply(text: str) -> Reply:
    return Reply(text, [bk.section(text)])


def connected_reply(lang: Lang, hint: str, found: int, error: str | None) -> Reply:
    if error:
        return _reply(t(lang, "calendar.connected_failing", hint=hint, reason=t(lang, f"calendar.error.{error}")))
    return _reply(t(lang, "calendar.connected", hint=hint, found=found))


def refused_reply(lang: Lang, code: str) -> Reply:
    return _reply(t(lang, "calendar.refused", reason=t(lang, f"calendar.error.{code}")))


def status_reply(lang: Lang, status: CalendarStatus | None, tz: str) -> Reply:
    if status is None:
        return _reply(t(lang, "calendar.none"))
    last = (
        format_when(lang, status.last_fetch_at.astimezone(zone(tz)))
        if status.last_fetch_at
        else t(lang, "calendar.status.never")
    )
    error = t(lang, f"calendar.error.{status.last_error}") if status.last_error else t(lang, "calendar.status.no_error")
    return _reply(
        t(
            lang,
            "calendar.status",
            hint=status.hint,
            last=last,
            found=status.meetings_found,
            upcoming=status.upcoming,
            error=error,
        )
    )


def off_reply(lang: Lang, removed: bool) -> Reply:
    return _reply(t(lang, "calendar.off.done" if removed else "calendar.off.none"))
