"""Visit operations: log (from a line or the modal), edit, undo, add a follow-up, list.

Each `do_*` runs in one transaction and applies the rules of docs/method.md §2–3 in one place
(`_apply`): in-person and informal visits move the contacts' last face-to-face meeting,
informal lifts the level to at least 3, new contacts start at 0 and take the level the visit
implies, the next step becomes an open follow-up, a visit to a lead closes its new-lead clock,
and the account's contact count follows. What `_apply` changes on contacts is recorded in
`visit_contacts` so `_revert` (Undo, Edit) can put it back.

A line is resolved against the database here, never silently: one clear account is used;
several are asked about; none is offered for creation. The caller passes the rep's answers
back in `Choices` (ids that go through `bot.core.access`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.accounts.create import create_account
from bot.accounts.matching import EXACT, PREFIX, Candidate, find_accounts, find_contacts, rank_contacts
from bot.core.access import (
    AccessError,
    NotAllowed,
    access_account,
    access_account_to_log,
    access_contact,
    access_visit,
    access_visit_to_change,
)
from bot.core.actor import Actor
from bot.core.i18n import t
from bot.core.text import normalize
from bot.leads.ops import close_lead_clocks, reopen_lead_clocks
from bot.people.members import workspace_config
from bot.people.notify import DueMove, working_due
from bot.visits import audit
from bot.visits.dates import is_relative
from bot.visits.known import Recognised, recognise
from bot.visits.names import name_index
from bot.visits.parse import ParsedContact, ParsedVisit, clean_phrase, is_meaningful, join_phrases, parse_visit
from storage.db import Database
from storage.models import Account, AccountAlias, Contact, Deal, FollowUp, Person, Visit, VisitContact
from storage.queries.sql import insert_ignoring_conflict

UNDO_WINDOW = timedelta(minutes=10)
IMPLIED_LEVEL = {"phone": 1, "im": 1, "email": 1, "video": 1, "in_person": 2, "informal": 3}
FACE_TO_FACE = ("in_person", "informal")


class UndoTooLate(AccessError):
    message_key = "visit.undo.too_late"


class NotYourVisit(NotAllowed):
    message_key = "visit.not_yours"


# ----- inputs and outcomes ---------------------------------------------------------------------
@dataclass(frozen=True)
class ContactInput:
    """A contact met: an existing one (`contact_id`) or a new one (`name`)."""

    contact_id: int | None = None
    name: str | None = None
    role: str | None = None
    title: str | None = None
    level: int | None = None  # explicit level for this contact


@dataclass(frozen=True)
class VisitInput:
    account_id: int | None
    channel: str
    new_account_name: str | None = None
    contacts: tuple[ContactInput, ...] = ()
    occurred_at: datetime | None = None  # None: now
    purpose: str | None = None
    notes: str | None = None
    next_step: str | None = None
    next_due: datetime | None = None
    level: int | None = None  # level for contacts without their own
    due_moved: DueMove | None = None  # a relative due date moved off a day off
    raw_text: str | None = None
    source: str = "command"
    permalink: str | None = None
    shared_account: bool = False  # a teammate's account the rep named exactly (bot.visits.known)


@dataclass(frozen=True)
class Choices:
    """The rep's answers to our questions about a line (ids are checked through bot.core.access)."""

    account_id: int | None = None
    create_account: bool = False
    contacts: tuple[tuple[int, int], ...] = ()  # (parsed contact index, contact id or 0 = new)

    def contact_choice(self, index: int) -> int | None:
        for i, cid in self.contacts:
            if i == index:
                return cid
        return None

    def with_contact(self, index: int, contact_id: int) -> Choices:
        kept = tuple((i, c) for i, c in self.contacts if i != index)
        return Choices(self.account_id, self.create_account, (*kept, (index, contact_id)))


@dataclass(frozen=True)
class ContactView:
    contact_id: int
    name: str
    role: str | None
    level_before: int
    level_after: int
    created: bool


@dataclass(frozen=True)
class VisitView:
    """A stored visit as the replies and the modal show it."""

    id: int
    account_id: int
    account_name: str
    channel: str
    occurred_at: datetime
    created_at: datetime
    purpose: str | None
    notes: str | None
    next_step: str | None
    next_due: datetime | None
    contacts: tuple[ContactView, ...]
    permalink: str | None
    source: str
    lead_closed: bool = False
    lead_hours: float = 0  # the workspace's first-contact limit, named when the visit closed a lead's clock


@dataclass
class Logged:
    visit: VisitView
    parsed: ParsedVisit | None = None
    duplicate: bool = False
    channel_assumed: bool = False
    due_moved: DueMove | None = None
    owner_name: str | None = None  # logged to a teammate's account: whose (they are told)


@dataclass
class Blocked:
    parsed: ParsedVisit


@dataclass
class AskAccount:
    parsed: ParsedVisit
    phrase: str
    candidates: list[Candidate]
    choices: Choices
    exact: bool  # several exact matches (vs. only approximate ones)


@dataclass
class OfferCreate:
    parsed: ParsedVisit
    name: str
    choices: Choices


@dataclass
class AskContact:
    parsed: ParsedVisit
    index: int
    phrase: str
    account_name: str
    candidates: list[Candidate]
    choices: Choices


LineOutcome = Logged | Blocked | AskAccount | OfferCreate | AskContact


# ----- the one-line form -----------------------------------------------------------------------
def do_log_line(
    db: Database,
    actor: Actor,
    text: str,
    *,
    now: datetime,
    request_key: str | None,
    choices: Choices | None = None,
    source: str = "command",
) -> LineOutcome:
    """Log a visit from a `/visit` line, or say what is missing or ambiguous."""
    choices = choices or Choices()
    request_key = scoped_key(actor, request_key)
    try:
        with db.transaction() as session:
            outcome = read_line(session, actor, text, now=now, choices=choices)
            if isinstance(outcome, Blocked):
                return outcome
            existing = _by_request_key(session, actor, request_key)
            if existing is not None:
                parsed = outcome[0] if isinstance(outcome, tuple) else outcome.parsed
                return Logged(load_view(session, existing), parsed, duplicate=True)
            if not isinstance(outcome, tuple):
                return outcome
            parsed, resolved = outcome
            resolved = _on_working_day(session, actor, parsed, resolved, now)
            visit, lead_closed = _store(session, actor, resolved, now, request_key, source)
            view = load_view(session, visit, lead_closed=lead_closed)
            owner = _owner_name(session, visit.account_id) if resolved.shared_account else None
            return Logged(
                view, parsed, channel_assumed=parsed.channel_assumed, owner_name=owner, due_moved=resolved.due_moved
            )
    except IntegrityError:
        return _after_race(db, actor, request_key, None)


LineReading = tuple[ParsedVisit, VisitInput] | Blocked | AskAccount | OfferCreate | AskContact


def read_line(
    session: Session, actor: Actor, text: str, *, now: datetime, choices: Choices | None = None
) -> LineReading:
    """What a line would store (or the question to ask), without storing anything: the names
    the workspace knows are found first, then the sentence is read around them."""
    session.info.pop("line_contacts", None)
    known = recognise(session, actor, text)
    parsed = parse_visit(text, actor.tz, now, actor.lang, names=known.names)
    if known.through_contact:
        parsed.blocking = [b for b in parsed.blocking if b.key != "no_account"]
    if parsed.blocking:
        return Blocked(parsed)
    resolved = _resolve_line(session, actor, parsed, choices or Choices(), known)
    if isinstance(resolved, VisitInput):
        return parsed, resolved
    return resolved


def _owner_name(session: Session, account_id: int) -> str | None:
    account = session.get(Account, account_id)
    owner = session.get(Person, account.owner_id) if account and account.owner_id else None
    return owner.name if owner else None


def _after_race(db: Database, actor: Actor, request_key: str | None, parsed: ParsedVisit | None) -> Logged:
    """A concurrent request with the same key won: answer with its visit."""
    with db.transaction() as session:
        existing = _by_request_key(session, actor, request_key)
        if existing is None:
            raise RuntimeError("integrity error without a visit for the request key")
        return Logged(load_view(session, existing), parsed, duplicate=True)


def scoped_key(actor: Actor, request_key: str | None) -> str | None:
    """The stored idempotency key: the request's, within the rep's own visits, so a key copied
    into a forged button can only ever find the same rep's visit."""
    return f"p{actor.person_id}:{request_key}"[:100] if request_key else None


def _by_request_key(session: Session, actor: Actor, request_key: str | None) -> Visit | None:
    if not request_key:
        return None
    return session.scalar(select(Visit).where(Visit.team_id == actor.team_id, Visit.request_key == request_key))


def _resolve_line(
    session: Session, actor: Actor, parsed: ParsedVisit, choices: Choices, known: Recognised
) -> VisitInput | AskAccount | OfferCreate | AskContact:
    found = _line_account(session, actor, parsed, choices, known)
    if isinstance(found, (AskAccount, OfferCreate)):
        return found
    account, new_name, shared, phrases = found
    account_id = account.id if account else None
    used: set[int] = set()
    contacts = _parsed_contacts(session, actor, parsed, choices, account, used)
    if isinstance(contacts, AskContact):
        return contacts
    # a free phrase that is exactly a contact of this account was a contact met ("理光 王芳 面谈");
    # one that is only a first name ("Olivia") is asked about when the line would lower a level
    leftover: list[str] = []
    purpose: list[str] = []
    pieces: list[tuple[str, int | None, list[str]]] = []
    for phrase in phrases[1:]:
        if account_id is None:
            leftover.append(phrase)
            continue
        pieces.extend(
            (piece, pick, leftover) for piece, pick in _contacts_in_phrase(session, actor, account_id, phrase, used)
        )
    for phrase in parsed.purpose_phrases:  # "Contoso: phone Lena": a whole phrase that is a contact
        pick = _exact_contact(session, actor, account_id, phrase, used) if account_id is not None else None
        pieces.append((phrase, pick, purpose))
    asked = _phrase_contacts(session, actor, parsed, choices, account, pieces, used, contacts)
    if asked is not None:
        return asked
    return VisitInput(
        account_id=account_id,
        new_account_name=new_name if account is None else None,
        channel=parsed.resolved_channel,
        contacts=tuple(contacts),
        occurred_at=parsed.occurred_at,
        purpose=join_phrases([*leftover, *purpose]),
        notes=parsed.notes,
        next_step=parsed.next_step or (t(actor.lang, "visit.default_step") if parsed.next_due else None),
        next_due=parsed.next_due,
        level=parsed.level,
        raw_text=parsed.original,
        source="command",
        shared_account=shared,
    )


def _line_account(
    session: Session, actor: Actor, parsed: ParsedVisit, choices: Choices, known: Recognised
) -> tuple[Account | None, str | None, bool, list[str]] | AskAccount | OfferCreate:
    """The account a `/visit` line is about (a choice made earlier, one to create, the one the line
    recognised, or a search), with the name to create, whether it is shared and the free phrases;
    or the question to ask first. Split from `_resolve_line` so each step reads on its own."""
    phrases = list(parsed.main_phrases)
    account: Account | None = None
    new_name: str | None = None
    shared = False
    if choices.account_id:
        account = access_account(session, actor, choices.account_id)
        if known.through_contact:
            phrases = ["", *phrases]
    elif choices.create_account:
        new_name = account_name_from(phrases[0])
        account = _existing_by_name(session, actor, new_name)
    elif known.candidates:
        return AskAccount(parsed, known.phrase, known.candidates, choices, exact=True)
    elif known.account is not None:
        account, shared = known.account, known.shared
        if known.through_contact:
            phrases = ["", *phrases]  # every free phrase is purpose: the account was not named
    else:
        found = _match_account(session, actor, parsed)
        if isinstance(found, (AskAccount, OfferCreate)):
            found.choices = choices
            return found
        account, phrases = found
    return account, new_name, shared, phrases


def _parsed_contacts(
    session: Session, actor: Actor, parsed: ParsedVisit, choices: Choices, account: Account | None, used: set[int]
) -> list[ContactInput] | AskContact:
    """The contacts the parser found on the line, each matched to one of the account's contacts
    (or kept as a new name), adding their ids to `used`; or the question when a match is unsure."""
    contacts: list[ContactInput] = []
    account_id = account.id if account else None
    for index, pc in enumerate(parsed.contacts):
        chosen = choices.contact_choice(index)
        if chosen is not None:
            contact = _chosen_contact(session, actor, chosen, account_id)
            contact_input = _contact_input(pc, contact.id if contact else None, parsed.level)
        elif account_id is None:
            contact_input = _contact_input(pc, None, parsed.level)
        else:
            candidates = _line_contacts(session, actor, account_id, pc.name)
            pick = _clear_match(candidates)
            if (
                pick is not None
                and pick.score < EXACT
                and _would_lower(session, actor, account_id, pick.id, parsed.level)
            ):
                pick = None  # "王总" read as 王军, and the line's level is below his: ask first
            if pick is None and candidates:
                return AskContact(parsed, index, pc.name, account.name if account else "", candidates, choices)
            contact_input = _contact_input(pc, pick.id if pick else None, parsed.level)
        if contact_input.contact_id is not None:
            if contact_input.contact_id in used:
                continue
            used.add(contact_input.contact_id)
        contacts.append(contact_input)
    return contacts


def _phrase_contacts(
    session: Session,
    actor: Actor,
    parsed: ParsedVisit,
    choices: Choices,
    account: Account | None,
    pieces: list[tuple[str, int | None, list[str]]],
    used: set[int],
    contacts: list[ContactInput],
) -> AskContact | None:
    """Add to `contacts` the contacts that free phrases turned out to be (a phrase matching none
    goes back to its `slot`); the question when taking one would lower a level without asking."""
    account_id = account.id if account else None
    extra = len(parsed.contacts)  # questions about these phrases get indexes after the parsed ones
    for piece, pick, slot in pieces:
        if pick is None:
            slot.append(piece)
            continue
        assert account_id is not None  # a contact was picked, so there is an account
        row = next((r for r in _account_contacts(session, actor, account_id) if r[0] == pick), None)
        if (
            row is not None
            and row[2] != normalize(piece)
            and _would_lower(session, actor, account_id, pick, parsed.level)
        ):
            chosen = choices.contact_choice(extra)
            if chosen is None:
                candidate = Candidate(row[0], row[1], PREFIX)
                return AskContact(parsed, extra, piece, account.name if account else "", [candidate], choices)
            if chosen == 0:
                contacts.append(ContactInput(name=piece, level=parsed.level))
                extra += 1
                continue
            pick = _chosen_contact(session, actor, chosen, account_id).id  # type: ignore[union-attr]
            extra += 1
        used.add(pick)
        contacts.append(ContactInput(contact_id=pick, level=parsed.level))
    return None


def _on_working_day(
    session: Session, actor: Actor, parsed: ParsedVisit, visit: VisitInput, now: datetime
) -> VisitInput:
    """The line's visit with a relative due date ("tomorrow", "明天") that lands on the rep's
    day off moved to their next working day (an explicit date or weekday is the rep's choice,
    kept)."""
    if visit.next_due is None or not is_relative(parsed.due_text):
        return visit
    person = session.get(Person, actor.person_id)
    if person is None:
        return visit
    due, moved = working_due(session, person, visit.next_due, now)
    return replace(visit, next_due=due, due_moved=moved) if moved else visit


def _would_lower(session: Session, actor: Actor, account_id: int, contact_id: int, level: int | None) -> bool:
    """Whether an explicit level on the line is below the contact's stored one."""
    if level is None:
        return False
    row = next((r for r in _account_contacts(session, actor, account_id) if r[0] == contact_id), None)
    return row is not None and level < row[3]


def _line_contacts(session: Session, actor: Actor, account_id: int, text: str) -> list[Candidate]:
    """`find_contacts` for one line: the account's contacts are read once per session (a line
    names several; nothing in `read_line` writes contacts)."""
    return rank_contacts([row[:3] for row in _account_contacts(session, actor, account_id)], text)


def _account_contacts(session: Session, actor: Actor, account_id: int) -> list[tuple[int, str, str, int]]:
    """(id, name, name_norm, level) of the account's contacts, read once per line."""
    cache: dict[int, list[tuple[int, str, str, int]]] = session.info.setdefault("line_contacts", {})
    if account_id not in cache:
        cache[account_id] = [
            (r.id, r.name, r.name_norm, r.relationship_level)
            for r in session.execute(
                select(Contact.id, Contact.name, Contact.name_norm, Contact.relationship_level).where(
                    Contact.team_id == actor.team_id, Contact.account_id == account_id
                )
            )
        ]
    return cache[account_id]


def _exact_contact(session: Session, actor: Actor, account_id: int, text: str, used: set[int]) -> int | None:
    """The one contact of the account named exactly, or by a first or last name that only one
    of them has ("Maria" at Fourth Coffee is Maria Gomez)."""
    candidates = _line_contacts(session, actor, account_id, text)
    exact = [c for c in candidates if c.score == EXACT]
    if not exact and text.isascii() and len(normalize(text)) >= 3 and " " not in text.strip():
        key = normalize(text)
        exact = [c for c in candidates if key in (normalize(w) for w in c.name.split())]
    return exact[0].id if len(exact) == 1 and exact[0].id not in used else None


def _contacts_in_phrase(
    session: Session, actor: Actor, account_id: int, phrase: str, used: set[int]
) -> list[tuple[str, int | None]]:
    """A free phrase cut into known contacts (exact names, one or two words) and the rest."""
    whole = _exact_contact(session, actor, account_id, phrase, used)
    if whole is not None:
        return [(phrase, whole)]
    words = phrase.split()
    pieces: list[tuple[str, int | None]] = []
    rest: list[str] = []
    i = 0
    while i < len(words):
        found = None
        for size in (2, 1):
            if len(words) > 1 and i + size <= len(words):
                found = _exact_contact(session, actor, account_id, " ".join(words[i : i + size]), used)
                if found is not None:
                    break
        if found is None:
            rest.append(words[i])
            i += 1
            continue
        if rest:
            pieces.append((" ".join(rest), None))
            rest = []
        pieces.append((" ".join(words[i : i + size]), found))
        used.add(found)
        i += size
    if rest:
        pieces.append((" ".join(rest), None))
    return pieces


def _contact_input(pc: ParsedContact, contact_id: int | None, level: int | None) -> ContactInput:
    return ContactInput(
        contact_id=contact_id,
        name=None if contact_id else pc.name,
        role=pc.role,
        title=pc.title,
        level=level,
    )


def _chosen_contact(session: Session, actor: Actor, contact_id: int, account_id: int | None) -> Contact | None:
    if not contact_id:
        return None
    contact = access_contact(session, actor, contact_id)
    if contact.account_id != account_id:
        raise AskStale()
    return contact


class AskStale(AccessError):
    message_key = "visit.ask.stale"


class ContactElsewhere(AccessError):
    """A contact chosen in the form belongs to another account (the account was changed after)."""

    message_key = "visit.modal.error.contacts_account"


def _clear_match(candidates: list[Candidate]) -> Candidate | None:
    """The one candidate we may use without asking: a single exact match, or a single
    candidate whose name starts with (or is contained in) what was typed; typos are asked."""
    exact = [c for c in candidates if c.score == EXACT]
    if len(exact) == 1:
        return exact[0]
    if len(candidates) == 1 and candidates[0].score >= PREFIX:
        return candidates[0]
    return None


def account_name_from(phrase: str) -> str:
    """A new account's name from what was typed: without emoji and surrounding punctuation."""
    kept = "".join(ch for ch in phrase if is_meaningful(ch) or ch in " &.-'()")
    return clean_phrase(kept)[:200] or clean_phrase(phrase)[:200]


def _existing_by_name(session: Session, actor: Actor, name: str) -> Account | None:
    """An account with exactly this name that appeared since the offer (a double click)."""
    exact = find_accounts(session, actor, name, exact_only=True)
    return access_account(session, actor, exact[0].id) if len(exact) == 1 else None


def _match_account(
    session: Session, actor: Actor, parsed: ParsedVisit
) -> tuple[Account, list[str]] | AskAccount | OfferCreate:
    """The account a line names, with the free phrases left for the purpose; or a question."""
    phrases = list(parsed.main_phrases)
    first = phrases[0]
    words = first.split()
    # the whole first phrase, then fewer of its leading words: "Ricoh needs confirmed" → Ricoh
    for k in range(len(words), 0, -1):
        exact = find_accounts(session, actor, " ".join(words[:k]), exact_only=True)
        if len(exact) > 1:
            return AskAccount(parsed, " ".join(words[:k]), exact, Choices(), exact=True)
        if exact:
            rest = " ".join(words[k:])
            return access_account(session, actor, exact[0].id), [first, *([rest] if rest else []), *phrases[1:]]
    # words in another order: exactly one later phrase is an account ("面谈 理光")
    if not parsed.account_explicit:
        for index, phrase in enumerate(phrases[1:], start=1):
            exact = find_accounts(session, actor, phrase, exact_only=True)
            if len(exact) == 1:
                others = [p for i, p in enumerate(phrases) if i != index]
                return access_account(session, actor, exact[0].id), [phrase, *others]
    candidates = _similar_accounts(session, actor, first)
    pick = _clear_match(candidates)
    if pick is not None:
        account = access_account(session, actor, pick.id)
        rest = _remainder_after_name(session, account, first)
        return account, [first, *([rest] if rest else []), *phrases[1:]]
    if candidates:
        return AskAccount(parsed, first, candidates, Choices(), exact=False)
    return OfferCreate(parsed, account_name_from(first), Choices())


def _similar_accounts(session: Session, actor: Actor, phrase: str) -> list[Candidate]:
    """Visible accounts whose name or alias starts with the phrase or is a small typo away,
    from the workspace's cached name index (no scan of the accounts table)."""
    found = name_index(session, actor.team_id).similar(phrase)
    if not found:
        return []
    ids = [ident for ident, _key, _score in found]
    rows = {a.id: a for a in session.scalars(select(Account).where(Account.id.in_(ids)))}
    out: list[Candidate] = []
    for ident, _key, score in found:
        row = rows.get(ident)
        if row is None or row.archived_at is not None:
            continue
        try:
            access_account(session, actor, ident)
        except AccessError:
            continue
        out.append(Candidate(ident, row.name, score))
    return out


def _remainder_after_name(session: Session, account: Account, phrase: str) -> str:
    """'理光确认需求' matched 理光 as a prefix: the rest ('确认需求') is not part of the name."""
    query = normalize(phrase)
    keys = [
        account.name_norm,
        *session.scalars(select(AccountAlias.alias_norm).where(AccountAlias.account_id == account.id)),
    ]
    for key in sorted(keys, key=len, reverse=True):
        if key and query.startswith(key) and len(query) > len(key):
            for cut in range(1, len(phrase) + 1):
                if normalize(phrase[:cut]) == key:
                    return clean_phrase(phrase[cut:])
    return ""


# ----- storing ---------------------------------------------------------------------------------
def do_log_visit(
    db: Database,
    actor: Actor,
    visit: VisitInput,
    *,
    now: datetime,
    request_key: str | None,
    also: Callable[[Session, int], None] | None = None,
) -> Logged:
    """Store a visit from the modal (its input already validated); `also(session, visit_id)`
    records what else the new visit settles (a calendar meeting) in the same transaction."""
    try:
        with db.transaction() as session:
            return log_visit(session, actor, visit, now=now, request_key=request_key, also=also)
    except IntegrityError:
        return _after_race(db, actor, scoped_key(actor, request_key), None)


def log_visit(
    session: Session,
    actor: Actor,
    visit: VisitInput,
    *,
    now: datetime,
    request_key: str | None,
    also: Callable[[Session, int], None] | None = None,
) -> Logged:
    """Store a visit (its input already validated); a `request_key` already stored returns that
    visit as a duplicate, so a double-submitted modal logs once. `also(session, visit_id)`
    records what else the new visit settles (a calendar meeting) in the same transaction.
    `do_log_visit` also answers the race of two submits at the same moment."""
    request_key = scoped_key(actor, request_key)
    existing = _by_request_key(session, actor, request_key)
    if existing is not None:
        return Logged(load_view(session, existing), duplicate=True)
    stored, lead_closed = _store(session, actor, visit, now, request_key, visit.source)
    if also is not None:
        also(session, stored.id)
    return Logged(load_view(session, stored, lead_closed=lead_closed))


def _store(
    session: Session, actor: Actor, inp: VisitInput, now: datetime, request_key: str | None, source: str
) -> tuple[Visit, bool]:
    if inp.account_id is not None and inp.shared_account:
        account, _shared = access_account_to_log(session, actor, inp.account_id)
    elif inp.account_id is not None:
        account = access_account(session, actor, inp.account_id)
    else:
        account = _existing_by_name(session, actor, inp.new_account_name or "") or _create_account(
            session, actor, inp.new_account_name or "", now
        )
    visit = Visit(
        team_id=actor.team_id,
        rep_id=actor.person_id,
        account_id=account.id,
        occurred_at=inp.occurred_at or now,
        channel=inp.channel,
        purpose=inp.purpose,
        notes=inp.notes,
        next_step=inp.next_step,
        next_step_due_at=inp.next_due if inp.next_step else None,
        source=source,
        raw_text=inp.raw_text,
        permalink=inp.permalink,
        request_key=request_key[:100] if request_key else None,
        created_at=now,
    )
    session.add(visit)
    session.flush()
    lead_closed = _apply(session, actor, visit, account, inp, now, created_ids=set())
    return visit, lead_closed


def _create_account(session: Session, actor: Actor, name: str, now: datetime) -> Account:
    return create_account(session, actor.team_id, account_name_from(name), actor.person_id, now)


def _apply(
    session: Session,
    actor: Actor,
    visit: Visit,
    account: Account,
    inp: VisitInput,
    now: datetime,
    created_ids: set[int],
) -> bool:
    """The rules of a visit on its contacts, account, lead clock and follow-up; returns whether
    it closed a new-lead clock."""
    implied = IMPLIED_LEVEL.get(visit.channel, 1)
    seen: set[int] = set()
    for ci in inp.contacts:
        created = False
        if ci.contact_id is not None:
            contact = _contact_to_log(session, actor, ci.contact_id, account, inp.shared_account)
            if contact.account_id != account.id:
                raise ContactElsewhere()
            created = contact.id in created_ids
        else:
            name = clean_phrase(ci.name or "")[:200]
            if not normalize(name):
                continue
            contact, created = contact_named(session, account, name, now)
            created = created or contact.id in created_ids
        if contact.id in seen:
            continue
        seen.add(contact.id)
        before, f2f_before = contact.relationship_level, contact.last_face_to_face_at
        explicit = ci.level if ci.level is not None else inp.level
        if explicit is not None:
            after = max(0, min(5, explicit))
        else:
            after = max(before, implied)
            if visit.channel == "informal":
                after = max(after, 3)
        contact.relationship_level = after
        if visit.channel in FACE_TO_FACE and (f2f_before is None or visit.occurred_at > f2f_before):
            contact.last_face_to_face_at = visit.occurred_at
            contact.decay_notified_days = 0
        if contact.last_touch_at is None or visit.occurred_at > contact.last_touch_at:
            contact.last_touch_at = visit.occurred_at
        if ci.role:
            contact.buying_role = ci.role
        if ci.title and not contact.title:
            contact.title = ci.title[:120]
        session.add(
            VisitContact(
                team_id=actor.team_id,
                visit_id=visit.id,
                contact_id=contact.id,
                level_before=before,
                level_after=after,
                face_to_face_before=f2f_before,
                created_contact=created,
            )
        )
    account.contact_count = (account.contact_count or 0) + 1
    close_lead_clocks(session, account.id, visit.occurred_at)  # speed to lead: the first contact is made
    lead_closed = False
    if account.is_lead and account.first_contacted_at is None:
        account.first_contacted_at = visit.occurred_at
        for follow_up in session.scalars(
            select(FollowUp).where(
                FollowUp.team_id == actor.team_id,
                FollowUp.account_id == account.id,
                FollowUp.kind == "new_lead",
                FollowUp.status == "open",
            )
        ):
            follow_up.status, follow_up.done_at = "done", now
        lead_closed = True
    if visit.next_step and visit.next_step_due_at:
        session.add(
            FollowUp(
                team_id=actor.team_id,
                owner_id=visit.rep_id,
                account_id=account.id,
                contact_id=next(iter(seen), None),
                deal_id=visit.deal_id,
                visit_id=visit.id,
                kind="next_step",
                text=visit.next_step,
                due_at=visit.next_step_due_at,
                status="open",
                created_at=now,
            )
        )
    session.flush()
    return lead_closed


def _contact_to_log(session: Session, actor: Actor, contact_id: int, account: Account, shared: bool) -> Contact:
    """A contact met: through `access_contact`, or on a teammate's account the rep named."""
    if not shared:
        return access_contact(session, actor, contact_id)
    contact = session.get(Contact, contact_id)
    if contact is None or contact.account_id != account.id:
        raise ContactElsewhere()
    return contact


def contact_named(session: Session, account: Account, name: str, now: datetime) -> tuple[Contact, bool]:
    """The account's contact called `name`, created if there is none; whether this call created it.

    The unique key (account, name_norm) settles a race: of two visits naming the same new
    person at the same moment, one inserts the row; the other's insert does nothing (on
    PostgreSQL it waits for the winner to commit) and it re-reads the winner's row.
    """
    norm = normalize(name)
    existing = session.scalar(select(Contact).where(Contact.account_id == account.id, Contact.name_norm == norm))
    if existing is not None:
        return existing, False
    values = {
        "team_id": account.team_id,
        "account_id": account.id,
        "name": name,
        "name_norm": norm,
        "relationship_level": 0,
        "decay_notified_days": 0,
        "created_at": now,
    }
    new_id = session.execute(
        insert_ignoring_conflict(session, Contact, values, key=["account_id", "name_norm"]).returning(Contact.id)
    ).scalar()
    contact = session.scalars(
        select(Contact).where(Contact.account_id == account.id, Contact.name_norm == norm),
        execution_options={"populate_existing": True},
    ).one()
    return contact, new_id is not None


def _revert(session: Session, actor: Actor, visit: Visit, *, keep_manual: bool) -> set[int]:
    """Put back what `_apply` changed; returns the ids of contacts this visit created."""
    links = list(session.scalars(select(VisitContact).where(VisitContact.visit_id == visit.id)))
    config = workspace_config(session, actor.team_id)
    created: set[int] = set()
    for link in links:
        contact = session.get(Contact, link.contact_id)
        if contact is None:
            continue
        if link.created_contact:
            created.add(contact.id)
        if contact.relationship_level == link.level_after:  # unless a later visit changed it
            contact.relationship_level = link.level_before
        if visit.channel in FACE_TO_FACE and contact.last_face_to_face_at == visit.occurred_at:
            contact.last_face_to_face_at = link.face_to_face_before
            contact.decay_notified_days = _reported_threshold(
                config.cadence.thresholds, link.face_to_face_before, visit.created_at
            )
        contact.last_touch_at = session.scalar(
            select(func.max(Visit.occurred_at))
            .join(VisitContact, VisitContact.visit_id == Visit.id)
            .where(VisitContact.contact_id == contact.id, Visit.id != visit.id)
        )
    session.execute(delete(VisitContact).where(VisitContact.visit_id == visit.id))
    account = session.get(Account, visit.account_id)
    if account is not None:
        account.contact_count = max(0, (account.contact_count or 0) - 1)
        others = session.scalar(select(func.count()).where(Visit.account_id == account.id, Visit.id != visit.id))
        if not others:
            reopen_lead_clocks(session, account.id, visit.occurred_at)  # the undone visit was the first contact
        if account.is_lead and account.first_contacted_at == visit.occurred_at and not others:
            account.first_contacted_at = None
            for follow_up in session.scalars(
                select(FollowUp).where(
                    FollowUp.account_id == account.id,
                    FollowUp.kind == "new_lead",
                    FollowUp.status == "done",
                    FollowUp.done_at == visit.created_at,
                )
            ):
                follow_up.status, follow_up.done_at = "open", None
    kinds = ["next_step"] if keep_manual else ["next_step", "manual"]
    session.execute(
        delete(FollowUp).where(
            FollowUp.visit_id == visit.id,
            FollowUp.kind.in_(kinds),
            *([FollowUp.status == "open"] if keep_manual else []),
        )
    )
    session.flush()
    return created


def _reported_threshold(thresholds: list[int], f2f: datetime | None, at: datetime) -> int:
    """The decay threshold already reported for the gap that `f2f` starts (0: none)."""
    if f2f is None:
        return 0
    gap = (at - f2f).days
    return max((d for d in thresholds if d <= gap), default=0)


def _drop_orphans(session: Session, contact_ids: set[int]) -> None:
    """Delete contacts a visit created that no other visit refers to."""
    for contact_id in contact_ids:
        in_use = session.scalar(select(func.count()).where(VisitContact.contact_id == contact_id))
        if not in_use:
            contact = session.get(Contact, contact_id)
            if contact is not None:
                session.delete(contact)
    session.flush()


def _own_visit(session: Session, actor: Actor, visit_id: object) -> Visit:
    visit = access_visit(session, actor, visit_id)
    if visit.rep_id != actor.person_id:
        raise NotYourVisit()
    return visit


def do_undo_visit(db: Database, actor: Actor, visit_id: object, *, now: datetime) -> str:
    """Remove a visit logged in the last 10 minutes and everything it changed; returns the
    account's name."""
    with db.transaction() as session:
        visit = _own_visit(session, actor, visit_id)
        if now - visit.created_at > UNDO_WINDOW:
            raise UndoTooLate()
        account = session.get(Account, visit.account_id)
        name = account.name if account else ""
        created = _revert(session, actor, visit, keep_manual=False)
        session.delete(visit)
        session.flush()
        _drop_orphans(session, created)
        if account is not None and account.created_at == visit.created_at and account.owner_id == actor.person_id:
            _drop_account_if_unused(session, account)
        return name


def _drop_account_if_unused(session: Session, account: Account) -> None:
    """An account created by the visit being undone goes too, unless something else uses it."""
    for model, column in ((Visit, Visit.account_id), (Deal, Deal.account_id), (Contact, Contact.account_id)):
        if session.scalar(select(func.count()).select_from(model).where(column == account.id)):
            return
    session.delete(account)
    session.flush()


def _author(session: Session, actor: Actor, visit: Visit) -> Actor:
    """Who a correction acts as: the visit's author (a manager's correction creates accounts
    and contacts for the rep, and follow-ups stay the rep's), in the corrector's language."""
    if visit.rep_id == actor.person_id:
        return actor
    rep = session.get(Person, visit.rep_id)
    if rep is None:
        return actor
    return replace(actor, user_id=rep.slack_user_id, person_id=rep.id, role=rep.role)


def _contact_ids(session: Session, visit_id: int) -> set[int]:
    return set(session.scalars(select(VisitContact.contact_id).where(VisitContact.visit_id == visit_id)))


def _recompute_contacts(session: Session, contact_ids: set[int], visit_id: int, levels: dict[int, int]) -> None:
    """After a correction, each contact's level, last face-to-face meeting and last touch follow
    all its visits: a later visit's level stands (`levels`: before the correction), and the
    face-to-face clock is the newest in-person or informal visit, whichever was corrected."""
    for contact_id in contact_ids:
        contact = session.get(Contact, contact_id)
        if contact is None:
            continue
        latest = session.execute(
            select(Visit.id)
            .join(VisitContact, VisitContact.visit_id == Visit.id)
            .where(VisitContact.contact_id == contact_id)
            .order_by(Visit.occurred_at.desc(), Visit.id.desc())
            .limit(1)
        ).scalar()
        if latest is not None and latest != visit_id and contact_id in levels:
            contact.relationship_level = levels[contact_id]  # a later visit set it
        f2f = session.scalar(
            select(func.max(Visit.occurred_at))
            .join(VisitContact, VisitContact.visit_id == Visit.id)
            .where(VisitContact.contact_id == contact_id, Visit.channel.in_(FACE_TO_FACE))
        )
        if f2f is not None and f2f != contact.last_face_to_face_at:
            contact.last_face_to_face_at, contact.decay_notified_days = f2f, 0
        touch = session.scalar(
            select(func.max(Visit.occurred_at))
            .join(VisitContact, VisitContact.visit_id == Visit.id)
            .where(VisitContact.contact_id == contact_id)
        )
        if touch is not None:
            contact.last_touch_at = touch
    session.flush()


def do_update_visit(db: Database, actor: Actor, visit_id: object, inp: VisitInput, *, now: datetime) -> Logged:
    """Correct a visit at any time (its author, or the account owner's manager): undo its
    effects, change it, apply them again, recompute its contacts, and keep the change in the
    audit trail."""
    with db.transaction() as session:
        visit = access_visit_to_change(session, actor, visit_id)
        before = audit.snapshot(session, visit)
        author = _author(session, actor, visit)
        touched = _contact_ids(session, visit.id)
        levels = {
            c.id: c.relationship_level
            for c in session.scalars(select(Contact).where(Contact.id.in_(touched | _input_ids(inp))))
        }
        created = _revert(session, author, visit, keep_manual=True)
        if inp.account_id is not None:
            account = access_account(session, author, inp.account_id)
        else:
            account = _existing_by_name(session, author, inp.new_account_name or "") or _create_account(
                session, author, inp.new_account_name or "", now
            )
        visit.account_id = account.id
        visit.channel = inp.channel
        visit.occurred_at = inp.occurred_at or visit.occurred_at
        visit.purpose, visit.notes = inp.purpose, inp.notes
        visit.next_step = inp.next_step
        visit.next_step_due_at = inp.next_due if inp.next_step else None
        session.flush()
        kept = {ci.contact_id for ci in inp.contacts if ci.contact_id is not None}
        _drop_orphans(session, created - kept)
        lead_closed = _apply(session, author, visit, account, inp, now, created_ids=created & kept)
        _recompute_contacts(session, touched | _contact_ids(session, visit.id), visit.id, levels)
        audit.record(session, actor, visit.id, "edit", before, audit.snapshot(session, visit), now)
        return Logged(load_view(session, visit, lead_closed=lead_closed))


def _input_ids(inp: VisitInput) -> set[int]:
    return {ci.contact_id for ci in inp.contacts if ci.contact_id is not None}


def do_delete_visit(db: Database, actor: Actor, visit_id: object, *, now: datetime) -> str:
    """Delete a visit at any time (after the rep confirmed): what it changed is put back, its
    follow-ups go, its contacts are recomputed, and the whole visit is kept in the audit
    trail. Returns the account's name."""
    with db.transaction() as session:
        visit = access_visit_to_change(session, actor, visit_id)
        before = audit.snapshot(session, visit)
        author = _author(session, actor, visit)
        touched = _contact_ids(session, visit.id)
        account = session.get(Account, visit.account_id)
        name = account.name if account else ""
        created = _revert(session, author, visit, keep_manual=False)
        deleted_id = visit.id
        session.delete(visit)
        session.flush()
        _drop_orphans(session, created)
        _recompute_contacts(session, touched - created, deleted_id, {})
        audit.record(session, actor, deleted_id, "delete", before, None, now)
        return name


def do_add_follow_up(
    db: Database,
    actor: Actor,
    visit_id: object,
    text: str,
    due_at: datetime,
    *,
    now: datetime,
    request_key: str | None = None,
) -> tuple[str, str]:
    """A further follow-up on a visit's account; returns (account name, text).

    `request_key` (the form's view id) makes a double-submitted form add one follow-up.
    """
    try:
        with db.transaction() as session:
            return add_follow_up(session, actor, visit_id, text, due_at, now=now, request_key=request_key)
    except IntegrityError:  # the same form submitted at the same moment: the other one stored it
        with db.transaction() as session:
            visit = _own_visit(session, actor, visit_id)
            account = session.get(Account, visit.account_id)
            return (account.name if account else ""), clean_phrase(text)[:2000] or t(actor.lang, "visit.default_step")


def add_follow_up(
    session: Session,
    actor: Actor,
    visit_id: object,
    text: str,
    due_at: datetime,
    *,
    now: datetime,
    request_key: str | None = None,
) -> tuple[str, str]:
    """A further follow-up on the actor's own visit's account; returns (account name, text).

    `request_key` (the form's view id) makes a double-submitted form add one follow-up;
    `do_add_follow_up` also answers the race of two submits at the same moment.
    """
    request_key = scoped_key(actor, request_key)
    visit = _own_visit(session, actor, visit_id)
    account = session.get(Account, visit.account_id)
    text = clean_phrase(text)[:2000] or t(actor.lang, "visit.default_step")
    if request_key and session.scalar(
        select(FollowUp.id).where(FollowUp.team_id == actor.team_id, FollowUp.request_key == request_key)
    ):
        return (account.name if account else ""), text  # the same form, submitted again
    session.add(
        FollowUp(
            team_id=actor.team_id,
            owner_id=actor.person_id,
            account_id=visit.account_id,
            visit_id=visit.id,
            deal_id=visit.deal_id,
            kind="manual",
            text=text,
            due_at=due_at,
            status="open",
            created_at=now,
            request_key=request_key,
        )
    )
    return (account.name if account else ""), text


# ----- reading ---------------------------------------------------------------------------------
def load_view(session: Session, visit: Visit, *, lead_closed: bool = False) -> VisitView:
    account = session.get(Account, visit.account_id)
    rows = session.execute(
        select(VisitContact, Contact.name, Contact.buying_role)
        .join(Contact, Contact.id == VisitContact.contact_id)
        .where(VisitContact.visit_id == visit.id)
        .order_by(Contact.id)
    ).all()
    contacts = tuple(
        ContactView(link.contact_id, name, role, link.level_before, link.level_after, link.created_contact)
        for link, name, role in rows
    )
    return VisitView(
        id=visit.id,
        account_id=visit.account_id,
        account_name=account.name if account else "",
        channel=visit.channel,
        occurred_at=visit.occurred_at,
        created_at=visit.created_at,
        purpose=visit.purpose,
        notes=visit.notes,
        next_step=visit.next_step,
        next_due=visit.next_step_due_at,
        contacts=contacts,
        permalink=visit.permalink,
        source=visit.source,
        lead_closed=lead_closed,
        lead_hours=workspace_config(session, visit.team_id).follow_up.new_lead_hours if lead_closed else 0,
    )


def visit_view(db: Database, actor: Actor, visit_id: object) -> VisitView:
    """One visit the actor may correct (the Edit button's prefill)."""
    with db.transaction() as session:
        return load_view(session, access_visit_to_change(session, actor, visit_id))


def own_visit_view(db: Database, actor: Actor, visit_id: object) -> VisitView:
    """One of the actor's own visits (a further follow-up is the author's to add)."""
    with db.transaction() as session:
        return load_view(session, _own_visit(session, actor, visit_id))


@dataclass
class VisitList:
    visits: list[VisitView] = field(default_factory=list)
    standard: int = 4


def visits_on_day(db: Database, actor: Actor, start: datetime, end: datetime) -> VisitList:
    """The actor's visits between two instants (their local day), with the daily standard."""
    with db.transaction() as session:
        visits = session.scalars(
            select(Visit)
            .where(
                Visit.team_id == actor.team_id,
                Visit.rep_id == actor.person_id,
                Visit.occurred_at >= start,
                Visit.occurred_at < end,
            )
            .order_by(Visit.occurred_at, Visit.id)
            .limit(50)
        ).all()
        standard = workspace_config(session, actor.team_id).daily_visit_standard
        return VisitList([load_view(session, v) for v in visits], standard)


# ----- the form's type-ahead -------------------------------------------------------------------
def account_choices(db: Database, actor: Actor, query: str, *, limit: int = 50) -> tuple[list[Candidate], bool]:
    """Accounts for the form's type-ahead, and whether one is exactly what was typed.

    Without a query: the ones the actor visited last, then the rest of their own, by name. A
    one-character query ("理", "R") filters that list; a longer one searches every account the
    actor may see (names and aliases, tolerant of typos).
    """
    key = normalize(query)
    with db.transaction() as session:
        if len(key) > 1:
            found = find_accounts(session, actor, query, limit=limit)
            return found, any(c.score == EXACT for c in found)
        recent = session.execute(
            select(Account.id, Account.name, Account.name_norm)
            .join(Visit, Visit.account_id == Account.id)
            .where(Visit.team_id == actor.team_id, Visit.rep_id == actor.person_id, Account.archived_at.is_(None))
            .group_by(Account.id, Account.name, Account.name_norm)
            .order_by(func.max(Visit.occurred_at).desc())
            .limit(500)
        ).all()
        seen = {row.id for row in recent}
        own = session.execute(
            select(Account.id, Account.name, Account.name_norm)
            .where(
                Account.team_id == actor.team_id,
                Account.owner_id == actor.person_id,
                Account.archived_at.is_(None),
            )
            .order_by(Account.name)
            .limit(500)
        ).all()
        rows = [r for r in [*recent, *(r for r in own if r.id not in seen)] if key in r.name_norm][:limit]
        return [Candidate(row.id, row.name, EXACT if row.name_norm == key else 0) for row in rows], False


def contact_choices(db: Database, actor: Actor, account_id: object, query: str, *, limit: int = 50) -> list[Contact]:
    """Contacts of one account (that the actor may see) for the form's type-ahead: names that
    contain what was typed (a surname is enough), then approximate matches."""
    key = normalize(query)
    with db.transaction() as session:
        account = access_account(session, actor, account_id)
        contacts = list(session.scalars(select(Contact).where(Contact.account_id == account.id).order_by(Contact.name)))
        if not key:
            return contacts[:limit]
        close = {c.id for c in find_contacts(session, actor.team_id, account.id, query, limit=limit)}
        return [c for c in contacts if key in c.name_norm or c.id in close][:limit]


def clear_account_for(
    db: Database, actor: Actor, parsed: ParsedVisit, known: Recognised | None = None
) -> tuple[Account | None, dict[int, Contact], list[str]]:
    """For prefilling the form from text: the account the text names without any doubt, the
    contacts it names that exist there, and the remaining phrases. `known` (what `recognise`
    found in the text) comes first, as for `/visit`; several accounts of that name, or a
    colleague's account (the form can only pick the rep's own), prefill none."""
    if known is not None and (known.candidates or known.shared):
        return None, {}, []
    with db.transaction() as session:
        if known is not None and known.account is not None:
            account = access_account(session, actor, known.account.id)
            phrases = ["", *parsed.main_phrases] if known.through_contact else list(parsed.main_phrases)
        elif not parsed.main_phrases:
            return None, {}, []
        else:
            found = _match_account(session, actor, parsed)
            if not isinstance(found, tuple):
                return None, {}, []
            account, phrases = found
        contacts: dict[int, Contact] = {}
        for index, pc in enumerate(parsed.contacts):
            pick = _clear_match(find_contacts(session, actor.team_id, account.id, pc.name))
            if pick is not None:
                contacts[index] = access_contact(session, actor, pick.id)
        return account, contacts, phrases[1:]
