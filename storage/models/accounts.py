"""Accounts (客户), their aliases in both scripts, and contacts (联系人)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, CreatedAtMixin, TenantMixin
from storage.types import UTCDateTime


class Account(TenantMixin, CreatedAtMixin, Base):
    """A customer account. `name_norm` is the matching key (see bot.core.text.normalize).

    `business_status` is 'has_business' or 'no_business' (有生意 / 无生意); `tier` is the 5+5+5
    slot ('big', 'some', 'none') or empty. A lead is an account whose first contact is due
    within the workspace's new-lead window; `contact_count` counts logged contacts.
    """

    __tablename__ = "accounts"
    __table_args__ = (
        Index("ix_accounts_team_name_norm", "team_id", "name_norm"),
        # archived_at included: the sweeps read "accounts of these owners, not archived" from the index alone
        Index("ix_accounts_team_owner", "team_id", "owner_id", "archived_at"),
        # One live account per name per owner (unowned accounts are one more "owner"): two
        # close-together /visits, forms or /leads naming the same new account create it once,
        # the loser re-reading the winner's row (bot/accounts/create.py). Per owner, not per
        # workspace, because a rep sees only their own and unowned accounts: a teammate's
        # private "Ricoh" must not stop them creating theirs. Archived accounts are left out:
        # they never match a typed name, so naming one creates a new account (as before).
        Index(
            "uq_accounts_team_owner_name_norm",
            "team_id",
            func.coalesce(text("owner_id"), 0),
            "name_norm",
            unique=True,
            sqlite_where=text("archived_at IS NULL"),
            postgresql_where=text("archived_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    name_norm: Mapped[str] = mapped_column(String(200), nullable=False)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    business_status: Mapped[str] = mapped_column(String(16), nullable=False, default="no_business")
    tier: Mapped[str | None] = mapped_column(String(8))
    tier_expected: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    industry: Mapped[str | None] = mapped_column(String(120))
    region: Mapped[str | None] = mapped_column(String(120))
    size: Mapped[str | None] = mapped_column(String(40))
    potential: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    is_lead: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    lead_received_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_contacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    contact_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AccountAlias(TenantMixin, Base):
    """Another name an account goes by ("理光" for "Ricoh")."""

    __tablename__ = "account_aliases"
    __table_args__ = (
        UniqueConstraint("account_id", "alias_norm"),
        Index("ix_account_aliases_team_alias_norm", "team_id", "alias_norm"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)
    alias: Mapped[str] = mapped_column(String(200), nullable=False)
    alias_norm: Mapped[str] = mapped_column(String(200), nullable=False)


class Contact(TenantMixin, CreatedAtMixin, Base):
    """A person at an account.

    `buying_role`: decision_maker, influencer, user, purchaser, coach (or empty).
    `email` (lower case) lets a calendar attendee be recognised (bot/calendar/match.py).
    `relationship_level`: 0–5 (docs/method.md §2). `last_face_to_face_at` is only moved by in-person
    and informal visits; phone/IM touches move `last_touch_at`. `decay_notified_days` is the
    largest decay threshold already reported for the current gap, so each crossing is
    reported once. `decay_gap_start` is the `last_face_to_face_at` that gap started from: when a
    new face-to-face meeting moves `last_face_to_face_at`, the two differ and the ladder starts
    again from the bottom, whoever recorded the meeting (bot/accounts/cadence.py).
    """

    __tablename__ = "contacts"
    __table_args__ = (
        Index("ix_contacts_account", "account_id"),
        # Covers the decay sweep (bot/accounts/cadence.py): a range on the last meeting, read from the index alone.
        Index(
            "ix_contacts_team_last_f2f",
            "team_id",
            "last_face_to_face_at",
            "decay_gap_start",
            "decay_notified_days",
            "buying_role",
            "account_id",
        ),
        Index("ix_contacts_team_name_norm", "team_id", "name_norm"),
        Index("ix_contacts_team_email", "team_id", "email"),
        # One contact per name per account: two visits naming the same new person at the same
        # moment create it once (the loser of the insert reads the winner's row). A unique
        # index, not a constraint, so that SQLite can add it without rebuilding the table.
        Index("uq_contacts_account_name_norm", "account_id", "name_norm", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    name_norm: Mapped[str] = mapped_column(String(200), nullable=False)
    title: Mapped[str | None] = mapped_column(String(120))
    department: Mapped[str | None] = mapped_column(String(120))
    buying_role: Mapped[str | None] = mapped_column(String(20))
    relationship_level: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=0)
    involvement: Mapped[int | None] = mapped_column(SmallInteger)
    personality: Mapped[str | None] = mapped_column(String(40))
    notes: Mapped[str | None] = mapped_column(Text)
    last_face_to_face_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_touch_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decay_notified_days: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    decay_gap_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    email: Mapped[str | None] = mapped_column(String(320))  # lower-cased; matches calendar attendees
