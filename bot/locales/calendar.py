"""Strings of the calendar feature (issue 20): `/coach calendar`, meeting prompts, their buttons."""

MESSAGES: dict[str, tuple[str, str]] = {
    # ----- /coach calendar -------------------------------------------------------------------------
    "calendar.connected": (
        ":white_check_mark: Calendar connected ({hint}). I read it every 15 minutes and ask how each "
        "customer meeting went once it ends. Customer meetings found so far: {found}.",
        ":white_check_mark: 日历已连接({hint})。我每 15 分钟读取一次,每次客户会面结束后问你进展如何。"
        "目前找到 {found} 个客户会面。",
    ),
    "calendar.connected_failing": (
        ":hourglass: Calendar saved ({hint}), but the first read failed: {reason}. I will keep trying "
        "and tell you if it does not start working.",
        ":hourglass: 日历已保存({hint}),但第一次读取失败:{reason}。我会继续尝试,一直不行会告诉你。",
    ),
    "calendar.refused": (
        "I can't use that address: {reason}. Send your calendar's private ICS address (https://…), e.g. "
        "`/coach calendar https://calendar.google.com/calendar/ical/…/basic.ics`.",
        "这个地址用不了:{reason}。请发送日历的私密 ICS 地址(https://…),例如 "
        "`/coach calendar https://calendar.google.com/calendar/ical/…/basic.ics`。",
    ),
    "calendar.status": (
        "*Your calendar* ({hint})\n• Last read: {last}\n• Customer meetings found: {found} ({upcoming} upcoming)"
        "\n• Last error: {error}\n`/coach calendar off` disconnects it and deletes what was read.",
        "*你的日历*({hint})\n• 最近读取:{last}\n• 找到的客户会面:{found} 个(其中 {upcoming} 个未开始)"
        "\n• 最近的错误:{error}\n`/coach calendar off` 断开连接并删除已读取的内容。",
    ),
    "calendar.status.never": ("not yet", "尚未读取"),
    "calendar.status.no_error": ("none", "无"),
    "calendar.none": (
        "No calendar connected. `/coach calendar <address>` connects your private ICS address, so your "
        "customer meetings prompt the visit log: Google Calendar → Settings → *Secret address in iCal "
        "format*; Outlook → Shared calendars → *Publish* → ICS; Apple → *Public calendar*.",
        "尚未连接日历。`/coach calendar <地址>` 连接你的私密 ICS 地址,客户会面结束后提醒你记录拜访:"
        "Google 日历 → 设置 → *iCal 格式的私密地址*;Outlook → 共享日历 → *发布* → ICS;"
        "Apple → *公开日历*。",
    ),
    "calendar.off.done": (
        "Calendar disconnected. Everything read from it is deleted.",
        "日历已断开,从中读取的内容已全部删除。",
    ),
    "calendar.off.none": ("No calendar was connected.", "之前没有连接日历。"),
    "calendar.error.bad_url": ("that is not an http, https or webcal address", "这不是 http、https 或 webcal 地址"),
    "calendar.error.private_address": (
        "it points to a private or local network address",
        "它指向内网或本机地址",
    ),
    "calendar.error.unreachable": ("the calendar server could not be reached", "无法连接日历服务器"),
    "calendar.error.timeout": ("the calendar server did not answer in time", "日历服务器响应超时"),
    "calendar.error.too_large": ("the calendar file is larger than 5 MB", "日历文件超过 5 MB"),
    "calendar.error.gone": (
        "the address no longer works (it may have been reset)",
        "地址已失效(可能已被重置)",
    ),
    "calendar.error.http": ("the calendar server answered with an error", "日历服务器返回了错误"),
    "calendar.error.unreadable": ("the file there is not a calendar", "该地址的文件不是日历"),
    "calendar.error.secret": (
        "the stored address can no longer be decrypted (SECRET_KEY changed)",
        "已保存的地址无法解密(SECRET_KEY 已更改)",
    ),
    "calendar.broken": (
        ":warning: I can't read your calendar any more ({reason}), so meeting prompts have stopped. "
        "Send `/coach calendar` with a fresh address, or `/coach calendar off`.",
        ":warning: 你的日历读取不了了({reason}),会面提醒已停止。请用 `/coach calendar` 发送新地址,"
        "或 `/coach calendar off`。",
    ),
    "calendar.broken.summary": ("Calendar stopped working", "日历读取失败"),
    # ----- the prompt --------------------------------------------------------------------------------
    "calendar.prompt.one": ("How did “{title}” go?", "“{title}”进展如何?"),
    "calendar.prompt.many": ("How did these {count} meetings go?", "这 {count} 个会面进展如何?"),
    "calendar.prompt.line": ("*{title}* · {account} · {when}", "*{title}* · {account} · {when}"),
    "calendar.prompt.log": ("Log visit", "记录拜访"),
    "calendar.prompt.dismiss": ("Not a customer meeting", "不是客户会面"),
    "calendar.prompt.later": ("Later", "稍后"),
    "calendar.prompt.summary": ("Meeting prompt: {titles}", "会面提醒:{titles}"),
    "calendar.prompt.dismissed": ("Not a customer meeting: noted.", "已记下:不是客户会面。"),
    "calendar.prompt.later_note": (
        "Later: the *Log visit* button stays here.",
        "稍后:*记录拜访* 按钮会一直留在这里。",
    ),
    "calendar.prompt.logged": ("This meeting is already logged as a visit.", "这个会面已经记录为拜访。"),
    # ----- plan / review / digest --------------------------------------------------------------------
    "calendar.plan.today": ("*Customer meetings today*", "*今天的客户会面*"),
    "calendar.review.today": ("*Today's customer meetings*", "*今天的客户会面*"),
    "calendar.review.logged": ("logged", "已记录"),
    "calendar.review.not_logged": ("not logged yet", "尚未记录"),
    "calendar.review.dismissed": ("not a customer meeting", "非客户会面"),
    "digests.daily.meetings": (
        " · meetings: {prompted} prompted, {logged} logged, {dismissed} dismissed",
        " · 会面:提醒 {prompted},已记录 {logged},非客户 {dismissed}",
    ),
}
