"""What every operation needs from the process: settings, the database and the clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.core.clock import Clock
from bot.core.settings import Settings
from storage.db import Database


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Clock = field(default_factory=Clock)

    def __deepcopy__(self, memo: dict[int, Any]) -> Services:
        """Shared, never copied: these are the process's handles (a pool, a clock), not data.
        Bolt deep-copies a request's context whenever it copies a request (its lazy listeners)."""
        return self
