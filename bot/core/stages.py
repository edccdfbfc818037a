"""A workspace's stages as every area reads them (deals, analytics, digests): one record, one loader.

It lives in the core because both the deal commands and the analytics need it and the deal
commands already depend on analytics; a stage's rules (moving forward, required criteria) stay in
`bot.deals.stages`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.i18n import Lang
from storage.models import Stage


@dataclass(frozen=True, slots=True)
class StageInfo:
    """One stage of a workspace's funnel, detached from the session."""

    key: str
    name_en: str
    name_zh: str
    position: int
    probability: Decimal
    max_days: int | None
    is_active: bool = True
    exit_criteria: tuple[str, ...] = ()

    def name(self, lang: Lang) -> str:
        return self.name_zh if lang == "zh" else self.name_en


def stage_info(row: Stage) -> StageInfo:
    return StageInfo(
        key=row.key,
        name_en=row.name_en,
        name_zh=row.name_zh,
        position=row.position,
        probability=Decimal(str(row.probability)),
        max_days=row.max_days,
        is_active=row.is_active,
        exit_criteria=tuple(row.exit_criteria or ()),
    )


def load_stages(session: Session, team_id: str, *, include_retired: bool = False) -> list[StageInfo]:
    """The workspace's stages by position (retired ones only when asked: they still weigh the
    open deals left in them and name old history)."""
    query = select(Stage).where(Stage.team_id == team_id).order_by(Stage.position, Stage.id)
    if not include_retired:
        query = query.where(Stage.is_active.is_(True))
    return [stage_info(row) for row in session.scalars(query)]
