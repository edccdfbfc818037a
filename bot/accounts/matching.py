"""Finding the account (and contacts) a rep means, from what they typed.

Shared by `/visit` and `/deal`. Matching is on the normalised name and every alias, in both
scripts, tolerant of case, width, spacing and punctuation, and of small typos (edit distance,
for Latin names of five letters or more). It never guesses silently: callers get every
candidate with a score and decide to use a single clear match, ask with buttons when there
are several, or offer to create the account when there are none.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.core.access import team_person_ids
from bot.core.actor import Actor
from bot.core.text import normalize
from storage.models import Account, AccountAlias, Contact

EXACT = 100
PREFIX = 90
CONTAINS = 80
TYPO = 70


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    score: int


def _visible_accounts(session: Session, actor: Actor):
    query = select(Account.id, Account.name, Account.name_norm).where(
        Account.team_id == actor.team_id, Account.archived_at.is_(None)
    )
    people = team_person_ids(session, actor)
    if people is not None:
        query = query.where(or_(Account.owner_id.in_(people), Account.owner_id.is_(None)))
    return query


def _score(query: str, key: str) -> int:
    if not query or not key:
        return 0
    if key == query:
        return EXACT
    if (key.startswith(query) or query.startswith(key)) and min(len(query), len(key)) >= 2:
        return PREFIX
    if len(query) >= 2 and query in key:
        return CONTAINS
    if query.isascii() and key.isascii() and min(len(query), len(key)) >= 5:
        allowed = 1 if len(query) < 8 else 2
        # optimal string alignment: a swapped pair of letters ("Rioch") is one typo, not two
        if OSA.distance(query, key, score_cutoff=allowed) <= allowed:
            return TYPO
        if fuzz.partial_ratio(query, key) >= 92 and len(query) >= 6:
            return TYPO
    return 0


def find_accounts(
    session: Session, actor: Actor, text: str, *, limit: int = 5, exact_only: bool = False
) -> list[Candidate]:
    """Accounts the actor may see whose name or alias matches `text`, best first.

    A single exact match (name or alias) is returned alone: that is what the rep meant.
    `exact_only` skips the approximate pass (a scan of every visible account) for callers
    that only try out candidate phrases.
    """
    query = normalize(text)
    if not query:
        return []
    visible = _visible_accounts(session, actor).subquery()
    exact = session.execute(select(visible.c.id, visible.c.name).where(visible.c.name_norm == query)).all()
    alias_exact = session.execute(
        select(visible.c.id, visible.c.name)
        .join(AccountAlias, AccountAlias.account_id == visible.c.id)
        .where(AccountAlias.team_id == actor.team_id, AccountAlias.alias_norm == query)
    ).all()
    exact_ids = {row.id: row.name for row in [*exact, *alias_exact]}
    if len(exact_ids) == 1:
        ((account_id, name),) = exact_ids.items()
        return [Candidate(account_id, name, EXACT)]
    if exact_ids or exact_only:
        return [Candidate(i, n, EXACT) for i, n in sorted(exact_ids.items())][:limit]

    scores: dict[int, Candidate] = {}
    rows = session.execute(select(visible.c.id, visible.c.name, visible.c.name_norm)).all()
    alias_rows = session.execute(
        select(visible.c.id, visible.c.name, AccountAlias.alias_norm)
        .join(AccountAlias, AccountAlias.account_id == visible.c.id)
        .where(AccountAlias.team_id == actor.team_id)
    ).all()
    for account_id, name, key in [*rows, *alias_rows]:
        score = _score(query, key)
        if score and (account_id not in scores or scores[account_id].score < score):
            scores[account_id] = Candidate(account_id, name, score)
    ranked = sorted(scores.values(), key=lambda c: (-c.score, len(c.name), c.id))
    return ranked[:limit]


def find_contacts(session: Session, team_id: str, account_id: int, text: str, *, limit: int = 5) -> list[Candidate]:
    """Contacts of one account whose name matches `text` (same rules as accounts).

    Chinese contacts are often named by surname plus title ("张总", "王经理"): a query of a
    surname and a title also matches a contact whose name starts with that surname.
    """
    rows = session.execute(
        select(Contact.id, Contact.name, Contact.name_norm).where(
            Contact.team_id == team_id, Contact.account_id == account_id
        )
    ).all()
    return rank_contacts([(ident, name, norm) for ident, name, norm in rows], text, limit=limit)


def rank_contacts(rows: list[tuple[int, str, str]], text: str, *, limit: int = 5) -> list[Candidate]:
    """`find_contacts` on rows already read: (id, name, name_norm) of one account's contacts."""
    query = normalize(text)
    if not query:
        return []
    found: dict[int, Candidate] = {}
    for contact_id, name, key in rows:
        score = _score(query, key)
        if not score and _surname_title(query, key):
            score = PREFIX
        if score:
            found[contact_id] = Candidate(contact_id, name, score)
    ranked = sorted(found.values(), key=lambda c: (-c.score, c.id))
    if ranked and ranked[0].score == EXACT:
        return [c for c in ranked if c.score == EXACT][:limit]
    return ranked[:limit]


CHINESE_TITLES = ("总", "经理", "主任", "老师", "工", "处", "局", "部长", "科长", "主管", "总监", "董")


def _surname_title(query: str, key: str) -> bool:
    """'张总' or '王经理' against '张伟' / '王芳': surname plus a title of respect."""
    if not query or query.isascii() or not key or key.isascii():
        return False
    for title in CHINESE_TITLES:
        if query.endswith(title) and len(query) > len(title):
            surname = query[: -len(title)]
            return key.startswith(surname) and len(surname) <= 2
    return False


# ----- names inside a longer text (a calendar event's title) -----------------------------------
_WORDS = re.compile(r"[\W_]+", re.UNICODE)


def account_keys(session: Session, actor: Actor) -> list[tuple[str, int]]:
    """(normalised name or alias, account id) of every account the actor may see."""
    visible = _visible_accounts(session, actor).subquery()
    names = session.execute(select(visible.c.name_norm, visible.c.id)).all()
    aliases = session.execute(
        select(AccountAlias.alias_norm, visible.c.id)
        .join(AccountAlias, AccountAlias.account_id == visible.c.id)
        .where(AccountAlias.team_id == actor.team_id)
    ).all()
    return [(key, account_id) for key, account_id in [*names, *aliases] if key]


def accounts_named_in(keys: list[tuple[str, int]], text: str) -> set[int]:
    """Accounts whose name or alias appears in `text` ("Ricoh – A3 demo", "理光A3演示").

    Latin names must be whole words (or runs of words: "Ricoh China"), so "Acme" is not found
    in "Acmex"; Chinese names (no spaces between words) are found anywhere, from two
    characters. Only the longest names found count: "Ricoh China" wins over "Ricoh".
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    words = [w for w in _WORDS.split(folded) if w]
    runs = {"".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, min(len(words), i + 4) + 1)}
    whole = normalize(text)
    found: dict[int, int] = {}
    for key, account_id in keys:
        if len(key) >= 2 and key in (runs if key.isascii() else whole):
            found[account_id] = max(found.get(account_id, 0), len(key))
    if not found:
        return set()
    longest = max(found.values())
    return {account_id for account_id, length in found.items() if length == longest}
