"""Synthetic data for the benchmarks: one busy workspace, loaded in bulk.

    python -m bench.generate --reps 1000 --accounts 100000 --contacts 300000 --visits 1000000 \
        [--deals N] [--followups 50000] [--database-url URL] [--seed 1] [--team T0BENCH00] [--reset]

Other benchmarks call `generate(db_url, Sizes(...), seed)` and get a `Summary` back.

What the data looks like, and why (each benchmark needs the shapes production will have):
- People: an admin, managers (one per ten reps by default), reps under them in six time zones
  (mostly Asia/Shanghai); Chinese- and English-speaking, names in both scripts. Rep activity is
  skewed (log-normal): some reps own and visit several times as many accounts as others.
- Accounts: 70 % Chinese company names (上海华达科技有限公司), 30 % English ones
  (Northfield Robotics (China) Ltd); most carry an alias in the other script or a short form
  ("华达科技", "Huada Technology", "博瑞森"). Short aliases may be shared by two companies, as
  in real life. Popularity is skewed: a few accounts get many visits, many get few or none.
- Contacts: about three per account (more at popular ones), titles and buying roles in the
  account's language; relationship levels skewed low and consistent with the visits (a contact
  met face to face is at level 2 or more, informally at 3 or more).
- Visits: over the last year, on working days and in working hours of the rep's own time zone
  (weekends and holidays rare, informal visits in the evening); channels mixed; one or two
  contacts met; about a third linked to an open deal of the account; raw one-line text as reps
  type it, in their language.
- Deals (default: one per five accounts): created over the last year and walked through the
  default S-P-A-D-C-O funnel with per-rep conversion rates (so a rep's weakest step is
  visible) and gamma-distributed time in stage; open, won (reached O, then 'won') or lost
  (with loss reasons from the workspace taxonomy); occasional backward moves; full stage history.
- Follow-ups: most are next steps of visits (the visit carries the next step and due date),
  the rest manual, plan-visit, prospect-decide and new-lead ones; most old ones done, some
  overdue, some due in the coming weeks.
- Targets per rep per quarter, sales teams per manager, public holidays.
Every row carries the workspace's team_id and valid foreign keys; ids are chosen here (above
any already in the database), and PostgreSQL's sequences are moved past them afterwards.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import text

from bench import vocab
from bench.bulk import NULL_TS, BulkWriter, table_max_id
from bot.core.clock import Clock
from bot.core.config import STAGE_PRESETS
from bot.core.text import normalize
from bot.people.members import ensure_workspace
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Base, Workspace

DAY = 86_400
DEFAULT_TEAM = "T0BENCH00"
ADMIN_USER_ID = "UADMIN0001"
DEFAULT_DB_URL = "sqlite:///bench.db"

# Default funnel behaviour (S→P, P→A, A→D, D→C, C→O) and mean days spent in each stage.
FUNNEL_KEYS = [spec.key for spec in STAGE_PRESETS["spadco"]]
STEP_CONVERSION = np.array([0.55, 0.60, 0.62, 0.58, 0.70])
STAGE_MEAN_DAYS = np.array([10.0, 18.0, 24.0, 20.0, 16.0])
STALL_SHARE = 0.12  # of the deals due to leave a stage, the share that just stays (goes stale)

# Local hour weights for visits (8:00 … 20:00): mornings and afternoons, a dip at lunch.
HOUR_WEIGHTS = np.array([0.3, 1.0, 1.2, 1.0, 0.4, 0.6, 1.1, 1.1, 1.0, 0.7, 0.3, 0.2, 0.15])
WEEKDAY_WEIGHTS = np.array([1.0, 1.0, 1.0, 1.0, 0.95, 0.08, 0.03])  # Monday … Sunday
LEVEL_WEIGHTS = np.array([0.30, 0.30, 0.20, 0.10, 0.07, 0.03])  # relationship levels 0 … 5

# Tables loaded with explicit ids (their sequences are moved past them on PostgreSQL).
ID_TABLES = (
    "people", "sales_teams", "targets", "holidays", "accounts", "account_aliases", "contacts", "deals",
    "stage_changes", "visits", "follow_ups",
)  # fmt: skip


# The big tables: loaded before their secondary indexes and foreign keys are (re)built.
DEFERRED_TABLES = (
    "accounts", "account_aliases", "contacts", "deals", "stage_changes", "deal_reasons", "visits", "visit_contacts",
    "follow_ups",
)  # fmt: skip


def rep_user_id(i: int) -> str:
    """The Slack user id of rep number `i` (1-based), as generated."""
    return f"UREP{i:06d}"


def manager_user_id(i: int) -> str:
    return f"UMGR{i:06d}"


@dataclass(frozen=True)
class Sizes:
    reps: int = 1000
    accounts: int = 100_000
    contacts: int = 300_000
    visits: int = 1_000_000
    deals: int | None = None  # default: accounts // 5
    followups: int = 50_000
    managers: int | None = None  # default: one per ten reps

    @property
    def n_deals(self) -> int:
        return self.deals if self.deals is not None else self.accounts // 5

    @property
    def n_managers(self) -> int:
        return self.managers if self.managers is not None else max(1, self.reps // 10)


@dataclass
class Summary:
    team_id: str
    dialect: str
    now: datetime
    sizes: Sizes
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    total_seconds: float = 0.0
    facts: dict[str, object] = field(default_factory=dict)

    def rep_user_ids(self) -> list[str]:
        return [rep_user_id(i) for i in range(1, self.sizes.reps + 1)]


class GenerateError(RuntimeError):
    """The target database is not fit for generation (e.g. the workspace already exists)."""


def reset_database(db: Database) -> None:
    """Drop every table of the product (benchmark databases only) so migrations start afresh."""
    with db.engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


def generate(
    db_url: str,
    sizes: Sizes,
    seed: int = 1,
    *,
    team_id: str = DEFAULT_TEAM,
    now: datetime | None = None,
    reset: bool = False,
    echo: Callable[[str], None] = print,
) -> Summary:
    """Create (or migrate) the schema and load one synthetic workspace of `sizes` into it."""
    started = time.perf_counter()
    now = (now or Clock().now()).astimezone(UTC).replace(microsecond=0)
    db = Database(db_url, statement_timeout=0)  # bulk loading and index builds run long
    try:
        if reset:
            reset_database(db)
        t0 = time.perf_counter()
        upgrade(db.engine)
        migrate_seconds = time.perf_counter() - t0
        with db.transaction() as session:
            if session.get(Workspace, team_id) is not None:
                raise GenerateError(f"workspace {team_id} already exists in this database (use --reset or --team)")
            ensure_workspace(session, team_id, now, name="Bench Co")
        echo(f"generating {team_id} into {db.dialect}: {sizes} seed={seed} now={now.isoformat()}")
        writer = BulkWriter(db.engine, echo=echo)
        try:
            plan = _Plan(sizes, seed, now, team_id, {t: table_max_id(db.engine, t) for t in ID_TABLES})
            echo(f"  {'(plan)':<16} {'':>10}       {plan.seconds:7.2f} s")
            with writer.constraints_deferred([Base.metadata.tables[t] for t in DEFERRED_TABLES]):
                plan.load(writer)
            writer.finish(ID_TABLES)
        finally:
            writer.close()
        summary = Summary(team_id=team_id, dialect=db.dialect, now=now, sizes=sizes, facts=plan.facts)
        summary.seconds["(migrate)"] = migrate_seconds
        summary.seconds["(plan)"] = plan.seconds
        for table, timing in writer.timings.items():
            summary.seconds[table] = timing.seconds
            if timing.rows:
                summary.counts[table] = timing.rows
        summary.total_seconds = time.perf_counter() - started
        echo(f"  {'TOTAL':<16} {sum(summary.counts.values()):>10,} rows  {summary.total_seconds:7.2f} s")
        return summary
    finally:
        db.dispose()


def _weights(values: np.ndarray) -> np.ndarray:
    return values / values.sum()


class _Plan:
    """Every row of the workspace as numpy arrays (and a few lists of names), then loaded."""

    def __init__(self, sizes: Sizes, seed: int, now: datetime, team_id: str, id_base: dict[str, int]) -> None:
        started = time.perf_counter()
        self.sizes = sizes
        self.team = team_id
        self.now = now
        self.now_ts = int(now.timestamp())
        self.base = id_base
        self.rng = np.random.default_rng(seed)
        self.random = random.Random(seed)
        self.facts: dict[str, object] = {}
        self._people()
        self._accounts()
        self._contacts()
        self._deals()
        self._visits()
        self._contact_state()
        self._account_state()
        self._followups()
        self.seconds = time.perf_counter() - started

    # ----- people -------------------------------------------------------------------------
    def _people(self) -> None:
        rng, s = self.rng, self.sizes
        n_mgr, n_rep = s.n_managers, s.reps
        n = 1 + n_mgr + n_rep
        self.n_people, self.n_mgr, self.n_rep = n, n_mgr, n_rep
        self.person_id = self.base["people"] + 1 + np.arange(n)
        self.rep_pid = self.person_id[1 + n_mgr :]
        zones = [z for z, _ in vocab.REP_ZONES]
        zone_p = _weights(np.array([w for _, w in vocab.REP_ZONES]))
        mgr_zone = rng.choice(len(zones), n_mgr, p=zone_p)
        rep_mgr = (np.arange(n_rep) * n_mgr) // max(1, n_rep)
        rep_zone = np.where(rng.random(n_rep) < 0.9, mgr_zone[rep_mgr], rng.choice(len(zones), n_rep, p=zone_p))
        self.zone_names = zones
        self.person_zone = np.concatenate([[0], mgr_zone, rep_zone])
        zh_share = {"Asia/Shanghai": 0.85, "Asia/Singapore": 0.4, "Asia/Tokyo": 0.2}
        zh_p = np.array([zh_share.get(zones[z], 0.05) for z in self.person_zone])
        self.person_zh = rng.random(n) < zh_p
        self.person_zh[0] = True
        self.person_manager = np.concatenate([[-1], np.full(n_mgr, self.person_id[0]), self.person_id[1 + rep_mgr]])
        self.user_ids = [ADMIN_USER_ID] + [manager_user_id(i + 1) for i in range(n_mgr)]
        self.user_ids += [rep_user_id(i + 1) for i in range(n_rep)]
        self.person_names = [self._person_name(bool(zh), None) for zh in self.person_zh]
        self.person_role = ["admin"] + ["manager"] * n_mgr + ["rep"] * n_rep
        joined_days = np.concatenate([np.full(1 + n_mgr, 3 * 365), rng.integers(30, 1500, n_rep)])
        self.person_created = self.now_ts - joined_days * DAY
        self.person_active = np.ones(n, dtype=bool)
        self.person_active[1 + n_mgr :] = rng.random(n_rep) >= 0.01
        # How busy each rep is: owns and visits proportionally more accounts.
        self.rep_weight = np.clip(rng.lognormal(0.0, 0.7, n_rep), 0.2, 4.0)
        # Per-day UTC offsets of each zone over the year (daylight saving included).
        first_day = (self.now - timedelta(days=364)).date()
        self.first_day = first_day
        self.day0_ts = int(datetime(first_day.year, first_day.month, first_day.day, tzinfo=UTC).timestamp())
        self.zone_offsets = np.array(
            [
                [
                    int(ZoneInfo(z).utcoffset(datetime(d.year, d.month, d.day, 12)).total_seconds())
                    for d in (first_day + timedelta(days=i) for i in range(365))
                ]
                for z in zones
            ]
        )
        self.holidays = _holidays(first_day, self.now.date() + timedelta(days=60))

    def _person_name(self, zh: bool, style: str | None) -> str:
        r = self.random
        if zh:
            return r.choice(vocab.CN_SURNAMES) + "".join(r.choice(vocab.CN_GIVEN) for _ in range(r.choice((1, 2, 2))))
        if style == "pinyin":
            return f"{r.choice(vocab.EN_FIRST)} {r.choice(vocab.CN_SURNAMES_PINYIN)}"
        return f"{r.choice(vocab.EN_FIRST)} {r.choice(vocab.EN_LAST)}"

    # ----- accounts -----------------------------------------------------------------------
    def _accounts(self) -> None:
        rng, r, n = self.rng, self.random, self.sizes.accounts
        self.n_acc = n
        self.account_id = self.base["accounts"] + 1 + np.arange(n)
        owned = rng.random(n) >= 0.03
        owner_rep = rng.choice(self.n_rep, n, p=_weights(self.rep_weight))
        self.account_owner_rep = np.where(owned, owner_rep, -1)  # index into reps, -1: nobody
        self.account_pop = rng.lognormal(0.0, 1.5, n)
        self.account_cn = rng.random(n) < 0.7
        names: list[str] = []
        aliases: list[tuple[int, str]] = []
        industries: list[str] = []
        regions: list[str] = []
        seen: set[str] = set()
        for i in range(n):
            while True:
                if self.account_cn[i]:
                    city, b1, b2, ind = (r.choice(x) for x in (vocab.CN_CITIES, vocab.CN_BRAND_1, vocab.CN_BRAND_2,
                                                                 vocab.CN_INDUSTRIES))  # fmt: skip
                    name = f"{city[0]}{b1[0]}{b2[0]}{ind[0]}{r.choice(vocab.CN_SUFFIXES)}"
                else:
                    root = r.choice(vocab.EN_ROOT_1) + r.choice(vocab.EN_ROOT_2)
                    ind_en = r.choice(vocab.EN_INDUSTRIES)
                    region = r.choice(vocab.EN_REGIONS)
                    name = " ".join(p for p in (root, ind_en[0], region, r.choice(vocab.EN_SUFFIXES)) if p)
                key = normalize(name)
                if key not in seen:
                    seen.add(key)
                    break
            names.append(name)
            roll = r.random()
            if self.account_cn[i]:
                industries.append(ind[0])
                regions.append(city[0])
                if roll < 0.55:
                    aliases.append((i, f"{b1[0]}{b2[0]}{ind[0]}"))
                elif roll < 0.85:
                    aliases.append((i, f"{b1[1]}{b2[1]} {ind[1]}"))
            else:
                industries.append(ind_en[0])
                regions.append(region.strip("()") or "China")
                if roll < 0.45:
                    aliases.append((i, f"{root} {ind_en[0]}"))
                elif roll < 0.70:
                    translit = "".join(r.choice(vocab.CN_TRANSLIT) for _ in range(r.choice((2, 3))))
                    aliases.append((i, translit + ind_en[1]))
        self.account_names = names
        self.account_industry = industries
        self.account_region = regions
        self.aliases = aliases
        # The first alias of each account: the bench types it as often as the full name.
        self.account_alias = [None] * n
        for i, alias in aliases:
            self.account_alias[i] = alias

    # ----- contacts -----------------------------------------------------------------------
    def _contacts(self) -> None:
        rng = self.rng
        n, a = self.sizes.contacts, self.n_acc
        weights = _weights(self.account_pop**0.7)
        # Every account knows somebody (when there are enough contacts); popular ones know more.
        counts = 1 + rng.multinomial(n - a, weights) if n >= a else rng.multinomial(n, weights)
        self.contact_count = counts
        self.contact_start = np.concatenate([[0], np.cumsum(counts)[:-1]])
        self.contact_account = np.repeat(np.arange(a), counts)
        self.n_con = n
        self.contact_id = self.base["contacts"] + 1 + np.arange(n)
        cn_acc = self.account_cn[self.contact_account]
        roll = rng.random(n)
        # Chinese companies: mostly Chinese names, some "David Li"; foreign ones: a mix.
        zh_name = np.where(cn_acc, roll < 0.85, roll < 0.35)
        pinyin = np.where(cn_acc, roll >= 0.92, (roll >= 0.35) & (roll < 0.45))
        names: list[str] = []
        current, used = -1, set()
        for i in range(n):
            acc = self.contact_account[i]
            if acc != current:
                current, used = acc, set()
            for _ in range(20):
                name = self._person_name(bool(zh_name[i]), "pinyin" if pinyin[i] else None)
                if normalize(name) not in used:
                    break
            else:  # contact names are unique per account (a database constraint): number the 21st
                name = f"{name} {len(used) + 1}"
            used.add(normalize(name))
            names.append(name)
        self.contact_names = names
        self.contact_zh = zh_name
        self.contact_title = rng.integers(0, len(vocab.TITLES_ZH), n)
        self.contact_dept = rng.integers(0, len(vocab.DEPARTMENTS_ZH), n)
        roles = np.array([role for _, role in vocab.TITLES_ZH])
        self.contact_role = roles[self.contact_title].astype(object)
        self.contact_role[rng.random(n) < 0.07] = "coach"
        self.contact_involvement = np.where(rng.random(n) < 0.2, rng.integers(1, 6, n), -1)
        self.contact_personality = np.where(rng.random(n) < 0.15, rng.integers(0, 4, n), -1)

    # ----- deals --------------------------------------------------------------------------
    def _deals(self) -> None:
        rng = self.rng
        n = self.sizes.n_deals
        self.n_deal = n
        self.deal_id = self.base["deals"] + 1 + np.arange(n)
        acc = np.sort(rng.choice(self.n_acc, n, p=_weights(self.account_pop)))
        self.deal_account = acc
        owner = self.account_owner_rep[acc]
        owner = np.where(owner >= 0, owner, rng.choice(self.n_rep, n, p=_weights(self.rep_weight)))
        self.deal_owner_rep = owner
        created = self.now_ts - rng.integers(1 * DAY, 365 * DAY, n)
        self.deal_created = created
        # Each rep converts differently at each step: a visible weakest step per rep.
        rep_conv = np.clip(STEP_CONVERSION * rng.lognormal(0.0, 0.25, (self.n_rep, 5)), 0.05, 0.95)
        stage = np.zeros(n, dtype=np.int64)
        status = np.zeros(n, dtype=np.int64)  # 0 open, 1 won, 2 lost
        entered = created.copy()
        closed = np.full(n, NULL_TS, dtype=np.int64)
        hist: list[tuple[np.ndarray, ...]] = []  # (deal index, from stage, to stage, at)
        idx = np.arange(n)
        hist.append((idx, np.full(n, -1), np.zeros(n, dtype=np.int64), created.copy()))
        alive = np.ones(n, dtype=bool)
        t = created.astype(np.float64)
        for s in range(5):
            duration = rng.gamma(2.0, STAGE_MEAN_DAYS[s] / 2.0, n) * DAY
            exit_at = t + duration
            finishing = alive & (exit_at < self.now_ts)
            # Some deals are never decided: they sit in the stage (the stale deals).
            stalled = finishing & (rng.random(n) < STALL_SHARE)
            finishing &= ~stalled
            advance = finishing & (rng.random(n) < rep_conv[owner, s])
            lost = finishing & ~advance
            status[lost] = 2
            closed[lost] = exit_at[lost].astype(np.int64)
            hist.append((idx[lost], np.full(lost.sum(), s), np.full(lost.sum(), 7), exit_at[lost].astype(np.int64)))
            if s == 3:  # a few deals fall back from Demo to Analysis before going on
                back = advance & (rng.random(n) < 0.05)
                t1 = (t + duration * 0.4)[back].astype(np.int64)
                t2 = (t + duration * 0.7)[back].astype(np.int64)
                hist.append((idx[back], np.full(back.sum(), 3), np.full(back.sum(), 2), t1))
                hist.append((idx[back], np.full(back.sum(), 2), np.full(back.sum(), 3), t2))
            hist.append(
                (
                    idx[advance],
                    np.full(advance.sum(), s),
                    np.full(advance.sum(), s + 1),
                    exit_at[advance].astype(np.int64),
                )
            )
            stage[advance] = s + 1
            entered[advance] = exit_at[advance].astype(np.int64)
            alive = advance
            t = exit_at
        # Reaching O (order received) is the win: O, then 'won' at the same instant.
        won = alive
        status[won] = 1
        closed[won] = entered[won]
        hist.append((idx[won], np.full(won.sum(), 5), np.full(won.sum(), 6), entered[won]))
        self.deal_stage, self.deal_status, self.deal_entered, self.deal_closed = stage, status, entered, closed
        h_deal = np.concatenate([h[0] for h in hist])
        order = np.lexsort((np.concatenate([h[3] for h in hist]), h_deal))
        self.hist_deal = h_deal[order]
        self.hist_from = np.concatenate([h[1] for h in hist])[order]
        self.hist_to = np.concatenate([h[2] for h in hist])[order]
        self.hist_at = np.concatenate([h[3] for h in hist])[order]
        # Loss reasons: one, sometimes two, from the default taxonomy.
        keys = list(vocab.LOSS_REASON_WEIGHTS)
        p = _weights(np.array(list(vocab.LOSS_REASON_WEIGHTS.values())))
        lost_idx = np.flatnonzero(status == 2)
        first = rng.choice(len(keys), lost_idx.size, p=p)
        second = rng.choice(len(keys), lost_idx.size, p=p)
        two = (rng.random(lost_idx.size) < 0.3) & (second != first)
        self.reason_deal = np.concatenate([lost_idx, lost_idx[two]])
        self.reason_key = [keys[k] for k in np.concatenate([first, second[two]])]
        self.deal_start = np.searchsorted(acc, np.arange(self.n_acc))
        self.deal_count = np.bincount(acc, minlength=self.n_acc)
        self.facts["deals_by_status"] = {
            "open": int((status == 0).sum()),
            "won": int((status == 1).sum()),
            "lost": int((status == 2).sum()),
        }

    # ----- visits -------------------------------------------------------------------------
    def _visits(self) -> None:
        rng = self.rng
        n = self.sizes.visits
        self.n_vis = n
        self.visit_id = self.base["visits"] + 1 + np.arange(n)
        acc = rng.choice(self.n_acc, n, p=_weights(self.account_pop))
        rep = self.account_owner_rep[acc]
        stray = rep < 0
        rep[stray] = rng.choice(self.n_rep, int(stray.sum()), p=_weights(self.rep_weight))
        self.visit_account, self.visit_rep = acc, rep
        channel = rng.choice(len(vocab.CHANNELS), n, p=_weights(np.array(vocab.CHANNEL_WEIGHTS)))
        self.visit_channel = channel
        # When: a working day of the last year, working hours in the rep's own zone.
        days = np.array([self.first_day + timedelta(days=i) for i in range(365)])
        day_w = np.array([WEEKDAY_WEIGHTS[d.weekday()] * (0.05 if d in self.holidays else 1.0) for d in days])
        day = rng.choice(365, n, p=_weights(day_w))
        hour = 8 + rng.choice(len(HOUR_WEIGHTS), n, p=_weights(HOUR_WEIGHTS))
        informal = channel == vocab.CHANNELS.index("informal")
        hour[informal] = rng.integers(18, 22, int(informal.sum()))
        minute = rng.integers(0, 60, n)
        zone = self.person_zone[1 + self.n_mgr + rep]
        ts = self.day0_ts + day * DAY + hour * 3600 + minute * 60 - self.zone_offsets[zone, day]
        while (future := ts > self.now_ts).any():
            ts[future] -= 7 * DAY
        self.visit_ts = ts
        lag = np.where(rng.random(n) < 0.85, rng.integers(60, 4 * 3600, n), rng.integers(DAY, 4 * DAY, n))
        self.visit_created = np.minimum(ts + lag, self.now_ts)
        source_roll = rng.random(n)
        self.visit_source = np.where(
            source_roll < 0.70, 0, np.where(source_roll < 0.92, 1, 2)
        )  # command/modal/shortcut
        # Who was met: mostly the account's key contact, sometimes two people.
        cnt = self.contact_count[acc]
        roll = rng.random(n)
        met = np.where(cnt == 0, 0, np.where(roll < 0.06, 0, np.where((roll > 0.88) & (cnt >= 2), 2, 1)))
        first = np.minimum((cnt * rng.random(n) ** 6).astype(np.int64), np.maximum(cnt - 1, 0))
        second = (first + 1 + (np.maximum(cnt - 1, 1) * rng.random(n)).astype(np.int64)) % np.maximum(cnt, 1)
        start = self.contact_start[acc]
        has1, has2 = met >= 1, met == 2
        self.vc_visit = np.concatenate([np.flatnonzero(has1), np.flatnonzero(has2)])
        self.vc_contact = np.concatenate([(start + first)[has1], (start + second)[has2]])
        self.visit_first_contact = np.where(has1, start + first, -1)
        # About a third of visits to an account with a deal are about that deal (while open).
        dcount = self.deal_count[acc]
        pick = self.deal_start[acc] + (dcount * rng.random(n)).astype(np.int64)
        pick = np.minimum(pick, max(self.n_deal - 1, 0))
        link = (dcount > 0) & (rng.random(n) < 0.6)
        if self.n_deal:
            closed = np.where(self.deal_closed[pick] == NULL_TS, self.now_ts, self.deal_closed[pick])
            link &= (self.deal_created[pick] <= ts) & (ts <= closed)
        self.visit_deal = np.where(link, pick, -1)
        self.visit_has_purpose = rng.random(n) < 0.8
        self.visit_has_notes = rng.random(n) < 0.5
        self.visit_purpose = rng.integers(0, len(vocab.PURPOSES_EN), n)
        self.visit_note = rng.integers(0, len(vocab.NOTES_EN), n)
        per_rep = np.bincount(rep, minlength=self.n_rep)
        self.facts["visits_per_rep"] = {
            "min": int(per_rep.min()),
            "median": int(np.median(per_rep)),
            "p90": int(np.percentile(per_rep, 90)),
            "max": int(per_rep.max()),
        }
        self.facts["visits_by_channel"] = {c: int((channel == i).sum()) for i, c in enumerate(vocab.CHANNELS)}

    def _contact_state(self) -> None:
        """Last meetings and relationship levels, consistent with the visits."""
        rng, n = self.rng, self.n_con
        vc_ts = self.visit_ts[self.vc_visit]
        vc_channel = self.visit_channel[self.vc_visit]
        f2f = np.isin(vc_channel, [vocab.CHANNELS.index("in_person"), vocab.CHANNELS.index("informal")])
        informal = vc_channel == vocab.CHANNELS.index("informal")
        last_touch = np.full(n, NULL_TS, dtype=np.int64)
        last_f2f = np.full(n, NULL_TS, dtype=np.int64)
        np.maximum.at(last_touch, self.vc_contact, vc_ts)
        np.maximum.at(last_f2f, self.vc_contact[f2f], vc_ts[f2f])
        ever_informal = np.zeros(n, dtype=bool)
        ever_informal[self.vc_contact[informal]] = True
        level = rng.choice(6, n, p=LEVEL_WEIGHTS)
        met = last_f2f != NULL_TS
        level = np.where(ever_informal, np.maximum(level, 3), np.where(met, np.maximum(level, 2), level))
        touched = last_touch != NULL_TS
        level = np.where(touched & ~met, np.clip(level, 1, 2), level)
        # Contacts met before the window (level 2+ but no visit this year): an old meeting.
        old = ~met & (level >= 2)
        last_f2f[old] = self.now_ts - rng.integers(370 * DAY, 3 * 365 * DAY, int(old.sum()))
        first_touch = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(first_touch, self.vc_contact, vc_ts)
        self.contact_first_touch = first_touch
        self.contact_level, self.contact_last_touch, self.contact_last_f2f = level, last_touch, last_f2f
        self.facts["contacts_by_level"] = {str(i): int((level == i).sum()) for i in range(6)}

    def _account_state(self) -> None:
        rng, n = self.rng, self.n_acc
        self.account_visits = np.bincount(self.visit_account, minlength=n)
        first_visit = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(first_visit, self.visit_account, self.visit_ts)
        first_deal = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
        if self.n_deal:
            np.minimum.at(first_deal, self.deal_account, self.deal_created)
        earliest = np.minimum(first_visit, first_deal)
        random_created = self.now_ts - rng.integers(DAY, 3 * 365 * DAY, n)
        self.account_created = np.minimum(earliest - rng.integers(DAY, 30 * DAY, n), random_created)
        self.account_first_contact = np.where(first_visit == np.iinfo(np.int64).max, NULL_TS, first_visit)
        won_acc = np.zeros(n, dtype=bool)
        if self.n_deal:
            won_acc[self.deal_account[self.deal_status == 1]] = True
        self.account_has_business = won_acc | (rng.random(n) < 0.3)
        # New leads: a few accounts that arrived in the last two weeks.
        recent = self.now_ts - rng.integers(3600, 14 * DAY, n)
        lead = (rng.random(n) < 0.005) & (earliest > recent)
        self.account_created = np.where(lead, recent, self.account_created)
        self.account_lead = lead
        # Contacts were added after their account, and before anyone met them.
        added = self.account_created[self.contact_account] + rng.integers(0, 30 * DAY, self.n_con)
        self.contact_created = np.minimum(np.minimum(added, self.contact_first_touch), self.now_ts)
        # 5+5+5: each rep with at least 15 accounts names its tiers among its most visited.
        tier = np.full(n, -1)
        owned = np.flatnonzero(self.account_owner_rep >= 0)
        order = owned[np.lexsort((-self.account_visits[owned], self.account_owner_rep[owned]))]
        owners = self.account_owner_rep[order]
        boundaries = np.flatnonzero(np.diff(owners)) + 1
        for group in np.split(order, boundaries):
            if group.size >= 15:
                business = group[self.account_has_business[group]]
                none = group[~self.account_has_business[group]]
                if business.size >= 10 and none.size >= 5:
                    tier[business[:5]] = 0
                    tier[business[5:10]] = 1
                    tier[none[:5]] = 2
        self.account_tier = tier

    # ----- follow-ups ---------------------------------------------------------------------
    def _followups(self) -> None:
        rng, now = self.rng, self.now_ts
        total = self.sizes.followups
        from_visits = min(int(total * 0.9), self.n_vis)
        other = total - from_visits
        self.n_fu = total
        self.fu_id = self.base["follow_ups"] + 1 + np.arange(total)
        vis = np.sort(rng.choice(self.n_vis, from_visits, replace=False)) if from_visits else np.zeros(0, np.int64)
        due_v = self.visit_ts[vis] + rng.integers(1, 15, from_visits) * DAY
        self.visit_next_due = np.full(self.n_vis, NULL_TS, dtype=np.int64)
        self.visit_next_due[vis] = due_v
        self.visit_next_step = np.full(self.n_vis, -1)
        step = rng.integers(0, len(vocab.NEXT_STEPS_EN), from_visits)
        self.visit_next_step[vis] = step
        acc_o = rng.choice(self.n_acc, other, p=_weights(self.account_pop))
        rep_o = self.account_owner_rep[acc_o]
        rep_o = np.where(rep_o >= 0, rep_o, rng.choice(self.n_rep, other, p=_weights(self.rep_weight)))
        self.fu_visit = np.concatenate([vis, np.full(other, -1)])
        self.fu_rep = np.concatenate([self.visit_rep[vis], rep_o])
        self.fu_account = np.concatenate([self.visit_account[vis], acc_o])
        self.fu_contact = np.concatenate([self.visit_first_contact[vis], np.full(other, -1)])
        self.fu_kind = ["next_step"] * from_visits + list(
            rng.choice(["manual", "plan_visit", "prospect_decide", "new_lead"], other, p=[0.5, 0.3, 0.15, 0.05])
        )
        due_o = now + rng.integers(-60 * DAY, 30 * DAY, other)
        due = np.concatenate([due_v, due_o])
        self.fu_due = due
        created_o = np.minimum(now, due_o - rng.integers(DAY, 10 * DAY, other))
        self.fu_created = np.concatenate([self.visit_created[vis], created_o])
        self.fu_step = np.concatenate([step, rng.integers(0, len(vocab.NEXT_STEPS_EN), other)])
        roll = rng.random(total)
        past, recent = due < now - 3 * DAY, due < now
        # 0 open, 1 done, 2 cancelled: old ones mostly done, some overdue; future ones open.
        status = np.where(past, np.where(roll < 0.85, 1, np.where(roll < 0.90, 2, 0)), 0)
        status = np.where(~past & recent, np.where(roll < 0.4, 1, 0), status)
        self.fu_status = status
        done = np.maximum(np.minimum(now, due + rng.integers(-2 * DAY, DAY, total)), self.fu_created)
        self.fu_done = np.where(status == 1, done, NULL_TS).astype(np.int64)
        self.fu_snoozes = np.where(rng.random(total) < 0.1, rng.integers(1, 4, total), 0)
        self.facts["followups_open_overdue"] = int(((status == 0) & (due < now)).sum())
        self.facts["followups_open_future"] = int(((status == 0) & (due >= now)).sum())

    # ----- loading ------------------------------------------------------------------------
    def load(self, w: BulkWriter) -> None:
        """Write every table, parent tables first."""
        self._load_people(w)
        self._load_accounts(w)
        self._load_deals(w)
        self._load_activity(w)

    def _load_people(self, w: BulkWriter) -> None:
        team = self.team

        def people(lo: int, hi: int) -> dict:
            n = hi - lo
            tz = [self.zone_names[z] for z in self.person_zone[lo:hi]]
            return {
                "id": w.ints(self.person_id[lo:hi]),
                "team_id": w.const(team, n),
                "slack_user_id": w.texts(self.user_ids[lo:hi]),
                "name": w.texts(self.person_names[lo:hi]),
                "role": w.texts(self.person_role[lo:hi]),
                "manager_id": w.ints(self.person_manager[lo:hi], nullable=True),
                "tz": w.texts(tz),
                "locale": w.texts(["zh-CN" if zh else "en-US" for zh in self.person_zh[lo:hi]]),
                "profile_fetched_at": w.instants(np.full(n, self.now_ts)),
                "dm_channel_id": w.texts(["D" + u.lstrip("UW") for u in self.user_ids[lo:hi]]),
                "is_active": w.bools(self.person_active[lo:hi]),
                "created_at": w.instants(self.person_created[lo:hi]),
            }

        w.load("people", self.n_people, people)

        mgr_pid = self.person_id[1 : 1 + self.n_mgr]

        def sales_teams(lo: int, hi: int) -> dict:
            zh = self.person_zh[1 + lo : 1 + hi]
            return {
                "id": w.ints(self.base["sales_teams"] + 1 + np.arange(lo, hi)),
                "team_id": w.const(team, hi - lo),
                "name": w.texts(
                    [f"销售{i + 1}组" if z else f"Sales team {i + 1}" for i, z in zip(range(lo, hi), zh, strict=True)]
                ),
                "manager_id": w.ints(mgr_pid[lo:hi]),
                "digest_channel_id": w.texts([f"CTEAM{i + 1:05d}" for i in range(lo, hi)]),
                "created_at": w.instants(np.full(hi - lo, self.now_ts - 3 * 365 * DAY)),
            }

        w.load("sales_teams", self.n_mgr, sales_teams)

        quarters = _quarters(self.now.date(), 5)
        n_targets = self.n_rep * len(quarters)

        def targets(lo: int, hi: int) -> dict:
            idx = np.arange(lo, hi)
            rep, q = idx // len(quarters), idx % len(quarters)
            amount = np.round(self.rep_weight[rep] * self.rng.lognormal(np.log(1_200_000), 0.3, hi - lo), -4)
            return {
                "id": w.ints(self.base["targets"] + 1 + idx),
                "team_id": w.const(team, hi - lo),
                "person_id": w.ints(self.rep_pid[rep]),
                "period_start": w.texts([quarters[k][0].isoformat() for k in q]),
                "period_end": w.texts([quarters[k][1].isoformat() for k in q]),
                "label": w.texts([quarters[k][2] for k in q]),
                "amount": w.numbers(amount),
                "created_at": w.instants(np.full(hi - lo, self.now_ts - 400 * DAY)),
            }

        w.load("targets", n_targets, targets)
        holidays = sorted(self.holidays.items())

        def holiday_rows(lo: int, hi: int) -> dict:
            return {
                "id": w.ints(self.base["holidays"] + 1 + np.arange(lo, hi)),
                "team_id": w.const(team, hi - lo),
                "day": w.texts([d.isoformat() for d, _ in holidays[lo:hi]]),
                "name": w.texts([name for _, name in holidays[lo:hi]]),
            }

        w.load("holidays", len(holidays), holiday_rows)

    def _load_accounts(self, w: BulkWriter) -> None:
        team = self.team
        sizes = ["small", "medium", "large", "enterprise"]
        tiers = ["big", "some", "none"]

        def accounts(lo: int, hi: int) -> dict:
            n = hi - lo
            owner = self.account_owner_rep[lo:hi]
            tier = self.account_tier[lo:hi]
            potential = np.round(self.account_pop[lo:hi] * 500_000, -3)
            lead = self.account_lead[lo:hi]
            return {
                "id": w.ints(self.account_id[lo:hi]),
                "team_id": w.const(team, n),
                "name": w.texts(self.account_names[lo:hi]),
                "name_norm": w.texts([normalize(x) for x in self.account_names[lo:hi]]),
                "owner_id": w.ints(np.where(owner >= 0, self.rep_pid[owner], -1), nullable=True),
                "business_status": w.texts(
                    ["has_business" if b else "no_business" for b in self.account_has_business[lo:hi]]
                ),
                "tier": w.texts([tiers[t] if t >= 0 else None for t in tier]),
                "tier_expected": w.numbers(potential * 0.3, null_mask=tier < 0),
                "industry": w.texts(self.account_industry[lo:hi]),
                "region": w.texts(self.account_region[lo:hi]),
                "size": w.texts([sizes[min(3, int(p))] for p in self.account_pop[lo:hi]]),
                "potential": w.numbers(potential),
                "is_lead": w.bools(lead),
                "lead_received_at": w.instants(np.where(lead, self.account_created[lo:hi], NULL_TS)),
                "first_contacted_at": w.instants(self.account_first_contact[lo:hi]),
                "contact_count": w.ints(self.account_visits[lo:hi]),
                "assigned_at": w.instants(self.account_created[lo:hi]),
                "created_at": w.instants(self.account_created[lo:hi]),
            }

        w.load("accounts", self.n_acc, accounts)

        def account_aliases(lo: int, hi: int) -> dict:
            part = self.aliases[lo:hi]
            idx = np.array([i for i, _ in part], dtype=np.int64)
            return {
                "id": w.ints(self.base["account_aliases"] + 1 + np.arange(lo, hi)),
                "team_id": w.const(team, hi - lo),
                "account_id": w.ints(self.account_id[idx]),
                "alias": w.texts([a for _, a in part]),
                "alias_norm": w.texts([normalize(a) for _, a in part]),
            }

        w.load("account_aliases", len(self.aliases), account_aliases)
        personalities = ["driver", "analytical", "amiable", "expressive"]

        def contacts(lo: int, hi: int) -> dict:
            n = hi - lo
            zh = self.contact_zh[lo:hi]
            titles = [
                (vocab.TITLES_ZH if z else vocab.TITLES_EN)[t][0]
                for z, t in zip(zh, self.contact_title[lo:hi], strict=True)
            ]
            depts = [
                (vocab.DEPARTMENTS_ZH if z else vocab.DEPARTMENTS_EN)[d]
                for z, d in zip(zh, self.contact_dept[lo:hi], strict=True)
            ]
            pers = self.contact_personality[lo:hi]
            return {
                "id": w.ints(self.contact_id[lo:hi]),
                "team_id": w.const(team, n),
                "account_id": w.ints(self.account_id[self.contact_account[lo:hi]]),
                "name": w.texts(self.contact_names[lo:hi]),
                "name_norm": w.texts([normalize(x) for x in self.contact_names[lo:hi]]),
                "title": w.texts(titles),
                "department": w.texts(depts),
                "buying_role": w.texts(list(self.contact_role[lo:hi])),
                "relationship_level": w.ints(self.contact_level[lo:hi]),
                "involvement": w.ints(self.contact_involvement[lo:hi], nullable=True),
                "personality": w.texts([personalities[p] if p >= 0 else None for p in pers]),
                "last_face_to_face_at": w.instants(self.contact_last_f2f[lo:hi]),
                "last_touch_at": w.instants(self.contact_last_touch[lo:hi]),
                "decay_notified_days": w.const(0, n),
                "created_at": w.instants(self.contact_created[lo:hi]),
            }

        w.load("contacts", self.n_con, contacts)

    def _load_deals(self, w: BulkWriter) -> None:
        team = self.team
        rep_lang_zh = self.person_zh[1 + self.n_mgr :]
        currencies = np.array(["CNY", "USD", "EUR"])
        deal_currency = currencies[self.rng.choice(3, self.n_deal, p=[0.85, 0.1, 0.05])]
        deal_amount = np.round(self.rng.lognormal(np.log(150_000), 1.0, self.n_deal), -3)
        deal_product = self.rng.integers(0, len(vocab.DEAL_PRODUCTS), self.n_deal)
        close_offset = np.where(
            self.rng.random(self.n_deal) < 0.1,
            -self.rng.integers(1, 30, self.n_deal),
            self.rng.integers(7, 150, self.n_deal),
        )
        bant_roll = self.rng.random((self.n_deal, 6))
        lesson = self.rng.random(self.n_deal) < 0.25

        def deals(lo: int, hi: int) -> dict:
            n = hi - lo
            status = self.deal_status[lo:hi]
            stage = self.deal_stage[lo:hi]
            owner = self.deal_owner_rep[lo:hi]
            zh = rep_lang_zh[owner]
            acc = self.deal_account[lo:hi]
            titles = []
            for z, p, a in zip(zh, deal_product[lo:hi], acc, strict=True):
                label = self.account_alias[a] or self.account_names[a]
                titles.append(f"{label} {vocab.DEAL_PRODUCTS[p][0 if z else 1]}"[:200])
            closed = self.deal_closed[lo:hi]
            expected = np.where(closed == NULL_TS, self.now_ts + close_offset[lo:hi] * DAY, closed)
            # BANTCC: more items known and true the further the deal went.
            known = bant_roll[lo:hi] < (0.25 + 0.12 * stage)[:, None]
            true = bant_roll[lo:hi] < (0.18 + 0.12 * stage)[:, None]
            bant = {
                name: w.bools(true[:, k], null_mask=~known[:, k])
                for k, name in enumerate(("budget", "authority", "need", "timeline", "competition", "champion"))
            }
            lessons = [
                (vocab.LESSONS_ZH if z else vocab.LESSONS_EN)[i % 5] if s and l_ else None
                for i, (z, s, l_) in enumerate(zip(zh, status, lesson[lo:hi], strict=True))
            ]
            return {
                "id": w.ints(self.deal_id[lo:hi]),
                "team_id": w.const(team, n),
                "account_id": w.ints(self.account_id[acc]),
                "owner_id": w.ints(self.rep_pid[owner]),
                "title": w.texts(titles),
                "title_norm": w.texts([normalize(x) for x in titles]),
                "amount": w.numbers(deal_amount[lo:hi]),
                "currency": w.texts(deal_currency[lo:hi].tolist()),
                "stage_key": w.texts([FUNNEL_KEYS[s] for s in stage]),
                "stage_entered_at": w.instants(self.deal_entered[lo:hi]),
                "expected_close": w.dates(expected),
                **bant,
                "status": w.texts([("open", "won", "lost")[s] for s in status]),
                "closed_at": w.instants(closed),
                "lesson": w.texts(lessons),
                "created_at": w.instants(self.deal_created[lo:hi]),
            }

        w.load("deals", self.n_deal, deals)
        stage_names = [*FUNNEL_KEYS, "won", "lost"]
        override = self.rng.random(self.hist_deal.size) < 0.03

        def stage_changes(lo: int, hi: int) -> dict:
            deal = self.hist_deal[lo:hi]
            return {
                "id": w.ints(self.base["stage_changes"] + 1 + np.arange(lo, hi)),
                "team_id": w.const(team, hi - lo),
                "deal_id": w.ints(self.deal_id[deal]),
                "from_stage": w.texts([stage_names[s] if s >= 0 else None for s in self.hist_from[lo:hi]]),
                "to_stage": w.texts([stage_names[s] for s in self.hist_to[lo:hi]]),
                "changed_at": w.instants(self.hist_at[lo:hi]),
                "changed_by_id": w.ints(self.rep_pid[self.deal_owner_rep[deal]]),
                "owner_id": w.ints(self.rep_pid[self.deal_owner_rep[deal]]),
                "override": w.bools(override[lo:hi]),
            }

        w.load("stage_changes", self.hist_deal.size, stage_changes)

        def deal_reasons(lo: int, hi: int) -> dict:
            return {
                "team_id": w.const(team, hi - lo),
                "deal_id": w.ints(self.deal_id[self.reason_deal[lo:hi]]),
                "reason_key": w.texts(self.reason_key[lo:hi]),
            }

        w.load("deal_reasons", self.reason_deal.size, deal_reasons)

    def _load_activity(self, w: BulkWriter) -> None:
        team = self.team
        rep_lang_zh = self.person_zh[1 + self.n_mgr :]
        sources = ["command", "modal", "shortcut"]

        def visits(lo: int, hi: int) -> dict:
            n = hi - lo
            rep = self.visit_rep[lo:hi]
            zh = rep_lang_zh[rep].tolist()
            acc = self.visit_account[lo:hi].tolist()
            channel = self.visit_channel[lo:hi].tolist()
            purpose_i = self.visit_purpose[lo:hi].tolist()
            has_purpose = self.visit_has_purpose[lo:hi].tolist()
            note_i = self.visit_note[lo:hi].tolist()
            has_note = self.visit_has_notes[lo:hi].tolist()
            step_i = self.visit_next_step[lo:hi].tolist()
            source = self.visit_source[lo:hi].tolist()
            first_contact = self.visit_first_contact[lo:hi].tolist()
            purposes, notes, steps, raws, links = [], [], [], [], []
            for k in range(n):
                z = zh[k]
                purpose = (vocab.PURPOSES_ZH if z else vocab.PURPOSES_EN)[purpose_i[k]] if has_purpose[k] else None
                purposes.append(purpose)
                notes.append((vocab.NOTES_ZH if z else vocab.NOTES_EN)[note_i[k]] if has_note[k] else None)
                step = (vocab.NEXT_STEPS_ZH if z else vocab.NEXT_STEPS_EN)[step_i[k]] if step_i[k] >= 0 else None
                steps.append(step)
                src = source[k]
                if src == 1:
                    raws.append(None)
                    links.append(None)
                    continue
                a = acc[k]
                label = self.account_alias[a] if (a & 1 and self.account_alias[a]) else self.account_names[a]
                words = [label]
                if first_contact[k] >= 0:
                    words.append(self.contact_names[first_contact[k]])
                words.append((vocab.CHANNEL_WORDS_ZH if z else vocab.CHANNEL_WORDS_EN)[vocab.CHANNELS[channel[k]]])
                if purpose:
                    words.append(purpose)
                if step:
                    words.append(("下一步: " if z else "next: ") + step)
                raws.append(" ".join(words))
                links.append(
                    f"https://fake.slack.test/archives/C0SALES/p{1_700_000_000_000_000 + lo + k}" if src == 2 else None
                )
            return {
                "id": w.ints(self.visit_id[lo:hi]),
                "team_id": w.const(team, n),
                "rep_id": w.ints(self.rep_pid[rep]),
                "account_id": w.ints(self.account_id[self.visit_account[lo:hi]]),
                "deal_id": w.ints(
                    np.where(self.visit_deal[lo:hi] >= 0, self.deal_id[self.visit_deal[lo:hi]], -1), nullable=True
                ),
                "occurred_at": w.instants(self.visit_ts[lo:hi]),
                "channel": w.texts([vocab.CHANNELS[c] for c in channel]),
                "purpose": w.texts(purposes),
                "notes": w.texts(notes),
                "next_step": w.texts(steps),
                "next_step_due_at": w.instants(self.visit_next_due[lo:hi]),
                "source": w.texts([sources[s] for s in source]),
                "raw_text": w.texts(raws),
                "permalink": w.texts(links),
                "created_at": w.instants(self.visit_created[lo:hi]),
            }

        w.load("visits", self.n_vis, visits)

        def visit_contacts(lo: int, hi: int) -> dict:
            contact = self.vc_contact[lo:hi]
            level = self.contact_level[contact]
            return {
                "team_id": w.const(team, hi - lo),
                "visit_id": w.ints(self.visit_id[self.vc_visit[lo:hi]]),
                "contact_id": w.ints(self.contact_id[contact]),
                "level_before": w.ints(level),
                "level_after": w.ints(level),
                "created_contact": w.const(False, hi - lo),
            }

        w.load("visit_contacts", self.vc_visit.size, visit_contacts)
        fu_status = ["open", "done", "cancelled"]

        def follow_ups(lo: int, hi: int) -> dict:
            rep = self.fu_rep[lo:hi]
            zh = rep_lang_zh[rep]
            contact = self.fu_contact[lo:hi]
            visit = self.fu_visit[lo:hi]
            return {
                "id": w.ints(self.fu_id[lo:hi]),
                "team_id": w.const(team, hi - lo),
                "owner_id": w.ints(self.rep_pid[rep]),
                "account_id": w.ints(self.account_id[self.fu_account[lo:hi]]),
                "contact_id": w.ints(
                    np.where(contact >= 0, self.contact_id[np.maximum(contact, 0)], -1), nullable=True
                ),
                "visit_id": w.ints(np.where(visit >= 0, self.visit_id[np.maximum(visit, 0)], -1), nullable=True),
                "kind": w.texts(self.fu_kind[lo:hi]),
                "text": w.texts(
                    [
                        (vocab.NEXT_STEPS_ZH if z else vocab.NEXT_STEPS_EN)[s]
                        for z, s in zip(zh, self.fu_step[lo:hi], strict=True)
                    ]
                ),
                "due_at": w.instants(self.fu_due[lo:hi]),
                "status": w.texts([fu_status[s] for s in self.fu_status[lo:hi]]),
                "snooze_count": w.ints(self.fu_snoozes[lo:hi]),
                "done_at": w.instants(self.fu_done[lo:hi]),
                "created_at": w.instants(self.fu_created[lo:hi]),
            }

        w.load("follow_ups", self.n_fu, follow_ups)


def _holidays(start: date, end: date) -> dict[date, str]:
    """Fixed-date public holidays in China between `start` and `end` (enough to shape activity)."""
    out: dict[date, str] = {}
    for year in range(start.year, end.year + 1):
        days = [(1, 1, "元旦 New Year")]
        days += [(5, d, "劳动节 Labour Day") for d in range(1, 6)]
        days += [(10, d, "国庆节 National Day") for d in range(1, 8)]
        for month, day, name in days:
            when = date(year, month, day)
            if start <= when <= end:
                out[when] = name
    return out


def _quarters(today: date, count: int) -> list[tuple[date, date, str]]:
    """The current quarter and the `count - 1` before it: (first day, last day, label)."""
    out = []
    year, q = today.year, (today.month - 1) // 3
    for _ in range(count):
        first = date(year, 3 * q + 1, 1)
        last = date(year + (q == 3), (3 * q + 3) % 12 + 1, 1) - timedelta(days=1)
        out.append((first, last, f"Q{q + 1} {year}"))
        q -= 1
        if q < 0:
            year, q = year - 1, 3
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    defaults = Sizes()
    parser.add_argument("--reps", type=int, default=defaults.reps)
    parser.add_argument("--accounts", type=int, default=defaults.accounts)
    parser.add_argument("--contacts", type=int, default=defaults.contacts)
    parser.add_argument("--visits", type=int, default=defaults.visits)
    parser.add_argument("--deals", type=int, default=None, help="default: accounts / 5")
    parser.add_argument("--followups", type=int, default=defaults.followups)
    parser.add_argument("--managers", type=int, default=None, help="default: reps / 10")
    parser.add_argument("--database-url", default=DEFAULT_DB_URL)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--team", default=DEFAULT_TEAM, help="the workspace (team_id) to create")
    parser.add_argument("--now", default=None, help="ISO-8601 instant the data ends at (default: now)")
    parser.add_argument("--reset", action="store_true", help="drop every table first (benchmark databases only)")
    args = parser.parse_args(argv)
    sizes = Sizes(
        reps=args.reps,
        accounts=args.accounts,
        contacts=args.contacts,
        visits=args.visits,
        deals=args.deals,
        followups=args.followups,
        managers=args.managers,
    )
    now = datetime.fromisoformat(args.now) if args.now else None
    if now is not None and now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    try:
        summary = generate(args.database_url, sizes, args.seed, team_id=args.team, now=now, reset=args.reset)
    except GenerateError as exc:
        print(f"bench.generate: {exc}", file=sys.stderr)
        return 2
    for key, value in summary.facts.items():
        print(f"  {key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
