"""Hand-built teams for the digest tests: people in Shanghai, accounts, contacts, visits,
follow-ups, check-ins, time off, targets and deals with their stage history.

Everything is inserted directly with the ORM (as the visits, deals and check-ins features
would have stored it), so each test states its numbers in one place and can check every
figure of a digest against them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.accounts.create import create_account
from bot.core.text import normalize
from bot.people.members import ensure_workspace
from bot.visits.ops import contact_named
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
)
from tests.conftest import TEAM

SHANGHAI = "Asia/Shanghai"


def sh(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """A Shanghai wall-clock time as an aware UTC instant."""
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(SHANGHAI)).astimezone(UTC)


class World:
    def __init__(self, session: Session, now: datetime, team_id: str = TEAM) -> None:
        self.s = session
        self.now = now
        self.team_id = team_id
        ensure_workspace(session, team_id, now)

    def _add(self, row):  # type: ignore[no-untyped-def]
        self.s.add(row)
        self.s.flush()
        return row

    def days(self, n: float) -> datetime:
        """`n` days after now (negative: before)."""
        return self.now + timedelta(days=n)

    # ----- people ---------------------------------------------------------------------------
    def person(
        self, user_id: str, name: str, *, role: str = "rep", manager: Person | None = None, locale: str = "en-US"
    ) -> Person:
        return self._add(
            Person(
                team_id=self.team_id,
                slack_user_id=user_id,
                name=name,
                role=role,
                manager_id=manager.id if manager else None,
                tz=SHANGHAI,
                locale=locale,
                profile_fetched_at=self.now,
            )
        )

    def east_team(self) -> tuple[Person, Person, Person]:
        """The team most tests share: Mia (manager, English) with Bo (English) and 王芳
        (Chinese), digests in #C0SALES. Returns (mia, bo, fang)."""
        mia = self.person("UMIA", "Mia", role="manager")
        bo = self.person("UBO", "Bo", manager=mia)
        fang = self.person("UFANG", "王芳", manager=mia, locale="zh-CN")
        self.team(mia, "East")
        return mia, bo, fang

    def team(self, manager: Person, name: str, channel: str | None = "C0SALES") -> SalesTeam:
        return self._add(
            SalesTeam(
                team_id=self.team_id, name=name, manager_id=manager.id, digest_channel_id=channel, created_at=self.now
            )
        )

    def target(self, person: Person, start: date, end: date, label: str, amount: int) -> Target:
        return self._add(
            Target(
                team_id=self.team_id,
                person_id=person.id,
                period_start=start,
                period_end=end,
                label=label,
                amount=Decimal(amount),
                created_at=self.now,
            )
        )

    def time_off(self, person: Person, start: date, end: date) -> TimeOff:
        return self._add(TimeOff(team_id=self.team_id, person_id=person.id, starts_on=start, ends_on=end))

    def holiday(self, day: date, name: str = "holiday") -> Holiday:
        return self._add(Holiday(team_id=self.team_id, day=day, name=name))

    def checkin(self, person: Person, day: date, *, planned: bool, reviewed: bool) -> CheckIn:
        at = datetime(day.year, day.month, day.day, 1, tzinfo=UTC)
        return self._add(
            CheckIn(
                team_id=self.team_id,
                person_id=person.id,
                local_date=day,
                plan_items=[{"text": "private plan", "tag": "key"}],
                planned_at=at if planned else None,
                done_text="private detail" if reviewed else None,
                reviewed_at=at + timedelta(hours=9) if reviewed else None,
            )
        )

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
        """An account as /visit, /deal and the CSV import create it (as of the world's now); the
        status, tier and assignment date the import or a handover would set are put on after."""
        account = create_account(self.s, self.team_id, name, owner.id if owner else None, self.now)
        account.business_status, account.assigned_at, account.tier = status, assigned_at, tier
        account.tier_expected = Decimal(expected) if expected is not None else None
        self.s.flush()
        return account

    def contact(self, account: Account, name: str, role: str | None = None, met: datetime | None = None) -> Contact:
        """A contact as a logged visit first names them, with the role and last meeting a test needs."""
        contact, _ = contact_named(self.s, account, name, self.now)
        contact.buying_role, contact.last_face_to_face_at = role, met
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
        visit = self._add(
            Visit(
                team_id=self.team_id,
                rep_id=rep.id,
                account_id=account.id,
                occurred_at=when,
                channel=channel,
                purpose=purpose,
                next_step=next_step,
                deal_id=deal.id if deal else None,
            )
        )
        for contact in contacts:
            self.s.add(
                VisitContact(
                    team_id=self.team_id,
                    visit_id=visit.id,
                    contact_id=contact.id,
                    level_before=2,
                    level_after=2,
                )
            )
        self.s.flush()
        return visit

    def follow_up(self, owner: Person, due: datetime, *, status: str = "open", text: str = "call back") -> FollowUp:
        return self._add(
            FollowUp(team_id=self.team_id, owner_id=owner.id, text=text, due_at=due, status=status, kind="manual")
        )

    # ----- deals ------------------------------------------------------------------------------
    def deal(
        self,
        owner: Person,
        account: Account,
        history: list[tuple[float, str]],
        *,
        amount: int | None = 100_000,
        close: date | None = None,
        title: str = "Copiers",
        reasons: tuple[str, ...] = (),
        lesson: str | None = None,
    ) -> Deal:
        """A deal whose history is `[(days from now, to_stage), …]`; the first is its creation."""
        last_day, last_stage = history[-1]
        closed = last_stage in ("won", "lost")
        stage_key = next(stage for _, stage in reversed(history) if stage not in ("won", "lost"))
        entered = next(d for d, stage in reversed(history) if stage == stage_key)
        deal = self._add(
            Deal(
                team_id=self.team_id,
                account_id=account.id,
                owner_id=owner.id,
                title=title,
                title_norm=normalize(title),
                amount=Decimal(amount) if amount is not None else None,
                stage_key=stage_key,
                stage_entered_at=self.days(entered),
                expected_close=close,
                status=last_stage if closed else "open",
                closed_at=self.days(last_day) if closed else None,
                created_at=self.days(history[0][0]),
                lesson=lesson,
            )
        )
        previous = None
        for when, stage in history:
            self.s.add(
                StageChange(
                    team_id=self.team_id,
                    deal_id=deal.id,
                    from_stage=previous,
                    to_stage=stage,
                    changed_at=self.days(when),
                    changed_by_id=owner.id,
                    owner_id=owner.id,
                )
            )
            previous = stage
        for key in reasons:
            self.s.add(DealReason(team_id=self.team_id, deal_id=deal.id, reason_key=key))
        self.s.flush()
        return deal
