"""Follow-ups (跟进): next steps with a due time that the nudges watch."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, CreatedAtMixin, TenantMixin
from storage.types import UTCDateTime


class FollowUp(TenantMixin, CreatedAtMixin, Base):
    """Something a rep owes a customer by `due_at`.

    `kind`: next_step (from a visit), new_lead (first contact within the lead window),
    prospect_decide (qualify or drop after 3 visits), plan_visit (from a decay warning),
    manual. `status`: open, done, cancelled. Snoozing moves `due_at` and counts in
    `snooze_count`.
    """

    __tablename__ = "follow_ups"
    __table_args__ = (
        Index("ix_follow_ups_team_status_due", "team_id", "status", "due_at"),
        Index("ix_follow_ups_owner_status_due", "owner_id", "status", "due_at"),
        Index("ix_follow_ups_account_kind", "account_id", "kind"),
        UniqueConstraint("team_id", "request_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), nullable=False)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id", ondelete="SET NULL"))
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="manual")
    text: Mapped[str] = mapped_column(Text, nullable=False)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="open")
    snooze_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    request_key: Mapped[str | None] = mapped_column(String(100))
