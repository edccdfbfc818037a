"""Which deal a rep means by "Ricoh copiers" or "理光复印机".

A reference is an account (found anywhere in it the way `/visit` finds one,
`bot.visits.known.recognise`: names and aliases in both scripts, case, punctuation and
full-width folded; else `bot.accounts.matching.find_accounts`, for typos) and words of the
deal's title. "Ricoh" alone means every deal of that account;
"copiers" alone (no account matched) searches titles. Only deals the actor may see are
candidates, so a reference can never reach another rep's deal. Callers use one clear match,
ask with buttons when there are several, and say so plainly when there are none.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from bot.accounts.matching import EXACT, Candidate, find_accounts
from bot.core.access import access_deal, team_person_ids
from bot.core.actor import Actor
from bot.core.text import normalize
from bot.visits.known import recognise
from storage.models import Account, AccountAlias, Deal

MAX_CANDIDATES = 5


@dataclass
class DealMatch:
    deals: list[Deal] = field(default_factory=list)
    accounts: list[Candidate] = field(default_factory=list)  # accounts the reference named
    remainder: str = ""  # the title words left once the account was recognised


def _visible(query: Select, session: Session, actor: Actor) -> Select:
    people = team_person_ids(session, actor)
    query = query.where(Deal.team_id == actor.team_id)
    return query if people is None else query.where(Deal.owner_id.in_(people))


def _title_matches(remainder: str, title_norm: str) -> bool:
    if not remainder:
        return True
    if remainder in title_norm or (title_norm and title_norm in remainder):
        return True
    return remainder.isascii() and len(remainder) >= 4 and fuzz.partial_ratio(remainder, title_norm) >= 85


def _account_remainder(session: Session, account_id: int, query: str) -> str | None:
    """What follows the account's name (or longest alias) at the start of `query`, if it starts so."""
    keys = [session.scalar(select(Account.name_norm).where(Account.id == account_id)) or ""]
    keys += list(session.scalars(select(AccountAlias.alias_norm).where(AccountAlias.account_id == account_id)))
    prefixes = [k for k in keys if k and query.startswith(k)]
    return query[len(max(prefixes, key=len)) :] if prefixes else None


def _named_accounts(session: Session, actor: Actor, ref: str, wanted: dict[int, str]) -> list[Candidate]:
    """The visible accounts `ref` names anywhere, by name or alias, in either script, the way
    `/visit` reads a line (`bot.visits.known.recognise`); `wanted` gets each one's title words
    (the reference without the name). A colleague's account names none: its deals are not the
    actor's to see."""
    known = recognise(session, actor, ref)
    if known.account_span() is None:
        return []
    if known.candidates:
        found = known.candidates
    elif known.account is not None and not known.shared:
        found = [Candidate(known.account.id, known.account.name, EXACT)]
    else:
        return []
    rest = normalize(known.without_account(ref))
    wanted.update({c.id: rest for c in found})
    return found


def find_deals(
    session: Session,
    actor: Actor,
    ref: str,
    *,
    deal_id: int | None = None,
    statuses: tuple[str, ...] = ("open",),
) -> DealMatch:
    if deal_id is not None:
        deal = access_deal(session, actor, deal_id)
        return DealMatch(deals=[deal] if deal.status in statuses else [])
    query = normalize(ref)
    if not query:
        return DealMatch()
    words = ref.split()
    wanted: dict[int, str] = {}
    accounts = _named_accounts(session, actor, ref, wanted)
    used_words = len(words)
    if not accounts:
        accounts = find_accounts(session, actor, ref, limit=10)
    if not accounts:
        for k in range(len(words) - 1, 0, -1):
            accounts = find_accounts(session, actor, " ".join(words[:k]), limit=10)
            if accounts:
                used_words = k
                break
    if accounts:
        match = DealMatch(accounts=accounts)
        for account in accounts:
            if account.id in wanted:
                continue
            remainder = _account_remainder(session, account.id, query)
            if remainder is None:
                remainder = normalize(" ".join(words[used_words:]))
            wanted[account.id] = remainder
        rows = session.scalars(
            _visible(select(Deal), session, actor)
            .where(Deal.account_id.in_(wanted), Deal.status.in_(statuses))
            .order_by(Deal.stage_entered_at.desc(), Deal.id.desc())
        ).all()
        match.remainder = min(wanted.values(), key=len) if wanted else ""
        found = [d for d in rows if _title_matches(wanted[d.account_id], d.title_norm)]
        exact = [d for d in found if wanted[d.account_id] and d.title_norm == wanted[d.account_id]]
        match.deals = exact or found
        if match.deals:
            return match
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = session.scalars(
        _visible(select(Deal), session, actor)
        .where(Deal.status.in_(statuses), Deal.title_norm.like(f"%{escaped}%", escape="\\"))
        .order_by(Deal.stage_entered_at.desc(), Deal.id.desc())
        .limit(MAX_CANDIDATES * 4)
    ).all()
    return DealMatch(deals=list(rows), accounts=accounts)
