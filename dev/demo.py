"""A demo workspace, so a newcomer sees every feature of the bot within a minute.

`load_demo(db, fake, clock)` fills one workspace with a small, believable sales team: a manager
in Shanghai, four reps in two languages and three time zones (one rep of each coaching type:
excellent, diligent, "smart", at risk), an admin; accounts in both scripts with aliases (理光 /
Ricoh), no-business accounts and fresh leads; contacts at every relationship level, some
cooling past 30 / 90 / 180 / 365 days; deals in every stage of the S-P-A-D-C-O funnel plus won
and lost ones with their stage history and reasons; six weeks of visits; open and overdue
follow-ups; past check-ins; targets; a sales team with a digest channel; holidays and a
time off. Every date is relative to the clock, so the data looks the same whenever it starts.

The workspace is made by the app's own operations, backdated by passing an earlier `now`, in
one transaction: each `do_*` runs its session-level form there (`log_visit` is `do_log_visit`
without its transaction, and so on). People join through `ensure_person` (the admin first, so she
is the founding admin) and `update_profile`; the admin sets up the manager's team (`set_up_team`,
which makes her a manager) and the manager names it (`rename_team`). Accounts, aliases and
contacts: `create_account`, `add_alias`, `contact_named`. Visits: `log_visit`, which also makes
their next steps' follow-ups; those done are completed (`complete_follow_up`), two more are added
to visits (`add_follow_up`), and the follow-up rules (`apply_rules`) add the new leads'. Deals:
`create_deal`, `move_deal` and `close_deal`, played in the order things happened. Check-ins:
`save_plan`, `save_review` (which marks each planned item done or missed from the day's data).
Targets: `set_target`, by the manager; holidays: `add_holiday`, by the admin. What no operation
sets is written directly, with its reason where it is written (what the CSV import or `/contact`
edits would have given accounts and contacts, a call that no visit logged, a planned time off).

The generator is seeded, so two runs build the same workspace. Each demo user is also registered
in the fake Slack (`users.info` answers with their time zone and locale).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import delete, event, func, select
from sqlalchemy.orm import Session

from bot.accounts.create import create_account
from bot.checkins.plan import TAGS, PlanInput, save_plan
from bot.checkins.review import ReviewInput, save_review
from bot.core.actor import Actor
from bot.core.clock import Clock, zone
from bot.deals.ops import close_deal, create_deal, move_deal
from bot.deals.parser import FieldChanges
from bot.digests.targets import quarter_of, set_target
from bot.followups.rules import apply_rules, complete_follow_up
from bot.people.members import actor_for, ensure_person, ensure_workspace, update_profile, workspace_config
from bot.people.teams import rename_team, set_up_team
from bot.records.accounts import add_alias
from bot.settings.holidays import add_holiday
from bot.visits.ops import ContactInput, VisitInput, VisitView, add_follow_up, contact_named, log_visit
from storage.db import Database
from storage.models import (
    Account,
    AccountAlias,
    CheckIn,
    Contact,
    Deal,
    DealReason,
    FollowUp,
    Holiday,
    Person,
    StageChange,
    Target,
    TimeOff,
    Visit,
    VisitContact,
    Workspace,
)

if TYPE_CHECKING:
    from dev.fake_slack import FakeSlack

DEMO_TEAM = "T0000DEMO"
GENERAL_CHANNEL = "C0000GENERAL"
DIGEST_CHANNEL = "C0000SALES"
CHANNELS = {GENERAL_CHANNEL: "general", DIGEST_CHANNEL: "sales-team"}


@dataclass(frozen=True)
class DemoUser:
    user_id: str
    name: str
    role: str
    tz: str
    locale: str
    profile: str = ""  # coaching type the demo data gives a rep


USERS = (
    DemoUser("UEMMA001", "Emma Brown", "rep", "Europe/London", "en-GB", "at risk"),
    DemoUser("USAM0001", "Sam Carter", "rep", "America/New_York", "en-US", "smart"),
    DemoUser("ULIWEI01", "李伟 Li Wei", "rep", "Asia/Shanghai", "zh-CN", "excellent"),
    DemoUser("UZHANG01", "张敏 Zhang Min", "rep", "Asia/Shanghai", "zh-CN", "diligent"),
    DemoUser("UGRACE01", "Grace Chen", "manager", "Asia/Shanghai", "en-US"),
    DemoUser("UPRIYA01", "Priya Patel", "admin", "Europe/London", "en-GB"),
)
DEFAULT_USER = USERS[0].user_id
MANAGER = "UGRACE01"
ADMIN = "UPRIYA01"
# The rows the demo makes, counted for the shell's banner.
COUNTED = (
    Account,
    AccountAlias,
    Contact,
    Visit,
    VisitContact,
    Deal,
    StageChange,
    DealReason,
    FollowUp,
    CheckIn,
    Target,
    Holiday,
    TimeOff,
)

# Visits per working day, and how the rep's deals tend to end.
ACTIVITY = {"excellent": (4, 6), "diligent": (4, 5), "smart": (1, 2), "at risk": (1, 2)}

# (name, aliases, business status, 5+5+5 tier, industry, lead?)
ACCOUNTS: dict[str, list[tuple[str, list[str], str, str | None, str, bool]]] = {
    "ULIWEI01": [
        ("理光中国", ["理光", "Ricoh", "Ricoh China"], "has_business", "big", "办公设备", False),
        ("华星电子", ["华星", "Huaxing Electronics"], "has_business", "some", "电子制造", False),
        ("东方物流", ["Dongfang Logistics"], "has_business", None, "物流", False),
        ("蓝海医疗", ["Lanhai Medical"], "no_business", "none", "医疗", False),
        ("金桥制造", ["Jinqiao Manufacturing"], "no_business", None, "制造", False),
        ("新锐科技", ["Xinrui Tech"], "no_business", None, "软件", True),
    ],
    "UZHANG01": [
        ("长江银行", ["长江", "Changjiang Bank"], "has_business", "big", "金融", False),
        ("天元化工", ["Tianyuan Chemical"], "has_business", "some", "化工", False),
        ("申城地产", ["Shencheng Property"], "has_business", None, "地产", False),
        ("瑞丰食品", ["Ruifeng Foods"], "no_business", "none", "食品", False),
        ("明德教育", ["Mingde Education"], "no_business", None, "教育", False),
        ("云帆软件", ["Yunfan Software"], "no_business", None, "软件", True),
    ],
    "USAM0001": [
        ("Northwind Traders", ["Northwind", "北风贸易"], "has_business", "big", "Wholesale", False),
        ("Contoso Ltd", ["Contoso"], "has_business", "some", "Technology", False),
        ("Adventure Works", ["AdventureWorks"], "has_business", None, "Retail", False),
        ("Fabrikam Inc", ["Fabrikam", "法布里坎"], "no_business", "none", "Manufacturing", False),
        ("Tailspin Toys", ["Tailspin"], "no_business", None, "Consumer goods", False),
        ("Litware Inc", ["Litware"], "no_business", None, "Software", True),
    ],
    "UEMMA001": [
        ("Wide World Importers", ["WWI", "环球进口"], "has_business", "big", "Logistics", False),
        ("Blue Yonder Airlines", ["Blue Yonder"], "has_business", "some", "Aviation", False),
        ("Alpine Ski House", ["Alpine"], "has_business", None, "Hospitality", False),
        ("Proseware Ltd", ["Proseware"], "no_business", "none", "Software", False),
        ("Coho Winery", ["Coho"], "no_business", None, "Food & drink", False),
        ("Margie's Travel", ["Margies Travel", "玛吉旅行"], "no_business", None, "Travel", True),
        ("Ricoh UK", ["Ricoh", "理光", "理光英国"], "has_business", None, "Office equipment", False),
    ],
}
# Accounts whose contacts are named, not drawn from the slot cycle: the README's example
# `/visit` lines (Ricoh, Zhang / 张总, 王经理) work for Emma, the shell's default user.
# (name, buying role, relationship level, days since the last face-to-face meeting, title)
NAMED_CONTACTS: dict[str, list[tuple[str, str, int, int | None, str]]] = {
    "Ricoh UK": [
        ("张总", "decision_maker", 3, 20, "Managing Director 总经理"),
        ("王经理", "purchaser", 2, 45, "Procurement Manager 采购经理"),
    ],
}

ZH_NAMES = ["王军", "刘芳", "陈晨", "赵磊", "孙丽", "周强", "吴婷", "郑浩", "冯雪", "许杰", "何静", "高峰"]
EN_NAMES = [
    "Olivia Hart",
    "James Miller",
    "Sophie Turner",
    "Daniel Reed",
    "Hannah Scott",
    "Ryan Cooper",
    "Chloe Evans",
    "Ben Walker",
    "Grace Hill",
    "Lucas Ward",
    "Amy Collins",
    "Tom Baker",
]
ROLE_TITLES = {
    "decision_maker": ("总经理", "Chief Operating Officer"),
    "influencer": ("IT 总监", "IT Director"),
    "user": ("行政主管", "Office Manager"),
    "purchaser": ("采购经理", "Procurement Manager"),
    "coach": ("项目经理", "Project Lead"),
}
# The business each 5+5+5 slot is expected to bring this year (halved for the smaller markets).
TIER_EXPECTED = {"big": 2_000_000, "some": 800_000, "none": 300_000}
# Per contact slot: buying role, relationship level, days since the last face-to-face meeting.
# Together they cover every level 0–5 and every cooling threshold (30 / 90 / 180 / 365 days).
CONTACT_SLOTS: list[tuple[str, int, int | None]] = [
    ("decision_maker", 4, 9),
    ("coach", 5, 4),
    ("purchaser", 3, 41),
    ("influencer", 2, 97),
    ("user", 1, None),
    ("decision_maker", 3, 188),
    ("influencer", 0, None),
    ("user", 2, 400),
    ("purchaser", 2, 33),
    ("decision_maker", 2, 120),
    ("coach", 4, 21),
    ("influencer", 3, 64),
]
# How often a visit states its purpose and its next step (both: an effective visit).
EFFECTIVE = {"excellent": (0.95, 0.9), "diligent": (0.95, 0.9), "smart": (0.6, 0.5), "at risk": (0.5, 0.4)}
# How often a recently due next step is already done, by coaching type.
FOLLOW_THROUGH = {"excellent": 0.9, "diligent": 0.8, "smart": 0.6, "at risk": 0.4}
# A newly assigned account nobody has met yet.
FRESH_SLOTS: list[tuple[str, int, int | None]] = [("decision_maker", 1, None), ("purchaser", 0, None)]

PURPOSES = {
    "zh": ["了解新年度采购计划", "演示新方案", "商务谈判", "拜访关键人", "项目进度沟通", "递交报价", "技术交流"],
    "en": [
        "Review next year's purchasing plan",
        "Demo the new solution",
        "Negotiate terms",
        "Meet the decision maker",
        "Project status check",
        "Hand over the quote",
        "Technical workshop",
    ],
}
NEXT_STEPS = {
    "zh": ["发送报价单", "安排总经理见面", "提交方案书", "邀请参观展厅", "确认预算", "安排技术演示"],
    "en": [
        "Send the quote",
        "Book a meeting with the COO",
        "Send the proposal",
        "Invite them to the showroom",
        "Confirm the budget",
        "Schedule the technical demo",
    ],
}
DEAL_TITLES = {
    "zh": ["打印设备更新", "文档管理系统", "年度维保合同", "新办公室设备", "云打印方案", "扩容项目"],
    "en": [
        "Print fleet refresh",
        "Document management",
        "Annual service contract",
        "New office fit-out",
        "Cloud printing",
        "Capacity expansion",
    ],
}
STAGES = ["S", "P", "A", "D", "C", "O"]
# Per coaching type: (stage reached, status, account slot). Slots 0–2 have business (2 holds no
# open deal: visits there are farming), 3 has none yet (early deals only), 4 is newly assigned
# and untouched, 5 a fresh lead. Every rep has an
# open deal in every stage; the excellent and "smart" reps win most, the diligent rep loses late
# and the at-risk rep early. With the early losses below, the team has over 40 closed deals
# (its rates are past the small-sample mark) while each rep has fewer.
DEAL_PLANS: dict[str, list[tuple[str, str, int]]] = {
    "excellent": [
        *[("S", "open", 3), ("P", "open", 3), ("A", "open", 1), ("D", "open", 1), ("C", "open", 0)],
        *[("O", "open", 1), ("D", "open", 0)],
        *[("O", "won", 0), ("O", "won", 1), ("O", "won", 2), ("C", "won", 0), ("D", "lost", 2), ("A", "lost", 3)],
    ],
    "diligent": [
        *[("S", "open", 3), ("S", "open", 3), ("P", "open", 3), ("P", "open", 1), ("A", "open", 1)],
        *[("D", "open", 1), ("C", "open", 0), ("O", "open", 0)],
        *[("O", "won", 0), ("S", "lost", 3), ("P", "lost", 2), ("A", "lost", 1), ("D", "lost", 1), ("C", "lost", 0)],
    ],
    "smart": [
        *[("S", "open", 3), ("P", "open", 1), ("A", "open", 1), ("D", "open", 1), ("C", "open", 0), ("O", "open", 0)],
        *[("O", "won", 0), ("O", "won", 1), ("O", "won", 2), ("D", "lost", 3)],
    ],
    "at risk": [
        *[("S", "open", 3), ("P", "open", 3), ("A", "open", 1), ("D", "open", 1), ("C", "open", 0), ("O", "open", 1)],
        *[("O", "won", 0), ("P", "lost", 3), ("A", "lost", 2), ("D", "lost", 1), ("S", "lost", 2)],
    ],
}
# Suspects and prospects dropped early (lost at S, lost at P): real funnels leak most at the top.
EARLY_LOSSES = {"excellent": (3, 1), "diligent": (6, 3), "smart": (2, 0), "at risk": (4, 3)}
LOSS_REASONS = [["price", "dm_absent"], ["late_proposal"], ["budget_unknown", "process_unknown"], ["never_engaged"]]
LESSONS = {
    "zh": ["决策人没有参加演示,价格成了唯一的话题。", "竞争对手先提案,我们到得太晚。"],
    "en": ["The decision maker skipped the demo, so price was all that was left.", "The competitor proposed first."],
}


@dataclass
class Demo:
    """What the shell needs to know about the workspace it just loaded."""

    team_id: str
    users: tuple[DemoUser, ...]
    default_user: str
    channels: dict[str, str]
    digest_channel: str
    counts: dict[str, int] = field(default_factory=dict)


def _at(day: date, hour: int, minute: int, tz: str) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone(tz)).astimezone(UTC)


def _weekday_on_or_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _lang(user: DemoUser) -> str:
    return "zh" if user.locale.startswith("zh") else "en"


def load_demo(db: Database, fake: FakeSlack, clock: Clock, *, team_id: str | None = None) -> Demo:
    """Build the demo workspace (replacing any earlier one with the same team id)."""
    team = team_id or fake.team_id or DEMO_TEAM
    now = clock.now()
    rng = random.Random(2026)
    for user in USERS:
        fake.add_user(user.user_id, user.name, tz=user.tz, locale=user.locale, team_id=team)
    with db.transaction() as session:
        _keep_loaded(session)
        session.execute(delete(Workspace).where(Workspace.team_id == team))
        session.flush()
        ensure_workspace(session, team, now, name="Demo Co. 演示公司")
        actors = _people(session, team, now)
        builder = _Builder(session, team, now, rng, actors)
        for user in USERS:
            if user.user_id in ACCOUNTS:
                builder.rep(user)
        # The scheduler's follow-up rules, as its first sweep finds them: the new leads to contact.
        apply_rules(session, team, workspace_config(session, team), now, [a.person_id for a in actors.values()])
        builder.calendar()
        counts = _counts(session, team)
    return Demo(
        team_id=team,
        users=USERS,
        default_user=DEFAULT_USER,
        channels=dict(CHANNELS),
        digest_channel=DIGEST_CHANNEL,
        counts=counts,
    )


def _keep_loaded(session: Session) -> None:
    """Hold every row the session loads or creates until it ends (the identity map only keeps
    rows something refers to): the operations look up again rows an earlier one touched (a deal
    moved, a follow-up done), and so read them from memory instead of the database."""
    held: list[object] = session.info.setdefault("demo_rows", [])
    event.listen(session, "loaded_as_persistent", lambda _session, row: held.append(row))
    event.listen(session, "pending_to_persistent", lambda _session, row: held.append(row))


def _people(session: Session, team: str, now: datetime) -> dict[str, Actor]:
    """The team as the app makes it: the admin is the first person the workspace meets (so its
    founding admin, as whoever installs the app), everyone else joins as a rep, and each one's
    Slack profile is cached; the admin sets up Grace's team and its digest channel (which makes
    her a manager), and she names it."""
    joined = now - timedelta(days=400)
    people: dict[str, Person] = {}
    for user in sorted(USERS, key=lambda u: u.user_id != ADMIN):
        person = ensure_person(session, team, user.user_id, joined)
        update_profile(person, name=user.name, tz=user.tz, locale=user.locale, now=now)
        people[user.user_id] = person
    reps = [user.user_id for user in USERS if user.role == "rep"]
    set_up_team(session, actor_for(people[ADMIN]), MANAGER, reps, joined, channel_id=DIGEST_CHANNEL)
    rename_team(session, actor_for(people[MANAGER]), "Key Accounts 大客户部", joined)
    return {user.user_id: actor_for(people[user.user_id]) for user in USERS}


def _counts(session: Session, team: str) -> dict[str, int]:
    """How many rows of each kind the workspace has (the shell's banner names some)."""
    return {
        model.__name__: session.scalar(select(func.count()).select_from(model).where(model.team_id == team)) or 0
        for model in COUNTED
    }


def _titles(lives: list[_DealLife], titles: list[str]) -> list[str]:
    """Each deal's title: as drawn, except that a closed deal that was open at the same time as
    a deal of the same title at its account takes the next title free then (the app refuses a
    second open deal of one title, so the rep would have named it otherwise). Open deals are
    named first and keep their titles: they are the ones the tour shows."""
    chosen: dict[int, str] = {}
    for n in sorted(range(len(lives)), key=lambda n: lives[n].closed is not None):
        life = lives[n]
        start = titles.index(life.title)
        for k in range(len(titles)):
            title = titles[(start + k) % len(titles)]
            clash = any(
                chosen.get(m) == title and other.account_id == life.account_id and other.overlaps(life)
                for m, other in enumerate(lives)
            )
            if not clash:
                chosen[n] = title
                break
    return [chosen[n] for n in range(len(lives))]


@dataclass(frozen=True)
class _Step:
    """One step of a deal's life: "create" (at `stage`), "move" (to `stage`), "won" or "lost"."""

    action: str
    stage: str
    when: datetime


@dataclass(frozen=True)
class _DealLife:
    """A deal as drawn, before it is played through the deal operations."""

    account_id: int
    title: str
    changes: FieldChanges
    steps: list[_Step]
    reasons: list[str] | None
    lesson: str | None

    @property
    def closed(self) -> datetime | None:
        return self.steps[-1].when if self.steps[-1].action in ("won", "lost") else None

    def overlaps(self, other: _DealLife) -> bool:
        """Whether the two deals were open at some moment together."""
        far = datetime.max.replace(tzinfo=UTC)
        return self.steps[0].when < (other.closed or far) and other.steps[0].when < (self.closed or far)


class _Builder:
    """Adds one rep's book of business: accounts, contacts, visits, deals, follow-ups, check-ins."""

    def __init__(self, session: Session, team: str, now: datetime, rng: random.Random, actors: dict[str, Actor]):
        self.session = session
        self.team = team
        self.now = now
        self.rng = rng
        self.actors = actors
        self.rep_contacts = 0  # per rep: the key account starts with its decision maker, 王军 / Olivia Hart
        self.won_this_week = False

    # ----- one rep ------------------------------------------------------------------------
    def rep(self, user: DemoUser) -> None:
        actor = self.actors[user.user_id]
        self.rep_contacts = 0
        lang = _lang(user)
        today = self.now.astimezone(zone(user.tz)).date()
        accounts: list[tuple[Account, list[tuple[Contact, int | None]]]] = []
        for index, (name, aliases, status, tier, industry, lead) in enumerate(ACCOUNTS[user.user_id]):
            account = self._account(actor, name, aliases, status, tier, industry, lead, index, user)
            fresh = account.assigned_at > self.now - timedelta(days=60)
            if name in NAMED_CONTACTS:
                contacts = self._named_contacts(account, NAMED_CONTACTS[name])
            else:
                contacts = (
                    [] if lead else self._contacts(account, lang, 2 if status == "no_business" else 3, fresh=fresh)
                )
            accounts.append((account, contacts))
        visits = self._visits(user, actor, accounts, today)
        self._deals(user, actor, [a for a, _ in accounts if not a.is_lead], lang)
        self._follow_ups(user, actor, visits, accounts, today)
        self._checkins(user, actor, visits, today)
        amount = Decimal(2_000_000 if lang == "zh" else 1_000_000)
        manager = self.actors[MANAGER]
        set_target(self.session, manager, user.user_id, amount, quarter_of(today), self.now - timedelta(days=60))

    def _account(
        self,
        actor: Actor,
        name: str,
        aliases: list[str],
        status: str,
        tier: str | None,
        industry: str,
        lead: bool,
        index: int,
        user: DemoUser,
    ) -> Account:
        received = self.now - timedelta(hours=2 if index % 2 else 26) if lead else None
        created = received or self.now - timedelta(days=300)
        account = create_account(self.session, self.team, name, actor.person_id, created)
        # What the CSV import or a won deal would have set over the account's life (the lead
        # flag comes with `create_lead`'s own Lead row and contacts, which the demo has no need of).
        account.business_status = status
        account.tier = tier
        account.tier_expected = (
            Decimal(TIER_EXPECTED[tier] // (1 if user.locale.startswith("zh") else 2)) if tier else None
        )
        account.industry = industry
        account.region = "华东" if user.locale.startswith("zh") else user.tz.split("/")[-1].replace("_", " ")
        account.potential = Decimal(self.rng.choice([500_000, 1_200_000, 3_000_000]))
        account.is_lead, account.lead_received_at = lead, received
        account.assigned_at = received or self.now - timedelta(days=25 if index == 4 else 300)
        for alias in aliases:
            add_alias(self.session, account, alias)
        return account

    def _contact(self, account: Account, name: str, title: str, role: str, level: int) -> Contact:
        """A contact as a logged visit first names them; title, role and level are what their
        later visits and `/contact` edits gave them."""
        contact, _ = contact_named(self.session, account, name, self.now - timedelta(days=420))
        contact.title, contact.buying_role, contact.relationship_level = title, role, level
        contact.involvement = min(5, level + 1) if level else None
        return contact

    def _named_contacts(
        self, account: Account, specs: list[tuple[str, str, int, int | None, str]]
    ) -> list[tuple[Contact, int | None]]:
        out = []
        for name, role, level, days, title in specs:
            contact = self._contact(account, name, title, role, level)
            out.append((contact, days))
        self.session.flush()
        return out

    def _contacts(
        self, account: Account, lang: str, how_many: int, *, fresh: bool = False
    ) -> list[tuple[Contact, int | None]]:
        """Contacts from the slot cycle; a newly assigned account's are only names and a call."""
        out = []
        names = ZH_NAMES if lang == "zh" else EN_NAMES
        for k in range(how_many):
            slots = FRESH_SLOTS if fresh else CONTACT_SLOTS
            role, level, days = slots[(k if fresh else self.rep_contacts) % len(slots)]
            name = names[self.rep_contacts % len(names)]
            self.rep_contacts += 1
            zh_title, en_title = ROLE_TITLES[role]
            contact = self._contact(account, name, zh_title if lang == "zh" else en_title, role, level)
            out.append((contact, days))
        self.session.flush()
        return out

    # ----- visits -------------------------------------------------------------------------
    def _visits(
        self,
        user: DemoUser,
        actor: Actor,
        accounts: list[tuple[Account, list[tuple[Contact, int | None]]]],
        today: date,
    ) -> list[VisitView]:
        """The rep's visits, drawn (seeded) and then logged in the order they happened; returned
        in the order they were drawn."""
        low, high = ACTIVITY[user.profile]
        visited = [(a, c) for a, c in accounts if not a.is_lead and a.assigned_at < self.now - timedelta(days=60)]
        drawn: list[VisitInput] = []

        def add(account: Account, when: datetime, channel: str, met: list[Contact]) -> None:
            drawn.append(self._visit(account, when, channel, met, user))

        # Anchors: each contact's last face-to-face meeting, exactly when the slot says.
        for account, contacts in accounts:
            for contact, days in contacts:
                if days is None:
                    continue
                day = _weekday_on_or_before(today - timedelta(days=days))
                when = _at(day, 10, 30, user.tz)
                add(account, when, "in_person", [contact])
        # Six weeks of everyday activity; in-person visits only meet contacts whose last
        # meeting is no later than the visit, so the anchors stay the last meetings.
        for back in range(1, 43):
            day = today - timedelta(days=back)
            if day.weekday() >= 5:
                continue
            for n in range(self.rng.randint(low, high)):
                account, contacts = self.rng.choice(visited)
                when = _at(day, 9 + 2 * n % 9, self.rng.choice([0, 15, 30, 45]), user.tz)
                channel = self.rng.choices(["in_person", "phone", "im", "email", "informal"], [55, 20, 15, 5, 5])[0]
                age = (today - day).days
                if channel in ("in_person", "informal"):
                    met = [c for c, d in contacts if d is not None and d <= age]
                else:
                    met = [c for c, _ in contacts if c.relationship_level >= 1]
                met = self.rng.sample(met, min(len(met), self.rng.randint(1, 2))) if met else []
                add(account, when, channel, met)
        logged: dict[int, VisitView] = {}
        for k, visit in sorted(enumerate(drawn), key=lambda kv: kv[1].occurred_at or self.now):
            when = visit.occurred_at or self.now
            logged[k] = log_visit(self.session, actor, visit, now=when, request_key=None).visit
        # Direct: a level-1 contact nobody met had the call the slot implies, which no visit logged.
        for _, contacts in accounts:
            for contact, _ in contacts:
                if contact.relationship_level == 1 and contact.last_touch_at is None:
                    contact.last_touch_at = self.now - timedelta(days=12)
        return [logged[k] for k in range(len(drawn))]

    def _visit(self, account: Account, when: datetime, channel: str, met: list[Contact], user: DemoUser) -> VisitInput:
        """One visit; how often it has a purpose and a next step (effective) is the rep's process.
        Each contact met keeps the level their slot gives them (an explicit level on the visit)."""
        lang = _lang(user)
        purpose_rate, next_rate = EFFECTIVE[user.profile]
        with_next = self.rng.random() < next_rate
        purpose = self.rng.choice(PURPOSES[lang]) if self.rng.random() < purpose_rate else None
        next_step = self.rng.choice(NEXT_STEPS[lang]) if with_next else None
        next_due = when + timedelta(days=self.rng.randint(2, 7)) if with_next else None
        return VisitInput(
            account_id=account.id,
            channel=channel,
            contacts=tuple(ContactInput(contact_id=c.id, level=c.relationship_level) for c in met),
            occurred_at=when,
            purpose=purpose,
            next_step=next_step,
            next_due=next_due,
            source=self.rng.choice(["command", "command", "modal", "shortcut"]),
        )

    # ----- deals --------------------------------------------------------------------------
    def _deals(self, user: DemoUser, actor: Actor, accounts: list[Account], lang: str) -> None:
        """The rep's deals as their coaching type would have them (DEAL_PLANS, EARLY_LOSSES),
        drawn one by one, then played through the deal operations in the order things happened
        (a title is refused only while a deal of that title is open at the account)."""
        at_s, at_p = EARLY_LOSSES[user.profile]
        early = [("S", "lost", 3 - n % 2) for n in range(at_s)] + [("P", "lost", 3 - n % 2) for n in range(at_p)]
        self.won_this_week = False
        lives = []
        for i, (stage, status, index) in enumerate([*DEAL_PLANS[user.profile], *early]):
            title = DEAL_TITLES[lang][i % len(DEAL_TITLES[lang])]
            lives.append(self._deal(user, accounts[index], title, stage, status, i, lang))
        titles = _titles(lives, DEAL_TITLES[lang])
        events = [(step.when, n, step) for n, life in enumerate(lives) for step in life.steps]
        ids: dict[int, int] = {}
        for when, n, step in sorted(events, key=lambda e: e[0]):  # stable: a deal's steps are in order already
            life = lives[n]
            if step.action == "create":
                view = create_deal(
                    self.session, actor, title=titles[n], now=when, account_id=life.account_id, changes=life.changes
                )
                ids[n] = view.id
            elif step.action == "move":
                # "Move anyway" where the qualification falls short (a late loss without a budget).
                move_deal(self.session, actor, ids[n], step.stage, when, override=True)
            else:  # won / lost; "close anyway" on an account contacted too few times
                reasons, lesson = life.reasons, life.lesson
                close_deal(
                    self.session, actor, ids[n], step.action, when, reasons=reasons, lesson=lesson, override=True
                )

    def _deal(
        self, user: DemoUser, account: Account, title: str, stage: str, status: str, i: int, lang: str
    ) -> _DealLife:
        """One deal's life: created at S, moved up stage by stage, then won or lost (or open)."""
        path = STAGES[: STAGES.index(stage) + 1]
        step_days = [self.rng.randint(6, 18) for _ in path]
        # The last stage of an open deal: Close held 40 days and Demo 50 days for the weaker
        # reps (stale: over the stage limit), otherwise recent.
        if status == "open":
            stale = user.profile in ("diligent", "at risk") and stage in ("C", "D")
            step_days[-1] = 40 + (10 if stage == "D" else 0) if stale else self.rng.randint(2, 12)
        closed_ago = self.rng.randint(3, 50) if status != "open" else 0
        if status == "won" and not self.won_this_week:  # each rep's first win is recent: the weekly recap has one
            closed_ago, self.won_this_week = self.rng.randint(1, 5), True
        created = self.now - timedelta(days=sum(step_days) + closed_ago)
        amount = Decimal(self.rng.randrange(8, 120) * 10_000 if lang == "zh" else self.rng.randrange(4, 60) * 5_000)
        if status == "won":  # what makes the result side of the coaching quadrant
            strong = user.profile in ("excellent", "smart")
            amount = Decimal(self.rng.randrange(40, 70) * 10_000 if strong else self.rng.randrange(10, 20) * 10_000)
            amount = amount if lang == "zh" or not strong else amount * Decimal("0.7")
        reached = STAGES.index(stage)
        changes = FieldChanges(
            amount=amount,
            currency="CNY",
            expected_close=(self.now + timedelta(days=10 + 15 * (5 - reached) + self.rng.randint(0, 9))).date()
            if status == "open"
            else None,
            qualification={
                "need": True if reached >= 1 else None,
                "timeline": True if reached >= 1 else None,
                "authority": (reached >= 2) if reached >= 2 or status == "lost" else None,
                "budget": (reached >= 3 and not (status == "lost" and i % 2)) if reached >= 2 else None,
                "competition": True if reached >= 4 else None,
                "champion": True if reached >= 4 and user.profile != "at risk" else None,
            },
        )
        steps, when = [_Step("create", path[0], created)], created
        for key, days in zip(path[1:], step_days, strict=False):  # after the days drawn for the stage before
            when += timedelta(days=days)
            steps.append(_Step("move", key, when))
        lost = status == "lost"
        if status != "open":
            steps.append(_Step(status, stage, self.now - timedelta(days=closed_ago)))
        return _DealLife(
            account_id=account.id,
            title=title,
            changes=changes,
            steps=steps,
            reasons=LOSS_REASONS[i % len(LOSS_REASONS)] if lost else None,
            lesson=LESSONS[lang][i % 2] if lost else None,
        )

    # ----- follow-ups and check-ins --------------------------------------------------------
    def _follow_ups(
        self,
        user: DemoUser,
        actor: Actor,
        visits: list[VisitView],
        accounts: list[tuple[Account, list[tuple[Contact, int | None]]]],
        today: date,
    ) -> None:
        """The visits' next steps: done when long past, open (some overdue) when recent; and
        two further follow-ups added to visits, one due today and one overdue."""
        steps = dict(
            self.session.execute(
                select(FollowUp.visit_id, FollowUp.id).where(
                    FollowUp.owner_id == actor.person_id, FollowUp.kind == "next_step"
                )
            ).all()
        )
        for visit in visits:
            if not visit.next_step or visit.next_due is None:
                continue
            due = visit.next_due
            overdue_days = (self.now - due).days
            if due < self.now and (overdue_days > 4 or self.rng.random() < FOLLOW_THROUGH[user.profile]):
                complete_follow_up(self.session, actor, steps[visit.id], due - timedelta(hours=3))
        lang = _lang(user)
        added = self.now - timedelta(days=5)
        # One due later this morning (a nudge to see after `:time +3h`) and one overdue.
        for account, text, due in (
            (
                accounts[0][0],
                ("给王总打电话确认预算", "Call the COO to confirm the budget"),
                _at(today, 11, 0, user.tz),
            ),
            (
                accounts[1][0],
                ("发送修改后的方案", "Send the revised proposal"),
                _at(_weekday_on_or_before(today - timedelta(days=2)), 17, 0, user.tz),
            ),
        ):
            visit = max(
                (v for v in visits if v.account_id == account.id and v.occurred_at <= added),
                key=lambda v: v.occurred_at,
            )
            add_follow_up(self.session, actor, visit.id, text[0] if lang == "zh" else text[1], due, now=added)

    def _checkins(self, user: DemoUser, actor: Actor, visits: list[VisitView], today: date) -> None:
        """The last five working days' PDCA, oldest first; the at-risk rep skipped some evenings.
        Each review marks the plan against that day's visits and follow-ups done."""
        lang = _lang(user)
        days: list[date] = []
        day = today - timedelta(days=1)
        while len(days) < 5:
            if day.weekday() < 5:
                days.append(day)
            day -= timedelta(days=1)
        for done, day in reversed(list(enumerate(days))):
            steps = NEXT_STEPS[lang]
            items = [{"text": steps[(done + k) % len(steps)], "tag": tag} for k, tag in enumerate(TAGS)]
            save_plan(self.session, actor, day, PlanInput(items=items), _at(day, 8, 50, user.tz))
            if user.profile == "at risk" and done in (0, 2):
                continue
            said = {
                "done_text": ("完成了三次拜访", "Three visits done"),
                "problems": ("客户预算推迟", "Budget slipped"),
                "countermeasures": ("约财务总监见面", "Meet the finance director"),
            }
            review = ReviewInput({name: zh if lang == "zh" else en for name, (zh, en) in said.items()})
            visited = [v.account_id for v in visits if v.occurred_at.astimezone(zone(user.tz)).date() == day]
            save_review(self.session, actor, day, review, _at(day, 18, 10, user.tz), visited)

    # ----- the calendar ---------------------------------------------------------------------
    def calendar(self) -> None:
        today = self.now.date()
        friday = today + timedelta(days=(4 - today.weekday()) % 7)
        for day, name in (
            (friday, "Company day off 公司休息日"),
            (date(today.year, 12, 25), "Christmas Day 圣诞节"),
            (date(today.year + 1, 1, 1), "New Year's Day 元旦"),
        ):
            if day >= today:
                add_holiday(self.session, self.actors[ADMIN], day, name, self.now)
        # Direct: `/away` (do_set_time_off) starts today and has no note; Sam's trade show is next week.
        sam = self.actors["USAM0001"]
        monday = today + timedelta(days=7 - today.weekday())
        self.session.add(
            TimeOff(
                team_id=self.team,
                person_id=sam.person_id,
                starts_on=monday,
                ends_on=monday + timedelta(days=1),
                note="Trade show",
                created_at=self.now,
            )
        )
