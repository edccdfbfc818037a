"""`/coach holidays [add DATE NAME | remove DATE | load COUNTRY[-REGION] YEAR]` (节假日): the
text read, the operation called, the answer rendered in the user's language."""

from __future__ import annotations

from datetime import datetime

from bot.core.actor import Actor
from bot.core.clock import local_date
from bot.core.i18n import format_day, t
from bot.core.text import mentioned_users, strip_mentions
from bot.settings.holidays import (
    HolidayError,
    do_add_holiday,
    do_load_holidays,
    do_remove_holiday,
    list_holidays,
    parse_holiday_date,
)
from bot.ui import blocks as bk
from bot.ui.reply import Reply, echo_reply
from storage.db import Database

ADD = ("add", "添加", "增加")
REMOVE = ("remove", "delete", "删除", "移除")
LOAD = ("load", "导入", "加载")
REGION = ("region", "地区")  # `load CN 2027 region`: only people whose time zone is in CN
TEAM = ("team", "团队")  # `load GB 2027 team @manager`: only that manager's team
MAX_LINES = 40  # one section of at most 3,000 characters


def _reply(text: str) -> Reply:
    return Reply(text, [bk.section(text)])


def holidays_command(db: Database, actor: Actor, text: str, now: datetime) -> Reply:
    lang = actor.lang
    today = local_date(now, actor.tz)
    word, _, rest = text.strip().partition(" ")
    word = word.lower()
    try:
        if not word:
            days = list_holidays(db, actor, today)
            if not days:
                return _reply(t(lang, "holidays.none"))
            lines = [f"• {format_day(lang, day)}  {bk.escape(name)}" for day, name in days[:MAX_LINES]]
            if len(days) > MAX_LINES:
                lines.append(t(lang, "holidays.more", count=len(days) - MAX_LINES))
            return _reply(t(lang, "holidays.head", count=len(days)) + "\n" + "\n".join(lines))
        if word in ADD:
            when, _, name = rest.strip().partition(" ")
            day = parse_holiday_date(when)
            added = do_add_holiday(db, actor, day, name, now)
            key = "holidays.added" if added else "holidays.already"
            return _reply(t(lang, key, day=format_day(lang, day)))
        if word in REMOVE:
            day = parse_holiday_date(rest)
            removed = do_remove_holiday(db, actor, day, now)
            key = "holidays.removed" if removed is not None else "holidays.not_a_holiday"
            return _reply(t(lang, key, day=format_day(lang, day)))
        if word in LOAD:
            parts = strip_mentions(rest).split()
            whose = parts[2].lower() if len(parts) == 3 else ""
            if len(parts) not in (2, 3) or not parts[1].isdigit() or whose not in ("", *REGION, *TEAM):
                return echo_reply(lang, "holidays.usage", text)
            managers = mentioned_users(rest)
            if whose in TEAM and not managers:
                return echo_reply(lang, "holidays.usage", text)
            loaded = do_load_holidays(
                db,
                actor,
                parts[0],
                int(parts[1]),
                now,
                for_region=whose in REGION,
                manager_user_id=managers[0] if whose in TEAM else None,
            )
            head = t(lang, "holidays.loaded", count=len(loaded.added), region=parts[0].upper(), year=parts[1])
            if loaded.already:
                head += " " + t(lang, "holidays.loaded_already", count=loaded.already)
            return _reply(head)
    except HolidayError as exc:
        return echo_reply(lang, exc.key, text, **exc.values)
    return echo_reply(lang, "holidays.usage", text)
