"""`/coach holidays [add DATE NAME | remove DATE | load COUNTRY[-REGION] YEAR]` (节假日), each
change optionally for one team (`team @manager`) or region (`region CN`, for `load` just
`region`): the text read, the operation called, the answer rendered in the user's language."""

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


def _scope_words(text: str) -> tuple[list[str], str, str | None, str | None] | None:
    """The words of `text` before a trailing scope, which of "", "region", "team" it is, the
    country after "region" (if any) and the mentioned manager of "team"; None when "team" names
    no one. The scope is read from the end only, so a name such as "Team building day" stays a name."""
    words = strip_mentions(text).split()
    if words and words[-1].lower() in TEAM:
        managers = mentioned_users(text)
        return (words[:-1], "team", None, managers[0]) if managers else None
    if words and words[-1].lower() in REGION:
        return words[:-1], "region", None, None
    if len(words) >= 2 and words[-2].lower() in REGION:
        return words[:-2], "region", words[-1], None
    return words, "", None, None


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
        scoped = _scope_words(rest)
        if scoped is None:
            return echo_reply(lang, "holidays.usage", text)
        parts, whose, country, manager = scoped
        if word in (*ADD, *REMOVE):
            if not parts or (whose == "region" and country is None):
                return echo_reply(lang, "holidays.usage", text)
            if word in ADD:
                day = parse_holiday_date(parts[0])
                added = do_add_holiday(
                    db, actor, day, " ".join(parts[1:]), now, region=country, manager_user_id=manager
                )
                key = "holidays.added" if added else "holidays.already"
                return _reply(t(lang, key, day=format_day(lang, day)))
            day = parse_holiday_date(" ".join(parts))
            removed = do_remove_holiday(db, actor, day, now, region=country, manager_user_id=manager)
            key = "holidays.removed" if removed is not None else "holidays.not_a_holiday"
            return _reply(t(lang, key, day=format_day(lang, day)))
        if word in LOAD:
            if len(parts) != 2 or not parts[1].isdigit() or country is not None:
                return echo_reply(lang, "holidays.usage", text)
            loaded = do_load_holidays(
                db,
                actor,
                parts[0],
                int(parts[1]),
                now,
                for_region=whose == "region",
                manager_user_id=manager,
            )
            head = t(lang, "holidays.loaded", count=len(loaded.added), region=parts[0].upper(), year=parts[1])
            if loaded.already:
                head += " " + t(lang, "holidays.loaded_already", count=loaded.already)
            return _reply(head)
    except HolidayError as exc:
        return echo_reply(lang, exc.key, text, **exc.values)
    return echo_reply(lang, "holidays.usage", text)
