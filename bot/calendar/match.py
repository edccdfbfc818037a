"""Which calendar occurrences are customer meetings, and with whom.

A customer meeting is matched to one of the rep's visible accounts by an attendee's email (a
contact's email, or an account's email domain), else by an account's name or alias in the
title (bot/accounts/matching.py, both scripts). Ignored: private (CLASS:PRIVATE/CONFIDENTIAL),
cancelled and all-day events, and internal-only ones (every participant at one email domain
that no account owns: colleagues among themselves, whatever the title says).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.accounts.matching import account_keys, accounts_named_in
from bot.calendar.events import Occurrence
from bot.core.access import team_person_ids
from bot.core.actor import Actor
from storage.models import Account, AccountDomain, Contact

_LINK = re.compile(
    r"https?://[^\s]*(zoom\.us|teams\.microsoft\.com|teams\.live\.com|meet\.google\.com|webex\.com|"
    r"gotomeeting\.com|whereby\.com|meeting\.tencent\.com|voovmeeting\.com|feishu\.cn|dingtalk\.com)",
    re.IGNORECASE,
)
_URL = re.compile(r"^\s*https?://", re.IGNORECASE)
_DIAL = re.compile(r"(tel:\+?\d|dial[- ]?in|conference call|电话会议|拨入)", re.IGNORECASE)


def channel_of(occurrence: Occurrence) -> str:
    """in_person for a physical location, video for a meeting link, phone for a dial-in."""
    location = occurrence.location
    if location and not _URL.match(location) and not _LINK.search(location) and not _DIAL.search(location):
        return "in_person"
    text = f"{location} {occurrence.description}"
    if _LINK.search(text) or _URL.match(location):
        return "video"
    if _DIAL.search(text):
        return "phone"
    return "in_person"


def domain_of(email: str) -> str:
    return email.rsplit("@", 1)[-1]


@dataclass
class Directory:
    """What one rep's occurrences are matched against (loaded once per read, set-based)."""

    contacts: dict[str, tuple[int, int, str]] = field(default_factory=dict)  # email → (contact, account, name)
    domains: dict[str, int] = field(default_factory=dict)  # domain → account
    names: list[tuple[str, int]] = field(default_factory=list)


def load_directory(session: Session, actor: Actor, occurrences: list[Occurrence]) -> Directory:
    """The contacts and domains of the rep's visible accounts that these occurrences mention."""
    emails = {a.email for o in occurrences for a in o.attendees} | {o.organizer for o in occurrences if o.organizer}
    emails.discard(None)
    domains = {domain_of(e) for e in emails if e}
    people = team_person_ids(session, actor)
    visible: list[Any] = [Account.team_id == actor.team_id, Account.archived_at.is_(None)]
    if people is not None:
        visible.append(Account.owner_id.in_(people) | Account.owner_id.is_(None))
    directory = Directory(names=account_keys(session, actor))
    if emails:
        for cid, aid, name, email in session.execute(
            select(Contact.id, Contact.account_id, Contact.name, Contact.email)
            .join(Account, Account.id == Contact.account_id)
            .where(Contact.team_id == actor.team_id, Contact.email.in_(sorted(e for e in emails if e)), *visible)
        ):
            directory.contacts[str(email)] = (cid, aid, name)
    if domains:
        for domain, aid in session.execute(
            select(AccountDomain.domain, AccountDomain.account_id)
            .join(Account, Account.id == AccountDomain.account_id)
            .where(AccountDomain.team_id == actor.team_id, AccountDomain.domain.in_(sorted(domains)), *visible)
        ):
            directory.domains[domain] = aid
    return directory


@dataclass(frozen=True)
class Match:
    account_id: int
    channel: str
    attendees: list[dict[str, Any]]


def match(occurrence: Occurrence, directory: Directory) -> Match | None:
    """The account this occurrence is a meeting with, or None (not a customer meeting)."""
    if occurrence.private or occurrence.cancelled or occurrence.all_day:
        return None
    participants = [a.email for a in occurrence.attendees]
    if occurrence.organizer and occurrence.organizer not in participants:
        participants.append(occurrence.organizer)
    votes: Counter[int] = Counter()
    for email in participants:
        if email in directory.contacts:
            votes[directory.contacts[email][1]] += 1
        elif domain_of(email) in directory.domains:
            votes[directory.domains[domain_of(email)]] += 1
    named = accounts_named_in(directory.names, occurrence.title)
    account_id: int | None = None
    if votes:
        best = max(votes.values())
        leaders = sorted(a for a, n in votes.items() if n == best)
        in_title = [a for a in leaders if a in named]
        account_id = leaders[0] if len(leaders) == 1 else (in_title[0] if len(in_title) == 1 else None)
    else:
        internal_only = len(participants) >= 2 and len({domain_of(e) for e in participants}) == 1
        if not internal_only and len(named) == 1:
            account_id = next(iter(named))
    if account_id is None:
        return None
    attendees = []
    for a in occurrence.attendees:
        known = directory.contacts.get(a.email)
        if known is not None and known[1] == account_id:
            attendees.append({"email": a.email, "name": known[2], "contact_id": known[0]})
        elif known is None and directory.domains.get(domain_of(a.email)) == account_id:
            attendees.append({"email": a.email, "name": a.name or a.email.split("@", 1)[0], "contact_id": None})
    return Match(account_id, channel_of(occurrence), attendees)
