"""What `/visit` answers: the stored visit restated, questions with buttons, and help.

Every reply is in the rep's language, restates exactly what was stored (the due date with its
weekday, in the rep's time zone), says what was not understood, and gives the rep's own text
back whenever something was left out, so nothing typed is ever lost.
"""

from __future__ import annotations

from datetime import datetime

from bot.core.clock import zone
from bot.core.i18n import Lang, format_day, format_when, join_list, t
from bot.ui import blocks as bk
from bot.ui.reply import Reply, quoted_sections
from bot.visits.ops import (
    AskAccount,
    AskContact,
    Blocked,
    Choices,
    LineOutcome,
    Logged,
    OfferCreate,
    VisitList,
    VisitView,
)
from bot.visits.parse import CHANNELS, Issue, ParsedVisit
from bot.visits.state import Pending, encode


def when(lang: Lang, instant: datetime, tz: str | None) -> str:
    return format_when(lang, instant.astimezone(zone(tz)))


def channel_label(lang: Lang, channel: str) -> str:
    key = f"visit.channel.{channel}"
    return t(lang, key) if channel in CHANNELS else channel


def role_label(lang: Lang, role: str | None) -> str:
    if role in ("decision_maker", "influencer", "user", "purchaser", "coach"):
        return f" ({t(lang, f'visit.role.{role}')})" if lang == "en" else f"({t(lang, f'visit.role.{role}')})"
    return ""


def echo_blocks(lang: Lang, original: str) -> list[bk.Block]:
    """The rep's text, whole, after a line saying it is theirs to copy."""
    return [bk.context(t(lang, "visit.you_typed")), *quoted_sections(original)]


def _issue_text(lang: Lang, issue: Issue, prefix: str) -> str:
    return t(lang, f"{prefix}.{issue.key}", text=bk.escape(issue.text[:200]))


def issues_block(lang: Lang, issues: list[Issue]) -> list[bk.Block]:
    if not issues:
        return []
    lines = "\n".join(f"• {_issue_text(lang, issue, 'visit.issue')}" for issue in issues[:20])
    return [bk.section(f"*{t(lang, 'visit.issues.title')}*\n{lines}")]


# ----- a stored visit --------------------------------------------------------------------------
def contact_lines(lang: Lang, visit: VisitView) -> str:
    if not visit.contacts:
        return t(lang, "visit.no_contacts")
    lines = []
    for c in visit.contacts:
        change = ""
        if c.created:
            change = t(lang, "visit.contact.new")
        elif c.level_before != c.level_after:
            change = t(lang, "visit.contact.was", before=c.level_before)
        lines.append(
            "• "
            + t(
                lang,
                "visit.contact.line",
                name=bk.escape(c.name),
                role=role_label(lang, c.role),
                after=c.level_after,
                change=change,
            )
        )
    return "\n".join(lines)


def next_step_text(lang: Lang, visit: VisitView, tz: str | None) -> str:
    if not visit.next_step:
        return t(lang, "visit.none")
    step = bk.escape(visit.next_step)
    if visit.next_due is None:
        return t(lang, "visit.next.no_due", step=step)
    return t(lang, "visit.next.due", step=step, due=when(lang, visit.next_due, tz))


def visit_fields(lang: Lang, visit: VisitView, tz: str | None, *, channel_assumed: bool = False) -> list[bk.Block]:
    channel = channel_label(lang, visit.channel)
    if channel_assumed:
        channel = t(lang, "visit.channel_assumed", channel=channel)
    blocks = [
        bk.section(
            fields=[
                f"*{t(lang, 'visit.field.when')}*\n{when(lang, visit.occurred_at, tz)}",
                f"*{t(lang, 'visit.field.channel')}*\n{channel}",
            ]
        ),
        bk.section(f"*{t(lang, 'visit.field.contacts')}*\n{contact_lines(lang, visit)}"),
    ]
    if visit.purpose:
        blocks.append(bk.section(f"*{t(lang, 'visit.field.purpose')}*\n{bk.escape(visit.purpose)}"))
    if visit.notes:
        blocks.append(bk.section(f"*{t(lang, 'visit.field.notes')}*\n{bk.escape(visit.notes)}"))
    blocks.append(bk.section(f"*{t(lang, 'visit.field.next')}*\n{next_step_text(lang, visit, tz)}"))
    return blocks


def visit_buttons(lang: Lang, visit: VisitView) -> bk.Block:
    value = str(visit.id)
    return bk.actions(
        bk.button(t(lang, "visit.button.edit"), "visit_edit", value),
        bk.button(
            t(lang, "visit.button.undo"),
            "visit_undo",
            value,
            style="danger",
            confirm=bk.confirm_dialog(
                t(lang, "visit.undo.confirm_title"),
                t(lang, "visit.undo.confirm_text"),
                t(lang, "visit.button.undo"),
                t(lang, "common.cancel"),
            ),
        ),
        bk.button(t(lang, "visit.button.follow_up"), "visit_add_follow_up", value),
        block_id=f"visit_buttons_{visit.id}",
    )


def render_logged(lang: Lang, tz: str | None, logged: Logged, *, updated: bool = False) -> Reply:
    visit = logged.visit
    account = bk.escape(visit.account_name)
    title = t(lang, "visit.updated.title" if updated else "visit.logged.title", account=account)
    blocks: list[bk.Block] = [bk.section(f"✅ {title}")]
    if logged.duplicate:
        blocks.append(bk.context(t(lang, "visit.logged.duplicate")))
    if logged.owner_name:
        blocks.append(bk.context(t(lang, "visit.logged.shared", account=account, owner=bk.escape(logged.owner_name))))
    blocks.extend(visit_fields(lang, visit, tz, channel_assumed=logged.channel_assumed))
    if visit.lead_closed:
        blocks.append(bk.context(t(lang, "visit.lead_closed", hours=f"{visit.lead_hours:g}")))
    if logged.due_moved is not None:
        reason = t(lang, f"visit.due_moved.{logged.due_moved.reason}")
        blocks.append(bk.context(t(lang, "visit.due_moved", day=format_day(lang, logged.due_moved.day), reason=reason)))
    issues = logged.parsed.issues if logged.parsed else []
    blocks.extend(issues_block(lang, issues))
    blocks.append(visit_buttons(lang, visit))
    if issues and logged.parsed:
        blocks.extend(echo_blocks(lang, logged.parsed.original))
    summary = [title.replace("*", ""), channel_label(lang, visit.channel)]
    if visit.contacts:
        summary.append(join_list(lang, (f"{c.name} ({c.level_after})" for c in visit.contacts)))
    if visit.next_step:
        summary.append(next_step_text(lang, visit, tz))
    return Reply(text=" · ".join(summary), blocks=blocks[:50])


# ----- what was understood (when nothing was stored) -----------------------------------------
def understood_lines(lang: Lang, parsed: ParsedVisit, tz: str | None) -> list[str]:
    lines: list[str] = []

    def add(key: str, text: str | None) -> None:
        if text:
            lines.append("• " + t(lang, f"visit.understood.{key}", text=bk.escape(text[:300])))

    add("account", parsed.account)
    add(
        "contacts",
        join_list(
            lang, (c.name + role_label(lang, c.role) + (f" [{c.title}]" if c.title else "") for c in parsed.contacts)
        ),
    )
    if parsed.channel or parsed.channel_implied:
        add("channel", channel_label(lang, parsed.resolved_channel))
    if parsed.visit_date:
        add("date", f"{parsed.date_text} → {format_day(lang, parsed.visit_date)}")
    elif parsed.date_text:
        add("date", parsed.date_text)
    add("purpose", parsed.purpose)
    add("notes", parsed.notes)
    if parsed.level is not None:
        add("level", str(parsed.level))
    if parsed.next_step or parsed.due_text:
        due = when(lang, parsed.next_due, tz) if parsed.next_due else (parsed.due_text or "")
        add("next", " · ".join(x for x in (parsed.next_step, due) if x))
    return lines


def _understood_block(lang: Lang, parsed: ParsedVisit, tz: str | None) -> bk.Block:
    lines = understood_lines(lang, parsed, tz) or [t(lang, "visit.understood.nothing")]
    return bk.section(f"*{t(lang, 'visit.understood.title')}*\n" + "\n".join(lines))


def _open_form_button(lang: Lang, text: str) -> dict | None:
    value = encode(Pending(text, None, Choices()))
    return bk.button(t(lang, "visit.button.open_form"), "visit_open_form", value) if value else None


def render_blocked(lang: Lang, parsed: ParsedVisit, tz: str | None) -> Reply:
    """Nothing was stored: why, what was understood, what was not, and the text back."""
    reasons = [_issue_text(lang, issue, "visit.blocked") for issue in parsed.blocking]
    title = t(lang, "visit.blocked.title")
    blocks: list[bk.Block] = [bk.section(f"*{title}* " + " ".join(reasons))]
    if parsed.blocking[0].key not in ("empty", "too_long"):
        blocks.append(_understood_block(lang, parsed, tz))
        blocks.extend(issues_block(lang, parsed.issues))
    button = _open_form_button(lang, parsed.original) if parsed.blocking[0].key != "too_long" else None
    if button and parsed.original.strip():
        blocks.append(bk.actions(button, block_id="visit_blocked_actions"))
    if parsed.original.strip():
        blocks.extend(echo_blocks(lang, parsed.original))
    return Reply(text=f"{title} {' '.join(reasons)}\n{bk.escape(parsed.original)}", blocks=blocks[:50])


# ----- questions -------------------------------------------------------------------------------
def _question(
    lang: Lang, question: str, buttons: list[dict], parsed: ParsedVisit, tz: str | None, block_id: str
) -> Reply:
    blocks: list[bk.Block] = [bk.section(question)]
    if buttons:
        blocks.append(bk.actions(*buttons, block_id=block_id))
    else:
        blocks.append(bk.context(t(lang, "visit.ask.too_long")))
    blocks.append(_understood_block(lang, parsed, tz))
    blocks.extend(issues_block(lang, parsed.issues))
    blocks.extend(echo_blocks(lang, parsed.original))
    return Reply(text=f"{question}\n{bk.escape(parsed.original)}", blocks=blocks[:50])


def render_ask_account(lang: Lang, ask: AskAccount, request_key: str | None, tz: str | None) -> Reply:
    key = "visit.ask.account" if ask.exact else "visit.ask.account_typo"
    question = t(lang, key, text=bk.escape(ask.phrase[:100]))
    buttons: list[dict] = []
    for i, candidate in enumerate(ask.candidates[:5]):
        choices = Choices(account_id=candidate.id, contacts=ask.choices.contacts)
        value = encode(Pending(ask.parsed.original, request_key, choices))
        if value is None:
            buttons = []
            break
        buttons.append(bk.button(candidate.name, f"visit_pick_account_{i}", value))
    if buttons and not ask.exact:
        create = Choices(create_account=True)
        value = encode(Pending(ask.parsed.original, request_key, create))
        if value:
            buttons.append(bk.button(t(lang, "visit.ask.create", text=ask.phrase[:40]), "visit_create_account", value))
    return _question(lang, question, buttons, ask.parsed, tz, "visit_ask_account")


def render_offer_create(lang: Lang, offer: OfferCreate, request_key: str | None, tz: str | None) -> Reply:
    question = t(lang, "visit.offer.create", text=bk.escape(offer.name[:100]))
    create = Choices(create_account=True, contacts=offer.choices.contacts)
    value = encode(Pending(offer.parsed.original, request_key, create))
    buttons = []
    if value:
        buttons.append(
            bk.button(
                t(lang, "visit.offer.create_button", text=offer.name[:40]),
                "visit_create_account",
                value,
                style="primary",
            )
        )
        form = _open_form_button(lang, offer.parsed.original)
        if form:
            buttons.append(form)
    return _question(lang, question, buttons, offer.parsed, tz, "visit_offer_create")


def render_ask_contact(lang: Lang, ask: AskContact, request_key: str | None, tz: str | None) -> Reply:
    question = t(lang, "visit.ask.contact", text=bk.escape(ask.phrase[:100]), account=bk.escape(ask.account_name))
    buttons: list[dict] = []
    options = [(c.name, c.id) for c in ask.candidates[:5]]
    options.append((t(lang, "visit.ask.new_contact", text=ask.phrase[:40]), 0))
    for i, (label, contact_id) in enumerate(options):
        value = encode(Pending(ask.parsed.original, request_key, ask.choices.with_contact(ask.index, contact_id)))
        if value is None:
            buttons = []
            break
        buttons.append(bk.button(label, f"visit_pick_contact_{i}", value))
    return _question(lang, question, buttons, ask.parsed, tz, "visit_ask_contact")


# ----- list, today, help -----------------------------------------------------------------------
def list_line(lang: Lang, visit: VisitView, tz: str | None) -> str:
    contacts = ""
    if visit.contacts:
        contacts = " · " + join_list(lang, (bk.escape(c.name) for c in visit.contacts[:5]))
    nxt = ""
    if visit.next_step:
        due = when(lang, visit.next_due, tz) if visit.next_due else t(lang, "visit.none")
        nxt = t(lang, "visit.list.next", step=bk.escape(visit.next_step[:200]), due=due)
    return t(
        lang,
        "visit.list.line",
        when=when(lang, visit.occurred_at, tz),
        account=bk.escape(visit.account_name),
        channel=channel_label(lang, visit.channel),
        contacts=contacts,
        next=nxt,
    )


def render_list(lang: Lang, tz: str | None, visits: VisitList, *, today: bool = False) -> Reply:
    if today:
        title = t(lang, "visit.today.title", count=len(visits.visits), standard=visits.standard)
    else:
        title = t(lang, "visit.list.title")
    if not visits.visits:
        empty = t(lang, "visit.today.empty" if today else "visit.list.empty")
        return Reply(text=f"{title}\n{empty}", blocks=[bk.section(f"*{title}*"), bk.section(empty)])
    lines = [list_line(lang, v, tz) for v in visits.visits]
    blocks = bk.pack_lines(lines, max_blocks=40, title=f"*{title}*", more=lambda n: t(lang, "common.more", count=n))
    return Reply(text=title, blocks=blocks)


def render_help(lang: Lang) -> Reply:
    text = t(lang, "visit.help")
    return Reply(text=text, blocks=[bk.section(text)])


def render_outcome(lang: Lang, tz: str | None, outcome: LineOutcome, request_key: str | None) -> Reply:
    """The reply to a `/visit` line or to a click that continues one."""
    if isinstance(outcome, Logged):
        return render_logged(lang, tz, outcome)
    if isinstance(outcome, Blocked):
        return render_blocked(lang, outcome.parsed, tz)
    if isinstance(outcome, AskAccount):
        return render_ask_account(lang, outcome, request_key, tz)
    if isinstance(outcome, OfferCreate):
        return render_offer_create(lang, outcome, request_key, tz)
    return render_ask_contact(lang, outcome, request_key, tz)
