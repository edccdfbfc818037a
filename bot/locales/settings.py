"""Strings of `/coach settings` and `/coach holidays`."""

MESSAGES: dict[str, tuple[str, str]] = {
    "settings.title": ("Workspace settings", "工作区设置"),
    "settings.next": ("Next", "下一步"),
    "settings.pick_label": ("Which settings?", "要修改哪一部分?"),
    "settings.usage": (
        "Usage: `/coach settings [visits|cadence|followup|schedule|digest|reasons | team [@manager] | history]`",
        "用法:`/coach settings [visits|cadence|followup|schedule|digest|reasons | team [@manager] | history]`",
    ),
    "settings.section.visits": ("Visit standard", "拜访标准"),
    "settings.section.cadence": ("Face-to-face cadence", "见面频率"),
    "settings.section.followup": ("Follow-up rules", "跟进规则"),
    "settings.section.schedule": ("Work days and hours", "工作日与时间"),
    "settings.section.digest": ("Digest days and times", "简报日期与时间"),
    "settings.section.reasons": ("Win and loss reasons", "赢单与丢单原因"),
    "settings.intro.visits": (
        "How many customer visits a rep is expected to log per working day.",
        "每位销售每个工作日应记录的客户拜访数。",
    ),
    "settings.intro.cadence": (
        "After how many days without a face-to-face meeting a relationship is flagged.",
        "多少天没有见面后提醒维护客户关系。",
    ),
    "settings.intro.followup": (
        "When a lead, a prospect or a deal needs attention (docs/method.md).",
        "线索、意向客户和商机何时需要跟进(见 docs/method.md)。",
    ),
    "settings.intro.schedule": (
        "Workspace defaults; each person can still choose their own check-in times.",
        "工作区默认值;每个人仍可设置自己的签到时间。",
    ),
    "settings.intro.digest": (
        "When digests go out. A team's channel: `/coach team #channel`.",
        "简报发送时间。团队频道:`/coach team #频道`。",
    ),
    "settings.intro.reasons": (
        "One reason per line: `key | English | 中文`. Delete a line to retire a reason: closed deals keep it.",
        "每行一个原因:`key | English | 中文`。删除一行即停用该原因,已关闭的商机仍保留。",
    ),
    "settings.label.daily_visit_standard": ("Visits per day", "每日拜访数"),
    "settings.label.cadence.thresholds": ("Days without meeting", "未见面天数"),
    "settings.label.cadence.key_contact_days": ("Key contacts in open deals (days)", "进行中商机的关键联系人(天)"),
    "settings.label.cadence.role_thresholds": ("Per role", "按角色"),
    "settings.label.follow_up.new_lead_hours": ("First contact of a new lead (hours)", "新线索首次联系(小时)"),
    "settings.label.follow_up.min_contacts_before_lost": (
        "Contacts before a deal may be lost",
        "判丢单前的最少接触次数",
    ),
    "settings.label.follow_up.prospect_decide_visits": ("Visits before judging a prospect", "判断意向客户前的拜访次数"),
    "settings.label.stages.max_days": ("Days before a deal is stale, per stage", "各阶段商机停滞天数"),
    "settings.hint.stages.max_days": (
        "One stage per line: `D: 45`, or `D: -` for no limit.",
        "每行一个阶段:`D: 45`,不限则写 `D: -`。",
    ),
    "settings.error.stage_line": (
        "Line {line} should read `STAGE: days` (1–3650) or `STAGE: -`; stages: {stages}.",
        "第 {line} 行应为 `阶段: 天数`(1–3650)或 `阶段: -`;阶段:{stages}。",
    ),
    "settings.label.schedule.working_days": ("Work days", "工作日"),
    "settings.label.schedule.checkin_morning": ("Morning check-in", "早间签到"),
    "settings.label.schedule.checkin_evening": ("Evening review", "晚间复盘"),
    "settings.label.schedule.quiet_start": ("Messages from", "消息开始时间"),
    "settings.label.schedule.quiet_end": ("Messages until", "消息截止时间"),
    "settings.label.away_status_words": ("Slack status meaning away", "表示不在的 Slack 状态"),
    "settings.hint.away_status_words": (
        "Emoji or words, separated by commas: messages wait while someone's status has one.",
        "表情或文字,用逗号分隔:状态中含有其一时,消息会等其回来再发。",
    ),
    "settings.error.words": (
        "Enter 1 to 30 emoji or words separated by commas, each at most 40 characters.",
        "请输入 1 到 30 个表情或词语,用逗号分隔,每个最多 40 个字符。",
    ),
    "settings.label.schedule.digest_time": ("Daily digest time", "日报时间"),
    "settings.label.schedule.weekly_digest_day": ("Weekly digest day", "周报日期"),
    "settings.label.schedule.recap_day": ("Recap day", "周复盘日期"),
    "settings.label.schedule.recap_time": ("Recap time", "周复盘时间"),
    "settings.label.loss_reasons": ("Loss reasons", "丢单原因"),
    "settings.label.win_reasons": ("Win reasons", "赢单原因"),
    "settings.hint.daily_visit_standard": ("A whole number, e.g. 4.", "整数,例如 4。"),
    "settings.hint.cadence.thresholds": (
        "Rising day counts, e.g. 30, 90, 180, 365.",
        "递增的天数,例如 30, 90, 180, 365。",
    ),
    "settings.hint.cadence.key_contact_days": (
        "Decision makers and coaches in open deals, e.g. 30.",
        "进行中商机的决策人和内线,例如 30。",
    ),
    "settings.hint.cadence.role_thresholds": (
        "One role per line, e.g. purchaser: 60, 180, 365.",
        "每行一个角色,例如 purchaser: 60, 180, 365。",
    ),
    "settings.hint.follow_up.new_lead_hours": ("e.g. 5 or 2.5", "例如 5 或 2.5"),
    "settings.hint.follow_up.min_contacts_before_lost": ("e.g. 6", "例如 6"),
    "settings.hint.follow_up.prospect_decide_visits": ("e.g. 3", "例如 3"),
    "settings.hint.schedule.working_days": ("e.g. Mon-Fri, or 周一至周六", "例如 Mon-Fri 或 周一至周六"),
    "settings.hint.schedule.checkin_morning": ("HH:MM, e.g. 08:45", "HH:MM,例如 08:45"),
    "settings.hint.schedule.checkin_evening": ("HH:MM, e.g. 18:00", "HH:MM,例如 18:00"),
    "settings.hint.schedule.quiet_start": ("No messages before this time.", "此时间之前不发消息。"),
    "settings.hint.schedule.quiet_end": ("No messages after this time.", "此时间之后不发消息。"),
    "settings.hint.schedule.digest_time": ("HH:MM, e.g. 09:00", "HH:MM,例如 09:00"),
    "settings.hint.schedule.weekly_digest_day": ("e.g. Mon or 周一", "例如 Mon 或 周一"),
    "settings.hint.schedule.recap_day": ("e.g. Fri or 周五", "例如 Fri 或 周五"),
    "settings.hint.schedule.recap_time": ("HH:MM, e.g. 16:00", "HH:MM,例如 16:00"),
    "settings.section.team": ("Your team's digests", "团队简报"),
    "settings.intro.team": (
        "Digests of *{team}*: where and when they are posted. A time left as it is follows the workspace's.",
        "*{team}* 的简报:发到哪里、何时发送。未修改的时间沿用工作区的设置。",
    ),
    "settings.label.team.digest_channel": ("Digest channel", "简报频道"),
    "settings.hint.team.digest_channel": (
        "Empty: the digest comes to the manager by DM. Invite me to a private channel first.",
        "留空:简报以私信发给经理。私有频道请先邀请我加入。",
    ),
    "settings.team.prefix": ("[{team}]", "[{team}]"),
    "settings.team.not_yours": (
        "Sorry, you can change the settings of your own team only.",
        "抱歉,你只能修改自己团队的设置。",
    ),
    "settings.team.none": (
        "No sales team found for that manager. Set one up with `/coach team @manager @rep…` first.",
        "未找到该经理的销售团队。请先用 `/coach team @经理 @销售…` 建立团队。",
    ),
    "settings.error.channel": ("Pick a channel.", "请选择一个频道。"),
    "settings.hint.loss_reasons": ("key | English | 中文", "key | English | 中文"),
    "settings.hint.win_reasons": ("key | English | 中文", "key | English | 中文"),
    "settings.error.int": ("Enter a whole number from {lo} to {hi}.", "请输入 {lo} 到 {hi} 之间的整数。"),
    "settings.error.number": ("Enter a number from {lo} to {hi}.", "请输入 {lo} 到 {hi} 之间的数字。"),
    "settings.error.days_list": (
        "Enter rising day counts from {lo} to {hi}, separated by commas, e.g. 30, 90, 180.",
        "请输入 {lo} 到 {hi} 之间递增的天数,用逗号分隔,例如 30, 90, 180。",
    ),
    "settings.error.role_line": (
        "Line {line} should read `role: 60, 180, 365` (rising day counts).",
        "第 {line} 行应为 `角色: 60, 180, 365`(递增的天数)。",
    ),
    "settings.error.time": ("Enter a time as HH:MM, e.g. 08:45.", "请按 HH:MM 输入时间,例如 08:45。"),
    "settings.error.day": ("Enter a weekday, e.g. Mon or 周一.", "请输入星期几,例如 Mon 或 周一。"),
    "settings.error.days": ("Enter weekdays, e.g. Mon-Fri or 周一至周五.", "请输入工作日,例如 Mon-Fri 或 周一至周五。"),
    "settings.error.reason_line": (
        "Line {line} should read `key | English | 中文` (key: lowercase letters, digits, _).",
        "第 {line} 行应为 `key | English | 中文`(key:小写字母、数字或 _)。",
    ),
    "settings.error.reason_twice": ("The key “{key}” is listed twice.", "“{key}”出现了两次。"),
    "settings.error.reason_long": (
        "Line {line}: a name is at most 75 characters.",
        "第 {line} 行:名称最多 75 个字符。",
    ),
    "settings.error.quiet_window": (
        "Must be later than the start of the messaging hours.",
        "必须晚于消息开始时间。",
    ),
    "settings.error.outside_quiet": (
        "Must be within messaging hours ({start}–{end}).",
        "必须在消息时间内({start}–{end})。",
    ),
    "settings.error.no_loss_reason": ("Keep at least one loss reason.", "至少保留一个丢单原因。"),
    "settings.error.unknown_key": ("There is no setting “{key}”.", "没有“{key}”这个设置。"),
    "settings.saved": (
        "Settings saved ({count:plural:# change|# changes}):",
        "设置已保存({count} 项修改):",
    ),
    "settings.unchanged": ("Nothing changed: the settings are as they were.", "没有修改,设置保持不变。"),
    "settings.history.head": (
        "Last {count:plural:# settings change|# settings changes}, newest first:",
        "最近 {count} 次设置修改(从新到旧):",
    ),
    "settings.history.empty": ("No settings have been changed yet.", "还没有修改过设置。"),
    "settings.history.cli": ("the command line", "命令行"),
}
MESSAGES.update(
    {
        "settings.label.holidays": ("Holidays", "节假日"),
        "holidays.usage": (
            "Usage: `/coach holidays` (list) · `add 2027-01-04 Company day` · `remove 2027-01-04` · "
            "`load CN 2027` (a country, or a region such as US-CA) · `load CN 2027 region` (only people whose "
            "time zone is in CN) · `load GB 2027 team @manager` (only that team); `add` and `remove` take "
            "`team @manager` or `region CN` at the end too (admins change them)",
            "用法:`/coach holidays`(列表)· `add 2027-01-04 公司假日` · `remove 2027-01-04` · "
            "`load CN 2027`(国家,或地区如 US-CA)· `load CN 2027 region`(仅时区在 CN 的人)· "
            "`load GB 2027 team @经理`(仅该团队);`add` 和 `remove` 末尾也可加 `团队 @经理` 或 `地区 CN`(管理员可修改)",
        ),
        "holidays.none": (
            "No holidays are set. Admins: `/coach holidays load CN 2027` loads a country's public holidays.",
            "还没有设置节假日。管理员可用 `/coach holidays load CN 2027` 导入一个国家的公共假日。",
        ),
        "holidays.head": (
            "{count:plural:# holiday|# holidays} ahead (no check-ins or nudges on them):",
            "接下来的 {count} 个节假日(当天不发签到和提醒):",
        ),
        "holidays.more": ("…and {count} more.", "……还有 {count} 个。"),
        "holidays.added": ("{day} is now a holiday.", "{day} 已设为节假日。"),
        "holidays.already": ("{day} was already a holiday.", "{day} 本来就是节假日。"),
        "holidays.removed": ("{day} is an ordinary day again.", "{day} 已恢复为普通日子。"),
        "holidays.not_a_holiday": ("{day} is not a holiday.", "{day} 不是节假日。"),
        "holidays.loaded": (
            "Loaded {count:plural:# public holiday|# public holidays} of {region} for {year}.",
            "已导入 {region} {year} 年的 {count} 个公共假日。",
        ),
        "holidays.loaded_already": (
            "{count:plural:# day was|# days were} holidays already and kept.",
            "其中 {count} 天原本就是节假日,保持不变。",
        ),
        "holidays.error.date": (
            "I couldn't read “{text}” as a date: write it as 2027-01-04.",
            "无法识别日期“{text}”,请写成 2027-01-04。",
        ),
        "holidays.error.region_country": (
            "A region's holidays are matched by people's time zone, which names a country only: "
            "load “{region}” for a team instead (`team @manager`).",
            "按地区的假日依据个人时区匹配,而时区只对应国家:请改为给团队导入“{region}”(`team @经理`)。",
        ),
        "holidays.scope.region": ("only {region}", "仅 {region}"),
        "holidays.scope.team": ("only {team}", "仅 {team}"),
        "holidays.error.region": (
            "“{region}” is not a country or region I know holidays for: try CN, US-CA or DE-BY, and a year.",
            "不认识“{region}”这个国家或地区的假日:试试 CN、US-CA 或 DE-BY,以及年份。",
        ),
    }
)
MESSAGES.update(
    {
        "why.away.dnd": (
            "Slack shows you in do-not-disturb: scheduled messages wait and come as one when you're back "
            "(those whose time has passed are dropped).",
            "Slack 显示你开启了勿扰模式:定时消息会等你回来后合并发送一次(已过时的不再发送)。",
        ),
        "why.away.status": (
            "Your Slack status “{status}” says you're away: scheduled messages wait and come as one when "
            "you're back (those whose time has passed are dropped).",
            "你的 Slack 状态“{status}”表示你不在:定时消息会等你回来后合并发送一次(已过时的不再发送)。",
        ),
    }
)
