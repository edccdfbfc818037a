"""Strings shared by every feature."""

MESSAGES: dict[str, tuple[str, str]] = {
    "common.db_unavailable": (
        "Sorry, I can't reach the database right now, so nothing was saved. "
        "Here is what you typed, so you can send it again in a moment:",
        "抱歉,数据库暂时无法连接,这次没有保存。这是你输入的内容,稍后可以再发一次:",
    ),
    "common.saved_for_later": (
        "I can't reach the database right now, but what you sent is saved: I'll store it as soon "
        "as the database is back and let you know here. You typed:",
        "数据库暂时无法连接,但你发的内容已经保存:数据库恢复后我会马上记录,并在这里告诉你。你输入的是:",
    ),
    "common.error": (
        "Sorry, something went wrong and nothing was saved. Here is what you typed:",
        "抱歉,出了点问题,这次没有保存。这是你输入的内容:",
    ),
    "common.not_allowed": (
        "Sorry, only managers and admins can do that.",
        "抱歉,只有经理和管理员可以这样做。",
    ),
    "common.needs_admin": (
        "Sorry, only a workspace admin can do that. Ask an admin (`/coach role @you admin` makes someone one).",
        "抱歉,只有工作区管理员可以这样做。请联系管理员(管理员可用 `/coach role @用户 admin` 指定新的管理员)。",
    ),
    "common.not_found": (
        "I couldn't find that; it may have been removed.",
        "没有找到,可能已被删除。",
    ),
    "common.cancel": ("Cancel", "取消"),
    "common.more": ("…and {count} more", "……还有 {count} 个"),
    "common.save": ("Save", "保存"),
    "common.close": ("Close", "关闭"),
    "common.yes": ("Yes", "是"),
    "common.no": ("No", "否"),
    "common.you_typed": ("You typed:", "你输入的是:"),
    "common.too_long": (
        "That is longer than {limit} characters; please shorten it.",
        "内容超过 {limit} 个字符,请精简后再发。",
    ),
}
