"""A demo workspace, so a newcomer sees every feature of the bot within a minute.

`load_demo(db, fake, clock)` fills one workspace with a small, believable sales team: a manager
in Shanghai, four reps in two languages and three time zones (one rep of each coaching type:
excellent, diligent, "smart", at risk), an admin; accounts in both scripts with aliases (理光 /
Ricoh), no-business accounts and fresh leads; contacts at every relationship level, some
cooling past 30 / 90 / 180 / 365 days; deals in every stage of the S-P-A-D-C-O funnel plus won
and lost ones with their stage history and reasons; six weeks of visits; open and overdue
follow-ups; past check-ins; targets; a sales team with a digest channel; holidays and a
time off. Every date is relative to the clock, so the data looks the same whenever it starts.

Accounts, their aliases and contacts are created by the app's own operations (`create_account`,
`add_alias`, `contact_named`), backdated by passing an earlier `now`; the rest (people, visits,
deals and their history, follow-ups, check-ins, targets, calendar) is still written as ORM rows in
the one transaction (issue 14 d7: not yet moved). The generator is seeded, so two runs build the
same workspace. Each demo user is also registered in the fake Slack (`users.info` answers with their
time zone and locale).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import delete

from bot.accounts.create import create_account
from bot.core.clock import Clock, zone
from bot.core.text import normalize
from bot.people.members import ensure_workspace
from bot.records.accounts import add_alias
from bot.visits.ops import contact_named
from storage.db import Database
from storage.models import (
    Account,
    CheckIn,
    Contact,
    Deal,
    DealReason,
    FollowUp,
    Holiday,
    Person,
    SalesTeam,
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
    counts: dict[str, int] = {}
    with db.transaction() as session:
        session.execute(delete(Workspace).where(Workspace.team_id == team))
        session.flush()
        workspace = ensure_workspace(session, team, now, name="Demo Co. 演示公司")
        workspace.name = "Demo Co. 演示公司"
        people = _people(session, team, fake, now)
        builder = _Builder(session, team, now, rng, people)
        for user in USERS:
            if user.user_id in ACCOUNTS:
                builder.rep(user)
        builder.calendar()
        counts = builder.counts
    return Demo(
        team_id=team,
        users=USERS,
        default_user=DEFAULT_USER,
        channels=dict(CHANNELS),
        digest_channel=DIGEST_CHANNEL,
        counts=counts,
    )


def _people(session, team: str, fake: FakeSlack, now: datetime) -> dict[str, Person]:
    people: dict[str, Person] = {}
    # Direct: `ensure_person` would make Emma, the first user, the founding admin, and role and
    # team operations each run in their own transaction, while the demo is built in one.
    for user in USERS:
        person = Person(
            team_id=team,
            slack_user_id=user.user_id,
            name=user.name,
            role=user.role,
            tz=user.tz,
            locale=user.locale,
            profile_fetched_at=now,
            dm_channel_id=fake.dm_channel(user.user_id),
            created_at=now - timedelta(days=400),
        )
        session.add(person)
        people[user.user_id] = person
    session.flush()
    for user in USERS:
        if user.role == "rep":
            people[user.user_id].manager_id = people[MANAGER].id
    session.add(
        SalesTeam(
            team_id=team,
            name="Key Accounts 大客户部",
            manager_id=people[MANAGER].id,
            digest_channel_id=DIGEST_CHANNEL,
            created_at=now - timedelta(days=400),
        )
    )
    return people


class _Builder:
    """Adds one rep's book of business: accounts, contacts, visits, deals, follow-ups."""

    def __init__(self, session, team: str, now: datetime, rng: random.Random, people: dict[str, Person]) -> None:
        self.session = session
        self.team = team
        self.now = now
        self.rng = rng
        self.people = people
        self.counts: dict[str, int] = {}
        self.rep_contacts = 0  # per rep: the key account starts with its decision maker, 王军 / Olivia Hart
        self.met: dict[int, set[int]] = {}  # visit id → contacts met
        self.changes: list[tuple[Deal, str | None, str, datetime]] = []  # stage history, written once deals have ids
        self.reasons: list[tuple[Deal, str]] = []
        self.won_this_week = False

    def _add(self, row: object) -> None:
        self.session.add(row)
        self._count(row)

    def _count(self, row: object) -> None:
        name = type(row).__name__
        self.counts[name] = self.counts.get(name, 0) + 1

    # ----- one rep ------------------------------------------------------------------------
    def rep(self, user: DemoUser) -> None:
        person = self.people[user.user_id]
        self.rep_contacts = 0
        lang = _lang(user)
        today = self.now.astimezone(zone(user.tz)).date()
        accounts: list[tuple[Account, list[tuple[Contact, int | None]]]] = []
        for index, (name, aliases, status, tier, industry, lead) in enumerate(ACCOUNTS[user.user_id]):
            account = self._account(person, name, aliases, status, tier, industry, lead, index, user)
            fresh = account.assigned_at > self.now - timedelta(days=60)
            if name in NAMED_CONTACTS:
                contacts = self._named_contacts(account, NAMED_CONTACTS[name])
            else:
                contacts = (
                    [] if lead else self._contacts(account, lang, 2 if status == "no_business" else 3, fresh=fresh)
                )
            accounts.append((account, contacts))
        visits = self._visits(user, person, accounts, today)
        self._deals(user, person, [a for a, _ in accounts if not a.is_lead], lang)
        self._follow_ups(user, person, visits, accounts, today)
        self._checkins(user, person, today)
        quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        quarter_end = (quarter_start + timedelta(days=95)).replace(day=1) - timedelta(days=1)
        self._add(
            Target(
                team_id=self.team,
                person_id=person.id,
                period_start=quarter_start,
                period_end=quarter_end,
                label=f"Q{(quarter_start.month - 1) // 3 + 1} {quarter_start.year}",
                amount=Decimal(2_000_000 if lang == "zh" else 1_000_000),
                created_at=self.now - timedelta(days=60),
            )
        )

    def _account(
        self,
        person: Person,
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
        account = create_account(self.session, self.team, name, person.id, created)
        self._count(account)
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
            if add_alias(self.session, account, alias):
                self.counts["AccountAlias"] = self.counts.get("AccountAlias", 0) + 1
        return account

    def _contact(self, account: Account, name: str, title: str, role: str, level: int) -> Contact:
        """A contact as a logged visit first names them; title, role and level are what their
        later visits and `/contact` edits gave them."""
        contact, _ = contact_named(self.session, account, name, self.now - timedelta(days=420))
        self._count(contact)
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

    def _visits(
        self,
        user: DemoUser,
        person: Person,
        accounts: list[tuple[Account, list[tuple[Contact, int | None]]]],
        today: date,
    ) -> list[Visit]:
        low, high = ACTIVITY[user.profile]
        visited = [(a, c) for a, c in accounts if not a.is_lead and a.assigned_at < self.now - timedelta(days=60)]
        visits: list[Visit] = []
        met_by_visit: list[list[Contact]] = []

        def add(account: Account, when: datetime, channel: str, met: list[Contact]) -> None:
            visits.append(self._visit(person, account, when, channel, user))
            met_by_visit.append(met)

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
        self.session.flush()  # one flush for all the visits: their ids, for who was met
        for visit, met in zip(visits, met_by_visit, strict=True):
            self.met[visit.id] = {c.id for c in met}
            for contact in met:
                self._add(
                    VisitContact(
                        team_id=self.team,
                        visit_id=visit.id,
                        contact_id=contact.id,
                        level_before=contact.relationship_level,
                        level_after=contact.relationship_level,
                    )
                )
        for account, contacts in accounts:
            mine = [v for v in visits if v.account_id == account.id]
            account.contact_count = len(mine)
            account.first_contacted_at = min((v.occurred_at for v in mine), default=None)
            for contact, _ in contacts:
                met = [v for v in mine if contact.id in self.met[v.id]]
                contact.last_touch_at = max((v.occurred_at for v in met), default=None)
                contact.last_face_to_face_at = max(
                    (v.occurred_at for v in met if v.channel in ("in_person", "informal")), default=None
                )
                if contact.relationship_level == 1 and contact.last_touch_at is None:
                    contact.last_touch_at = self.now - timedelta(days=12)
        return visits

    def _visit(self, person: Person, account: Account, when: datetime, channel: str, user: DemoUser) -> Visit:
        """One visit; how often it has a purpose and a next step (effective) is the rep's process."""
        lang = _lang(user)
        purpose_rate, next_rate = EFFECTIVE[user.profile]
        with_next = self.rng.random() < next_rate
        visit = Visit(
            team_id=self.team,
            rep_id=person.id,
            account_id=account.id,
            occurred_at=when,
            channel=channel,
            purpose=self.rng.choice(PURPOSES[lang]) if self.rng.random() < purpose_rate else None,
            next_step=self.rng.choice(NEXT_STEPS[lang]) if with_next else None,
            next_step_due_at=when + timedelta(days=self.rng.randint(2, 7)) if with_next else None,
            source=self.rng.choice(["command", "command", "modal", "shortcut"]),
            created_at=when,
        )
        self._add(visit)
        return visit

    # ----- deals --------------------------------------------------------------------------
    def _deals(self, user: DemoUser, person: Person, accounts: list[Account], lang: str) -> None:
        """The rep's deals as their coaching type would have them (DEAL_PLANS, EARLY_LOSSES)."""
        at_s, at_p = EARLY_LOSSES[user.profile]
        early = [("S", "lost", 3 - n % 2) for n in range(at_s)] + [("P", "lost", 3 - n % 2) for n in range(at_p)]
        self.changes.clear()
        self.reasons.clear()
        self.won_this_week = False
        for i, (stage, status, index) in enumerate([*DEAL_PLANS[user.profile], *early]):
            title = DEAL_TITLES[lang][i % len(DEAL_TITLES[lang])]
            self._deal(user, person, accounts[index], title, stage, status, i, lang)
        self.session.flush()  # the deals' ids, for their history
        for deal, from_stage, to_stage, when in self.changes:
            self._add(
                StageChange(
                    team_id=self.team,
                    deal_id=deal.id,
                    from_stage=from_stage,
                    to_stage=to_stage,
                    changed_at=when,
                    changed_by_id=person.id,
                    owner_id=deal.owner_id,
                )
            )
        for deal, reason in self.reasons:
            self._add(DealReason(team_id=self.team, deal_id=deal.id, reason_key=reason))

    def _deal(
        self, user: DemoUser, person: Person, account: Account, title: str, stage: str, status: str, i: int, lang: str
    ) -> None:
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
        deal = Deal(
            team_id=self.team,
            account_id=account.id,
            owner_id=person.id,
            title=title,
            title_norm=normalize(title),
            amount=amount,
            currency="CNY",
            stage_key=stage,
            stage_entered_at=created,
            expected_close=(self.now + timedelta(days=10 + 15 * (5 - reached) + self.rng.randint(0, 9))).date()
            if status == "open"
            else None,
            need=True if reached >= 1 else None,
            timeline=True if reached >= 1 else None,
            authority=(reached >= 2) if reached >= 2 or status == "lost" else None,
            budget=(reached >= 3 and not (status == "lost" and i % 2)) if reached >= 2 else None,
            competition=True if reached >= 4 else None,
            champion=True if reached >= 4 and user.profile != "at risk" else None,
            status=status,
            created_at=created,
        )
        self._add(deal)
        when, previous = created, None
        for key, days in zip(path, step_days, strict=True):
            self.changes.append((deal, previous, key, when))
            deal.stage_entered_at = when
            previous = key
            when += timedelta(days=days)
        if status != "open":
            closed = self.now - timedelta(days=closed_ago)
            self.changes.append((deal, previous, status, closed))
            deal.closed_at = closed
            if status == "lost":
                self.reasons.extend((deal, reason) for reason in LOSS_REASONS[i % len(LOSS_REASONS)])
                deal.lesson = LESSONS[lang][i % 2]

    # ----- follow-ups and check-ins --------------------------------------------------------
    def _follow_ups(
        self,
        user: DemoUser,
        person: Person,
        visits: list[Visit],
        accounts: list[tuple[Account, list[tuple[Contact, int | None]]]],
        today: date,
    ) -> None:
        """Next steps: done when long past, open (some overdue) when recent; leads; one today."""
        for visit in visits:
            if not visit.next_step or visit.next_step_due_at is None:
                continue
            due = visit.next_step_due_at
            overdue_days = (self.now - due).days
            done = due < self.now and (overdue_days > 4 or self.rng.random() < FOLLOW_THROUGH[user.profile])
            self._add(
                FollowUp(
                    team_id=self.team,
                    owner_id=person.id,
                    account_id=visit.account_id,
                    visit_id=visit.id,
                    kind="next_step",
                    text=visit.next_step,
                    due_at=due,
                    status="done" if done else "open",
                    done_at=due - timedelta(hours=3) if done else None,
                    created_at=visit.occurred_at,
                )
            )
        lang = _lang(user)
        for account, _ in accounts:
            if account.is_lead and account.lead_received_at is not None:
                self._add(
                    FollowUp(
                        team_id=self.team,
                        owner_id=person.id,
                        account_id=account.id,
                        kind="new_lead",
                        text="首次联系新线索" if lang == "zh" else "First contact with the new lead",
                        due_at=account.lead_received_at + timedelta(hours=5),
                        created_at=account.lead_received_at,
                    )
                )
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
            self._add(
                FollowUp(
                    team_id=self.team,
                    owner_id=person.id,
                    account_id=account.id,
                    kind="manual",
                    text=text[0] if lang == "zh" else text[1],
                    due_at=due,
                    created_at=self.now - timedelta(days=5),
                )
            )

    def _checkins(self, user: DemoUser, person: Person, today: date) -> None:
        """The last five working days' PDCA; the at-risk rep skipped some evenings."""
        lang = _lang(user)
        day, done = today - timedelta(days=1), 0
        while done < 5:
            if day.weekday() < 5:
                reviewed = not (user.profile == "at risk" and done in (0, 2))

                def said(zh: str, en: str, reviewed: bool = reviewed) -> str | None:
                    return (zh if lang == "zh" else en) if reviewed else None

                self._add(
                    CheckIn(
                        team_id=self.team,
                        person_id=person.id,
                        local_date=day,
                        plan_items=[
                            {"text": NEXT_STEPS[lang][(done + k) % len(NEXT_STEPS[lang])], "tag": tag}
                            for k, tag in enumerate(["key", "routine", "adhoc"])
                        ],
                        planned_visits=[],
                        planned_at=_at(day, 8, 50, user.tz),
                        done_text=said("完成了三次拜访", "Three visits done"),
                        problems=said("客户预算推迟", "Budget slipped"),
                        countermeasures=said("约财务总监见面", "Meet the finance director"),
                        reviewed_at=_at(day, 18, 10, user.tz) if reviewed else None,
                        created_at=_at(day, 8, 50, user.tz),
                    )
                )
                done += 1
            day -= timedelta(days=1)

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
                self._add(Holiday(team_id=self.team, day=day, name=name))
        sam = self.people["USAM0001"]
        monday = today + timedelta(days=7 - today.weekday())
        self._add(
            TimeOff(
                team_id=self.team,
                person_id=sam.id,
                starts_on=monday,
                ends_on=monday + timedelta(days=1),
                note="Trade show",
                created_at=self.now,
            )
        )
