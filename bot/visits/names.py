"""The names a workspace knows (accounts, their aliases, contacts), found anywhere in a line.

A rep types "coffee with Olivia Hart (Wide World)" or "拜访了中国平安的刘总": the account is
wherever it is, and a word inside a known name ("Fourth *Coffee*", "*Phone* House") is part
of the name, not a channel. So before the sentence is read, every known name is looked for in
the whole line at once with an Aho-Corasick automaton (pyahocorasick), on the same matching key
as `bot.core.text.normalize` (width- and case-folded, no spaces or punctuation: "ｆｏｕｒｔｈ
coffee", "Fourth-Coffee" and "McDonalds" for "McDonald's" all match), longest name first.
Latin names must start and end on word boundaries of the line ("Acme" is not inside
"Acmex"); Chinese names need no spaces. Small typos in an unrecognised account phrase are
looked up with rapidfuzz over the same keys ("Wide Wrld" → Wide World).

Cost and caching: one `NameIndex` per workspace per process (per database), built on first
use from three narrow queries (id and normalised key only) and kept in `_INDEXES`; a serving
process pays the build once (seconds at 100,000 accounts and 300,000 contacts), never per
request. At most once a second (and on the next line after this process itself flushed a new
account, alias or contact) one statement asks whether any row has an id above the highest one
indexed (three primary-key range reads, normally empty); new rows are then read by id and go
into a small second automaton: a name added by another process is found within a second.
A hit is always re-read from the database by id before use (`bot.visits.known`), so a renamed,
archived or deleted account never resolves to stale data. Names changed in place (a rename, a
new alias on an old row id) are picked up by a full rebuild done in a background thread every
`REBUILD_AFTER` and swapped in. Values in the automaton are plain integers (an id, a kind and
the key length packed into one), so memory is mostly the automaton's trie nodes: measured in
bench/RESULTS.md (about 165 MB of process RSS at 100,000 accounts and 300,000 contacts).
"""

from __future__ import annotations

import bisect
import logging
import threading
import time
import unicodedata
from dataclasses import dataclass, field

import ahocorasick
from rapidfuzz import process
from rapidfuzz.distance import OSA
from sqlalchemy import Engine, event, select, text
from sqlalchemy.orm import ORMExecuteState, Session

from storage.models import Account, AccountAlias, Contact

log = logging.getLogger(__name__)

ACCOUNT = 0
CONTACT = 1
REBUILD_AFTER = 30 * 60.0  # seconds: names renamed in place are seen within this time
LOOK_EVERY = 1.0  # seconds between looks for rows added by other processes (this one's: at once)
MIN_LATIN = 3  # a Latin key shorter than this ("IM", "HP") is too easily a word of the sentence
MIN_CJK = 2
# pyahocorasick's STORE_INTS keeps a signed 32-bit value: a key with one owner whose id fits is
# packed as a non-negative (id, kind, length); any other key is a negative index into `_multi`.
_MAX_PACKED_ID = (1 << 22) - 1


def fold(ch: str) -> str:
    """One character as `bot.core.text.normalize` keys it ('' for spaces and punctuation)."""
    out = unicodedata.normalize("NFKC", ch).casefold()
    return "".join(c for c in out if c.isalnum())


def folded(text: str) -> tuple[str, list[int]]:
    """The matching key of a whole line, and for each of its characters the index of the
    character of `text` it came from (so a hit maps back to the words the rep typed)."""
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        for c in fold(ch):
            chars.append(c)
            where.append(i)
    return "".join(chars), where


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


@dataclass(frozen=True)
class NameHit:
    """A known name at text[start:end]: an account name or alias (`ids` are account ids) or a
    contact's full name (`ids` are the ids of the accounts that have a contact so named)."""

    kind: int
    start: int
    end: int
    key: str
    ids: tuple[int, ...]


@dataclass
class _Table:
    """One automaton over keys, each mapping to one kind and one or more ids."""

    keys: dict[str, set[tuple[int, int]]] = field(default_factory=dict)
    automaton: ahocorasick.Automaton | None = None

    def add(self, key: str, kind: int, ident: int) -> None:
        if not key or len(key) > 200:
            return
        if (key[0].isascii() and len(key) < MIN_LATIN) or (not key[0].isascii() and len(key) < MIN_CJK):
            return
        self.keys.setdefault(key, set()).add((kind, ident))

    def build(self) -> tuple[ahocorasick.Automaton | None, list[tuple[tuple[int, int], ...]]]:
        multi: list[tuple[tuple[int, int], ...]] = []
        if not self.keys:
            return None, multi
        automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        for key, owners in self.keys.items():
            single = next(iter(owners)) if len(owners) == 1 else None
            if single is not None and single[1] <= _MAX_PACKED_ID:
                kind, ident = single
                value = (ident * 2 + kind) * 256 + len(key)
            else:
                multi.append(tuple(sorted(owners)))
                value = -(1 + (len(multi) - 1) * 256 + len(key))
            automaton.add_word(key, value)
        automaton.make_automaton()
        return automaton, multi


# Is there any row above the ids indexed? One round trip; each branch reads a key range.
_NEWER = text(
    "SELECT 1 FROM accounts WHERE id > :a UNION ALL SELECT 1 FROM account_aliases WHERE id > :b"
    " UNION ALL SELECT 1 FROM contacts WHERE id > :c LIMIT 1"
)


class NameIndex:
    """Every account name, alias and contact name of one workspace, searchable in a line."""

    def __init__(self, team_id: str) -> None:
        self.team_id = team_id
        self.max_ids = (0, 0, 0)  # accounts, aliases, contacts indexed so far
        self.looked_at = 0.0
        self.built_at = 0.0
        self._base: ahocorasick.Automaton | None = None
        self._base_multi: list[tuple[tuple[int, int], ...]] = []
        self._delta = _Table()
        self._delta_automaton: ahocorasick.Automaton | None = None
        self._delta_multi: list[tuple[tuple[int, int], ...]] = []
        self._account_keys: list[str] = []  # sorted, for prefixes and typos
        self._account_key_ids: dict[str, tuple[int, ...]] = {}
        # typo candidates: Latin keys by (length, first letter) and by (length, last letter)
        self._latin_by_length: dict[tuple[int, str], list[str]] = {}
        self.size = 0

    # --- building ----------------------------------------------------------------------------
    def build(self, session: Session) -> None:
        """Load every name of the workspace (three narrow queries) and build the automaton."""
        table = _Table()
        max_ids = self._load(session, table, (0, 0, 0))
        self._base, self._base_multi = table.build()
        self._delta, self._delta_automaton, self._delta_multi = _Table(), None, []
        self._account_key_ids = {}
        for key, owners in table.keys.items():
            accounts = tuple(sorted(i for kind, i in owners if kind == ACCOUNT))
            if accounts:
                self._account_key_ids[key] = accounts
        self._account_keys = sorted(self._account_key_ids)
        self._latin_by_length = {}
        for key in self._account_keys:
            self._add_latin(key)
        self.size = len(table.keys)
        self.max_ids = max_ids
        self.built_at = time.monotonic()

    def refresh(self, session: Session) -> None:
        """Index rows added since the last look (ids above those indexed): normally no rows,
        found by one statement over three primary-key ranges."""
        global _FLUSHED
        now = time.monotonic()
        if not _FLUSHED and now - self.looked_at < LOOK_EVERY:
            return
        self.looked_at, _FLUSHED = now, False
        a, b, c = self.max_ids
        newer = session.execute(_NEWER, {"a": a, "b": b, "c": c}).first()
        if newer is None:
            return
        max_ids = self._load(session, self._delta, self.max_ids)
        if max_ids == self.max_ids:
            return
        self.max_ids = max_ids
        self._delta_automaton, self._delta_multi = self._delta.build()
        for key, owners in self._delta.keys.items():
            accounts = {i for kind, i in owners if kind == ACCOUNT}
            if accounts:
                merged = tuple(sorted(accounts | set(self._account_key_ids.get(key, ()))))
                if key not in self._account_key_ids:
                    bisect.insort(self._account_keys, key)
                    self._add_latin(key)
                self._account_key_ids[key] = merged

    def _add_latin(self, key: str) -> None:
        if key.isascii():
            self._latin_by_length.setdefault((len(key), key[0]), []).append(key)
            if key[-1] != key[0]:
                self._latin_by_length.setdefault((len(key), key[-1]), []).append(key)

    def _load(self, session: Session, table: _Table, above: tuple[int, int, int]) -> tuple[int, int, int]:
        """Rows with ids above `above` (all rows at first). A top-up filters by id alone, so the
        database reads a primary-key range (normally empty) rather than the team's whole index;
        the team is checked here."""
        top_account, top_alias, top_contact = above
        first = above == (0, 0, 0)

        def team(model: type[Account] | type[AccountAlias] | type[Contact]) -> list:
            return [model.team_id == self.team_id] if first else []

        for ident, team_id, key, archived in session.execute(
            select(Account.id, Account.team_id, Account.name_norm, Account.archived_at).where(
                Account.id > above[0], *team(Account)
            )
        ):
            if team_id == self.team_id and archived is None:
                table.add(key, ACCOUNT, ident)
            top_account = max(top_account, ident)
        for ident, team_id, account_id, key in session.execute(
            select(AccountAlias.id, AccountAlias.team_id, AccountAlias.account_id, AccountAlias.alias_norm).where(
                AccountAlias.id > above[1], *team(AccountAlias)
            )
        ):
            if team_id == self.team_id:
                table.add(key, ACCOUNT, account_id)
            top_alias = max(top_alias, ident)
        for ident, team_id, account_id, key in session.execute(
            select(Contact.id, Contact.team_id, Contact.account_id, Contact.name_norm).where(
                Contact.id > above[2], *team(Contact)
            )
        ):
            if team_id == self.team_id:
                table.add(key, CONTACT, account_id)
            top_contact = max(top_contact, ident)
        return top_account, top_alias, top_contact

    # --- finding -----------------------------------------------------------------------------
    def find(self, text: str) -> list[NameHit]:
        """Known names in `text`, longest first where they overlap, left to right."""
        key, where = folded(text)
        if not key:
            return []
        # (kind, start, end) -> key, ids: a name in both automata (a contact added since the
        # build, named like an older one) is one hit with the ids of both
        found: dict[tuple[int, int, int], tuple[str, set[int]]] = {}
        for automaton, multi in ((self._base, self._base_multi), (self._delta_automaton, self._delta_multi)):
            if automaton is None:
                continue
            for end, value in automaton.iter(key):
                packed = -value - 1 if value < 0 else value
                length = packed % 256
                start = end - length + 1
                owners = multi[packed // 256] if value < 0 else (((value // 256) % 2, value // 512),)
                s, e = where[start], where[end] + 1
                if key[start].isascii() and ((s > 0 and _latin(text[s - 1])) or (e < len(text) and _latin(text[e]))):
                    continue  # inside a longer Latin word
                for kind in (ACCOUNT, CONTACT):
                    ids = {i for k, i in owners if k == kind}
                    if ids:
                        found.setdefault((kind, s, e), (key[start : end + 1], set()))[1].update(ids)
        return _longest_first([NameHit(kind, s, e, k, tuple(sorted(ids))) for (kind, s, e), (k, ids) in found.items()])

    def similar(self, phrase: str, *, limit: int = 5) -> list[tuple[int, str, int]]:
        """Accounts whose key starts with what was typed, or is one or two typos from it:
        (account id, key, score) best first; scores as in `bot.accounts.matching`."""
        query, _ = folded(phrase)
        if len(query) < 2:
            return []
        out: dict[int, tuple[int, str, int]] = {}
        lo = bisect.bisect_left(self._account_keys, query)
        for key in self._account_keys[lo : lo + 20]:
            if not key.startswith(query):
                break
            for ident in self._account_key_ids[key]:
                out.setdefault(ident, (ident, key, 90 if key != query else 100))
        if query.isascii() and len(query) >= 5:
            allowed = 1 if len(query) < 8 else 2
            # only keys that can be `allowed` edits away: Latin, of a length within `allowed`, and
            # sharing the first or the last letter (two typos at both ends are not a small typo)
            pool = {
                k
                for n in range(len(query) - allowed, len(query) + allowed + 1)
                for edge in {query[0], query[-1]}
                for k in self._latin_by_length.get((n, edge), ())
            }
            for key, _dist, _i in process.extract(
                query, list(pool), scorer=OSA.distance, score_cutoff=allowed, limit=limit * 2
            ):
                for ident in self._account_key_ids[key]:
                    out.setdefault(ident, (ident, key, 70))
        return sorted(out.values(), key=lambda c: (-c[2], len(c[1]), c[0]))[:limit]


def _longest_first(hits: list[NameHit]) -> list[NameHit]:
    """Non-overlapping hits, a longer name winning over any shorter one it overlaps; an
    account winning over a contact of the same span."""
    chosen: list[NameHit] = []
    for hit in sorted(hits, key=lambda h: (-(h.end - h.start), h.kind, h.start)):
        if all(hit.end <= c.start or hit.start >= c.end for c in chosen):
            chosen.append(hit)
    return sorted(chosen, key=lambda h: h.start)


_FLUSHED = False  # this process wrote a name since the last look


@event.listens_for(Session, "after_flush")
def _names_written(session: Session, _context: object) -> None:
    """A name added by this process is looked for on the next line, without waiting."""
    global _FLUSHED
    if any(isinstance(obj, (Account, AccountAlias, Contact)) for obj in session.new):
        _FLUSHED = True


_NAME_TABLES = frozenset({"accounts", "account_aliases", "contacts"})


@event.listens_for(Session, "do_orm_execute")
def _names_inserted(state: ORMExecuteState) -> None:
    """The same for a name inserted by an `INSERT … ON CONFLICT DO NOTHING` (a new account or
    contact that a concurrent request may have created first), which no flush sees."""
    global _FLUSHED
    table = getattr(state.statement, "table", None) if state.is_insert else None
    if table is not None and table.name in _NAME_TABLES:
        _FLUSHED = True


_INDEXES: dict[tuple[str, str], NameIndex] = {}
_REBUILDING: set[tuple[str, str]] = set()
_LOCK = threading.Lock()


def name_index(session: Session, team_id: str) -> NameIndex:
    """The workspace's index: built once per process (per database), topped up with new rows
    on each call; when older than `REBUILD_AFTER` a fresh one is built in a background thread
    and swapped in, so no request waits for a rebuild after the first."""
    engine = session.get_bind()
    cache_key = (str(getattr(engine, "url", "")), team_id)
    # The session's transaction first (on SQLite, BEGIN IMMEDIATE takes the write lock), then
    # `_LOCK`: every thread takes the two in that order. Taken the other way round (the worker's
    # warm-up thread did), a request holding the write lock and waiting here, and a thread holding
    # `_LOCK` and waiting for the write lock, stalled each other until SQLite's busy timeout.
    session.connection()
    with _LOCK:
        index = _INDEXES.get(cache_key)
        if index is None:
            index = NameIndex(team_id)
            index.build(session)
            _INDEXES[cache_key] = index
            return index
        index.refresh(session)
        if time.monotonic() - index.built_at > REBUILD_AFTER and cache_key not in _REBUILDING:
            _REBUILDING.add(cache_key)
            threading.Thread(target=_rebuild, args=(engine, cache_key), daemon=True, name="name-index").start()
        return index


def _rebuild(engine: Engine, cache_key: tuple[str, str]) -> None:
    """Build a fresh index with a session of its own and swap it in."""
    try:
        fresh = NameIndex(cache_key[1])
        with Session(engine) as session:
            fresh.build(session)
        with _LOCK:
            _INDEXES[cache_key] = fresh
    finally:
        with _LOCK:
            _REBUILDING.discard(cache_key)


def forget_indexes() -> None:
    """Drop every cached index (tests that recreate their database; a renamed account in place)."""
    with _LOCK:
        _INDEXES.clear()


def is_indexed(engine: Engine, team_id: str) -> bool:
    """Whether this process holds the workspace's index already (the next line will not build it)."""
    with _LOCK:
        return (str(getattr(engine, "url", "")), team_id) in _INDEXES


def warm_indexes(engine: Engine, team_ids: list[str]) -> threading.Thread:
    """Build the workspaces' indexes in a background thread (a worker process at start), so
    the first `/visit` line after a start does not wait for the build."""

    def build() -> None:
        for team_id in team_ids:
            try:
                with Session(engine) as session:
                    name_index(session, team_id)
            except Exception:  # the database may be down at start: the first line builds it then
                log.warning("name index for %s not built ahead", team_id, exc_info=True)

    thread = threading.Thread(target=build, daemon=True, name="name-index-warm")
    thread.start()
    return thread
