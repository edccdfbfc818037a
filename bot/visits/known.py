"""Which known account (and contacts) a visit line names, before the sentence is read.

`recognise` finds the workspace's names in the line (`bot.visits.names`), checks every hit
against the database by id (the index may be a few moments old) and against what the rep may
see, and returns the spans for the parser plus the account they point to:

- an account the rep may see, named by its name or an alias, anywhere in the line;
- else one named only through a contact's full name ("coffee with Olivia Hart" → Olivia's
  account), when only one account the rep may see has a contact of that name (a colleague's
  contact implies nothing: it would show the rep the colleague's account and log to it);
- else a teammate's account named exactly: it is used rather than offering to create a
  duplicate (`shared`), the visit counts for the rep and the owner hears of it in their digest
  (`bot.visits.shared`).
Several visible accounts with the same name are returned as candidates to ask about.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.accounts.matching import EXACT, Candidate
from bot.core.access import access_account, access_account_to_log, team_person_ids
from bot.core.actor import Actor
from bot.visits.names import ACCOUNT, CONTACT, NameHit, name_index
from bot.visits.parse import Known, keyword_spans
from storage.models import Account, AccountAlias


@dataclass
class Recognised:
    names: tuple[Known, ...] = ()
    account: Account | None = None
    shared: bool = False  # a teammate's account (the rep may log to it, not read it)
    through_contact: bool = False  # no account name in the line: a known contact implied it
    candidates: list[Candidate] = field(default_factory=list)  # several visible: ask
    phrase: str = ""

    def account_span(self) -> tuple[int, int] | None:
        """Where the line names its account (by name or alias), if it does."""
        return next(((k.start, k.end) for k in self.names if k.kind == "account"), None)

    def without_account(self, text: str) -> str:
        """`text` with the account's name taken out ("Ricoh copiers" → " copiers")."""
        span = self.account_span()
        return text if span is None else text[: span[0]] + " " + text[span[1] :]


def _accounts_for(session: Session, actor: Actor, hit: NameHit) -> list[Account]:
    """The hit's accounts that still carry this name (or alias), not archived."""
    ids = list(hit.ids[:50])
    named = select(AccountAlias.account_id).where(AccountAlias.account_id.in_(ids), AccountAlias.alias_norm == hit.key)
    return list(
        session.scalars(
            select(Account)
            .where(
                Account.id.in_(ids),
                Account.team_id == actor.team_id,
                Account.archived_at.is_(None),
                or_(Account.name_norm == hit.key, Account.id.in_(named)),
            )
            .order_by(Account.id)
        )
    )


def _split(session: Session, actor: Actor, accounts: list[Account]) -> tuple[list[Account], list[Account]]:
    people = team_person_ids(session, actor)
    visible = [a for a in accounts if people is None or a.owner_id is None or a.owner_id in people]
    return visible, [a for a in accounts if a not in visible]


def recognise(session: Session, actor: Actor, text: str) -> Recognised:
    """The known names in `text` and the account they name (see the module docstring)."""
    hits = name_index(session, actor.team_id).find(text)
    result = Recognised()
    keywords = keyword_spans(text) if hits else []

    def inside_keyword(hit: NameHit) -> bool:
        return any(s <= hit.start and hit.end <= e and e - s > hit.end - hit.start for s, e in keywords)

    # leftmost first, but a name standing alone before one inside a longer keyword ("腾讯会议")
    for hit in sorted((h for h in hits if h.kind == ACCOUNT), key=lambda h: (inside_keyword(h), h.start)):
        visible, others = _split(session, actor, _accounts_for(session, actor, hit))
        phrase = text[hit.start : hit.end]
        if len(visible) > 1:
            result.candidates = [Candidate(a.id, a.name, EXACT) for a in visible]
            result.phrase = phrase
            result.names = (Known("account", hit.start, hit.end),)
            return result
        if visible or others:
            chosen = visible[0] if visible else others[0]
            result.account, result.shared = access_account_to_log(session, actor, chosen.id)
            contacts = [h for h in hits if h.kind == CONTACT and chosen.id in h.ids]
            result.names = (Known("account", hit.start, hit.end), *(Known("contact", h.start, h.end) for h in contacts))
            return result
    contact_hits = [h for h in hits if h.kind == CONTACT]
    if not contact_hits:
        return result
    common = set(contact_hits[0].ids)
    for h in contact_hits[1:]:
        common &= set(h.ids) or common
    accounts = list(
        session.scalars(
            select(Account).where(
                Account.id.in_(sorted(common)[:50]), Account.team_id == actor.team_id, Account.archived_at.is_(None)
            )
        )
    )
    # only an account the rep may see: a contact's name does not name a colleague's account,
    # and logging there would show the rep which one it is and change it (access_account_to_log
    # is for an account named exactly, above)
    visible, _others = _split(session, actor, accounts)
    if len(visible) == 1:
        chosen = access_account(session, actor, visible[0].id)
        result.account = chosen
        result.through_contact = True
        result.names = tuple(Known("contact", h.start, h.end) for h in contact_hits if chosen.id in h.ids)
    return result
