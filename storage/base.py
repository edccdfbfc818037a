"""The declarative base shared by every model, with a constraint naming convention.

Named constraints keep Alembic's autogenerate output identical on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, MetaData, String, func
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from storage.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TenantMixin:
    """Every stored row belongs to exactly one workspace (Slack `team_id`).

    Deleting a workspace deletes everything it owns (`pipeline-coach workspace delete`).
    """

    @declared_attr
    @classmethod
    def team_id(cls) -> Mapped[str]:
        return mapped_column(String(32), ForeignKey("workspaces.team_id", ondelete="CASCADE"), nullable=False)


class CreatedAtMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, server_default=func.current_timestamp())
