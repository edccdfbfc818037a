"""Hand-built teams for the digest tests: people in Shanghai, accounts, contacts, visits,
follow-ups, check-ins, time off, targets and deals with their stage history.

Everything is made by the app's own session-level operations, backdated by passing an earlier
`now`, as dev/demo.py makes its workspace: people join through `ensure_person` (the workspace's
first person is its founding admin, `UFOUNDER` unless a test names an admin first, and acts for
the admin-only operations) and get their role from `set_role`; teams come from `set_up_team`,
`rename_team`; targets from `set_target`, time off from `set_time_off` (on its first day),
holidays from `add_holiday`, check-ins from `save_plan` / `save_review`, visits from `log_visit`,
follow-ups from `add_follow_up` / `complete_follow_up`, deals from `create_deal`, `move_deal` and
`close_deal` played in the order they happened, 5+5+5 tiers from `set_tier`. What no operation
sets is written directly, with its reason where it is written. Each test states its numbers in
one place and can check every figure of a digest against them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.accounts.create import create_account
from bot.checkins.days import set_time_off
from bot.checkins.plan import PlanInput, save_plan
from bot.checkins.review import ReviewInput, save_review
from bot.core.actor import Actor
from bot.core.clock import start_of_local_day
from bot.core.text import normalize
from bot.digests.targets import Period, set_target
from bot.digests.tiers import set_tier
from bot.followups.rules import complete_follow_up
from bot.people.admin import set_role
from bot.people.members import actor_for, ensure_person, ensure_workspace, update_profile
from bot.people.teams import rename_team, set_up_team
from bot.settings.holidays import add_holiday
from bot.visits.ops import ContactInput, VisitInput, add_follow_up, contact_named, log_visit
from storage.models import (
    Account,
    CheckIn,
    Contact,
    Deal,
    FollowUp,
    Holiday,
    Person,
    SalesTeam,
    Target,
    TimeOff,
    Visit,
)
from tests.conftest import TEAM
from tests.world_ops import play_deal, workspace_admin

SHANGHAI = "Asia/Shanghai"
JOINED_DAYS = 500  # people and accounts are older than any history a test gives them


def sh(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """A Shanghai wall-clock time as an aware UTC instant."""
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(SHANGHAI)).astimezone(UTC)


class World:
    def __init__(self, session: Session, now: datetime, team_id: str = TEAM) -> None:
        self.s = session
        self.now = now
        self.team_id = team_id
        self.joined = now - timedelta(days=JOINED_DAYS)
        ensure_workspace(session, team_id, self.joined)

    def days(self, n: float) -> datetime:
        """`n` days after now (negative: before)."""
        return self.now + timedelta(days=n)

    # ----- people ---------------------------------------------------------------------------
    def admin(self) -> Actor:
        """The workspace's first admin; the founder joins first if nobody has yet."""
        return actor_for(workspace_admin(self.s, self.team_id, self.joined, tz=SHANGHAI))

    def person(
        self, user_id: str, name: str, *, role: str = "rep", manager: Person | None = None, locale: str = "en-US"
    ) -> Person:
        """Someone who joins the workspace (the founder first, unless this is a named admin and
        nobody is here yet), with their Slack profile cached; the admin gives them `role` and
        puts them in `manager`'s team."""
        if role != "admin" or self.s.scalar(select(Person.id).where(Person.team_id == self.team_id).limit(1)):
            self.admin()
        person = ensure_person(self.s, self.team_id, user_id, self.joined)
        update_profile(person, name=name, tz=SHANGHAI, locale=locale, now=self.now)
        if person.role != role:
            set_role(self.s, self.admin(), user_id, role, self.joined)
        if manager is not None:
            set_up_team(self.s, self.admin(), manager.slack_user_id, [user_id], self.joined)
        self.s.flush()
        return person

    def east_team(self) -> tuple[Person, Person, Person]:
        """The team most tests share: Mia (manager, English) with Bo (English) and 王芳
        (Chinese), digests in #C0SALES. Returns (mia, bo, fang)."""
        mia = self.person("UMIA", "Mia", role="manager")
        bo = self.person("UBO", "Bo", manager=mia)
        fang = self.person("UFANG", "王芳", manager=mia, locale="zh-CN")
        self.team(mia, "East")
        return mia, bo, fang

    def team(self, manager: Person, name: str, channel: str | None = "C0SALES") -> SalesTeam:
        """The admin sets up `manager`'s team (with its digest channel); the manager names it."""
        info = set_up_team(self.s, self.admin(), manager.slack_user_id, [], self.joined, channel_id=channel)
        rename_team(self.s, actor_for(manager), name, self.joined)
        team = self.s.get(SalesTeam, info.id)
        assert team is not None
        return team

    def target(self, person: Person, start: date, end: date, label: str, amount: int) -> Target:
        """Set by the person's manager (the admin, for someone in no team)."""
        manager = self.s.get(Person, person.manager_id) if person.manager_id else None
        actor = actor_for(manager) if manager is not None else self.admin()
        set_target(self.s, actor, person.slack_user_id, Decimal(amount), Period(start, end, label), self.now)
        row = self.s.scalar(select(Target).where(Target.person_id == person.id, Target.period_start == start))
        assert row is not None
        return row

    def time_off(self, person: Person, start: date, end: date) -> TimeOff:
        """`/away` said on the first day (time off starts today)."""
        set_time_off(self.s, actor_for(person), end, self._local(start, 8, person))
        row = self.s.scalar(select(TimeOff).where(TimeOff.person_id == person.id, TimeOff.starts_on == start))
        assert row is not None
        return row

    def holiday(self, day: date, name: str = "holiday") -> Holiday:
        """Added by the admin, for the whole workspace."""
        add_holiday(self.s, self.admin(), day, name, self.now)
        self.s.flush()
        row = self.s.scalar(select(Holiday).where(Holiday.team_id == self.team_id, Holiday.day == day))
        assert row is not None
        return row

    def checkin(self, person: Person, day: date, *, planned: bool, reviewed: bool) -> CheckIn:
        """The day's plan at 09:00 and its review at 18:00 (the person's time)."""
        actor = actor_for(person)
        if planned:
            items = [{"text": "private plan", "tag": "key"}]
            save_plan(self.s, actor, day, PlanInput(items=items), self._local(day, 9, person))
        if reviewed:
            start = start_of_local_day(day, person.tz)
            visited = self.s.scalars(
                select(Visit.account_id).where(
                    Visit.rep_id == person.id,
                    Visit.occurred_at >= start,
                    Visit.occurred_at < start + timedelta(days=1),
                )
            ).all()
            review = ReviewInput({"done_text": "private detail"})
            save_review(self.s, actor, day, review, self._local(day, 18, person), list(visited))
        row = self.s.scalar(select(CheckIn).where(CheckIn.person_id == person.id, CheckIn.local_date == day))
        assert row is not None
        return row

    @staticmethod
    def _local(day: date, hour: int, person: Person) -> datetime:
        return datetime.combine(day, time(hour), tzinfo=ZoneInfo(person.tz)).astimezone(UTC)

    # ----- accounts, contacts, visits ---------------------------------------------------------
    def account(
        self,
        name: str,
        owner: Person | None,
        *,
        status: str = "has_business",
        assigned_at: datetime | None = None,
        tier: str | None = None,
        expected: int | None = None,
    ) -> Account:
        """An account as /visit, /deal and the CSV import create it, taken on at `assigned_at`
        (else long ago); its owner names its 5+5+5 tier."""
        account = create_account(self.s, self.team_id, name, owner.id if owner else None, assigned_at or self.joined)
        # Direct: the business status is what the CSV import or the account's past gave it (no operation sets it).
        account.business_status = status
        if tier is not None:
            assert owner is not None
            amount = Decimal(expected) if expected is not None else None
            set_tier(self.s, actor_for(owner), "", tier, amount, account_id=account.id)
        self.s.flush()
        return account

    def contact(self, account: Account, name: str, role: str | None = None, met: datetime | None = None) -> Contact:
        """A contact: met face to face at `met` (a visit of the account's owner names them),
        else only named, as a visit would first name them."""
        if met is not None:
            owner = self.s.get(Person, account.owner_id)
            assert owner is not None
            self._log(owner, account, met, (ContactInput(name=name, role=role),))
            contact = self.s.scalar(
                select(Contact).where(Contact.account_id == account.id, Contact.name_norm == normalize(name))
            )
            assert contact is not None
            return contact
        contact, _ = contact_named(self.s, account, name, self.joined)
        # Direct: the role a `/contact` edit gives (do_edit_contact has no session-level form).
        contact.buying_role = role
        self.s.flush()
        return contact

    def visit(
        self,
        rep: Person,
        account: Account,
        when: datetime,
        *,
        purpose: str | None = "demo",
        next_step: str | None = "send quote",
        contacts: tuple[Contact, ...] = (),
        channel: str = "in_person",
        deal: Deal | None = None,
    ) -> Visit:
        met = tuple(ContactInput(contact_id=c.id) for c in contacts)
        visit = self._log(rep, account, when, met, purpose=purpose, next_step=next_step, channel=channel)
        if deal is not None:
            visit.deal_id = deal.id  # Direct: no operation links a visit to a deal (imported visits carry one).
            self.s.flush()
        return visit

    def _log(
        self,
        rep: Person,
        account: Account,
        when: datetime,
        contacts: tuple[ContactInput, ...],
        *,
        purpose: str | None = "demo",
        next_step: str | None = "send quote",
        channel: str = "in_person",
    ) -> Visit:
        """`log_visit` as the rep, at `when` (a teammate's account: named exactly, so shared)."""
        inp = VisitInput(
            account_id=account.id,
            channel=channel,
            contacts=contacts,
            occurred_at=when,
            purpose=purpose,
            next_step=next_step,
            shared_account=account.owner_id != rep.id,
        )
        logged = log_visit(self.s, actor_for(rep), inp, now=when, request_key=None)
        visit = self.s.get(Visit, logged.visit.id)
        assert visit is not None
        return visit

    def follow_up(self, owner: Person, due: datetime, *, status: str = "open", text: str = "call back") -> FollowUp:
        """A follow-up the owner added to their last visit before `due` (a call three days
        before, if they had none); done on time if `status` is "done"."""
        visit = self.s.scalar(
            select(Visit)
            .where(Visit.rep_id == owner.id, Visit.occurred_at < due)
            .order_by(Visit.occurred_at.desc(), Visit.id.desc())
            .limit(1)
        )
        if visit is None:
            account = self.s.scalar(select(Account).where(Account.owner_id == owner.id).order_by(Account.id).limit(1))
            account = account or self.account(f"{owner.name}'s account", owner)
            visit = self._log(
                owner, account, due - timedelta(days=3), (), purpose=None, next_step=None, channel="phone"
            )
        actor = actor_for(owner)
        add_follow_up(self.s, actor, visit.id, text, due, now=visit.occurred_at)
        self.s.flush()
        row = self.s.scalar(
            select(FollowUp)
            .where(FollowUp.visit_id == visit.id, FollowUp.kind == "manual")
            .order_by(FollowUp.id.desc())
        )
        assert row is not None
        if status == "done":
            complete_follow_up(self.s, actor, row.id, due)
            self.s.flush()
        return row

    # ----- deals ------------------------------------------------------------------------------
    def deal(
        self,
        owner: Person,
        account: Account,
        history: list[tuple[float, str]],
        *,
        amount: int | None = 100_000,
        close: date | None = None,
        title: str | None = None,
        reasons: tuple[str, ...] = (),
        lesson: str | None = None,
    ) -> Deal:
        """A deal whose history is `[(days from now, stage), …]`, played by its owner through the
        deal operations at those times (`world_ops.play_deal`)."""
        timeline = [(self.days(n), stage) for n, stage in history]
        return play_deal(
            self.s, owner, account, timeline, title=title, amount=amount, close=close, reasons=reasons, lesson=lesson
        )
