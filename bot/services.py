"""What every operation needs from the process: settings, the database and the clock."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.clock import Clock
from bot.settings import Settings
from storage.db import Database


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Clock = field(default_factory=Clock)
