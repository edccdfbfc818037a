"""What the shell draws around Slack's own surfaces (Slack shows these in the user's language)."""

MESSAGES = {
    "shell.only_you": ("only visible to you", "仅你可见"),
    "shell.optional": (" (optional)", "(可选)"),
    "shell.search_field": ("type a name to search", "输入名称搜索"),
    "shell.search_menu": ("type to search: :pick {n} <text>", "输入搜索::pick {n} <文字>"),
    "shell.kind.overflow": ("⋯ more", "⋯ 更多"),
    "shell.kind.datepicker": ("📅 date", "📅 日期"),
    "shell.kind.timepicker": ("🕘 time", "🕘 时间"),
    "shell.kind.datetimepicker": ("📅 date and time", "📅 日期和时间"),
    "shell.kind.checkboxes": ("☑ choose", "☑ 选择"),
    "shell.kind.radio_buttons": ("◉ choose one", "◉ 选一项"),
    "shell.kind.choose": ("choose", "选择"),
    "shell.holiday": (
        "🎌 {day} is a holiday in this workspace: {name}. No check-ins or reminders today.",
        "🎌 {day} 是本工作区的假日:{name}。今天没有签到和提醒。",
    ),
}
