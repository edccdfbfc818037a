"""Daily PDCA check-ins (每日 PDCA): the morning plan and the evening review."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, CreatedAtMixin, TenantMixin
from storage.types import UTCDateTime, json_type


class CheckIn(TenantMixin, CreatedAtMixin, Base):
    """One person's PDCA for one local date.

    `plan_items`: up to 7 `{"text", "tag"}` with tag key / routine / adhoc; `planned_visits`:
    account ids or names. Evening fields are the Do/Check/Act answers.
    """

    __tablename__ = "checkins"
    __table_args__ = (UniqueConstraint("person_id", "local_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), nullable=False)
    local_date: Mapped[date] = mapped_column(Date, nullable=False)
    plan_items: Mapped[list[dict[str, Any]]] = mapped_column(json_type(), nullable=False, default=list)
    planned_visits: Mapped[list[Any]] = mapped_column(json_type(), nullable=False, default=list)
    planned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_text: Mapped[str | None] = mapped_column(Text)
    not_finished: Mapped[str | None] = mapped_column(Text)
    not_done_well: Mapped[str | None] = mapped_column(Text)
    not_done: Mapped[str | None] = mapped_column(Text)
    went_well: Mapped[str | None] = mapped_column(Text)
    problems: Mapped[str | None] = mapped_column(Text)
    countermeasures: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
