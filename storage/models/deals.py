"""Deals (商机), their reasons when closed, and the stage history the funnel is computed from."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, CreatedAtMixin, TenantMixin
from storage.types import UTCDateTime


class Deal(TenantMixin, CreatedAtMixin, Base):
    """A sales target in the funnel. `status`: open, won, lost.

    BANTCC items are nullable booleans: unknown, no, yes. `stage_key` is the current stage
    (possibly a retired one); a closed deal keeps the stage it was closed from, and its
    closing move is the `stage_changes` row to 'won' / 'lost' (bot/deals/ops.py).
    """

    __tablename__ = "deals"
    __table_args__ = (
        Index("ix_deals_team_owner_status", "team_id", "owner_id", "status"),
        Index("ix_deals_team_status_close", "team_id", "status", "expected_close"),
        Index("ix_deals_account", "account_id"),
        # Funnel analytics (storage/queries/funnel.py): deals closed in a period by a team's
        # owners, and covering indexes for the whole workspace's open pipeline per stage and
        # its deals closed in a period (no table lookups over 100,000s of deals).
        Index("ix_deals_team_owner_closed", "team_id", "owner_id", "closed_at"),
        Index("ix_deals_team_status_stage", "team_id", "status", "stage_key", "amount"),
        Index("ix_deals_team_closed", "team_id", "closed_at", "status", "owner_id", "amount"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    title_norm: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    amount: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="CNY")
    stage_key: Mapped[str] = mapped_column(String(32), nullable=False)
    stage_entered_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    expected_close: Mapped[date | None] = mapped_column(Date)
    budget: Mapped[bool | None] = mapped_column(Boolean)
    authority: Mapped[bool | None] = mapped_column(Boolean)
    need: Mapped[bool | None] = mapped_column(Boolean)
    timeline: Mapped[bool | None] = mapped_column(Boolean)
    competition: Mapped[bool | None] = mapped_column(Boolean)
    champion: Mapped[bool | None] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(8), nullable=False, default="open")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lesson: Mapped[str | None] = mapped_column(Text)
    stale_notified_stage: Mapped[str | None] = mapped_column(String(32))


class DealReason(TenantMixin, Base):
    """One reason a deal was won or lost, from the workspace's taxonomy."""

    __tablename__ = "deal_reasons"

    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), primary_key=True)
    reason_key: Mapped[str] = mapped_column(String(40), primary_key=True)


class StageChange(TenantMixin, Base):
    """One move of a deal: creation (from_stage NULL), forward, back, won or lost.

    `to_stage` is a stage key or 'won' / 'lost'. `override` records a move made despite unmet
    exit criteria (or a loss with too few contacts). `owner_id` is who owned the deal when it
    moved (not who clicked, `changed_by_id`): conversion credits each step to the rep who
    brought the deal there, so a handover moves the book and leaves the history where it was
    earned (bot/analytics/conversion.py).
    """

    __tablename__ = "stage_changes"
    __table_args__ = (
        Index("ix_stage_changes_team_changed", "team_id", "changed_at"),
        Index("ix_stage_changes_deal_changed", "deal_id", "changed_at"),
        # Covers the funnel analytics (storage/queries/funnel.py): a deal's history in order
        # without touching the table, for one team's deals or the whole workspace.
        Index("ix_stage_changes_team_deal_owner", "team_id", "deal_id", "changed_at", "to_stage", "owner_id"),
        # The deals a team's reps moved in a period (conversion credited to the owner at the time).
        Index("ix_stage_changes_team_owner", "team_id", "owner_id", "changed_at", "deal_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), nullable=False)
    from_stage: Mapped[str | None] = mapped_column(String(32))
    to_stage: Mapped[str] = mapped_column(String(32), nullable=False)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    override: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    note: Mapped[str | None] = mapped_column(Text)
