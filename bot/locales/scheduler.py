"""Strings of the scheduler: check-ins, nudges, decay and stale-deal warnings, `/checkin`, `/coach why`."""

MESSAGES: dict[str, tuple[str, str]] = {
    # ----- job health ---------------------------------------------------------------------------
    "sched.alert": (
        ":warning: The scheduled job `{job}` has failed {failures:plural:# time|# times} in a row, so some "
        "check-ins or "
        "reminders may not be going out. Last error: {error}",
        ":warning: 定时任务 `{job}` 已连续失败 {failures} 次,部分打卡或提醒可能没有发出。最近的错误:{error}",
    ),
    "sched.alert.summary": ("Job {job} keeps failing", "任务 {job} 连续失败"),
    "sched.alert.undelivered": (
        ":warning: The scheduled job `{job}` could not deliver {count:plural:# message|# messages} in its "
        "last {runs:plural:# run|# runs} (Slack: {error}). They are tried again on every run for "
        "{days:plural:# day|# days}.",
        ":warning: 定时任务 `{job}` 最近 {runs} 次运行中有 {count} 条消息未能送达(Slack:{error})。"
        "之后每次运行都会重试,最多 {days} 天。",
    ),
    "sched.alert.undelivered.summary": ("Job {job} could not deliver", "任务 {job} 有消息未送达"),
    # ----- check-in prompts -------------------------------------------------------------------
    "checkin.morning.header": ("Plan your day · {day}", "今日计划 · {day}"),
    "checkin.morning.text": ("Good morning! Time to plan {day}.", "早上好!来制定 {day} 的计划吧。"),
    "checkin.morning.body": (
        "Up to 7 things for today: key projects, routine work, ad hoc tasks, and the visits you plan. "
        "It takes a minute.",
        "今天最多 7 件事:重点项目、日常项目、临时工作,以及计划拜访的客户。一分钟就好。",
    ),
    "checkin.morning.due": (
        "Already due today: {count:plural:# follow-up|# follow-ups}. They are in the form.",
        "今天已有 {count} 项待跟进,已放进表单。",
    ),
    "checkin.morning.button": ("Plan my day", "制定计划"),
    "checkin.morning.summary": ("Morning plan prompt for {day}", "{day} 的早间计划提醒"),
    "checkin.evening.header": ("Review your day · {day}", "今日复盘 · {day}"),
    "checkin.evening.text": ("How did {day} go? Time for a short review.", "{day} 过得怎么样?花一分钟复盘一下。"),
    "checkin.evening.body": (
        "You planned {planned:plural:# item|# items} and logged {visits:plural:# visit|# visits} today. What "
        "was done, what was not, "
        "what got in the way, and what you will do about it.",
        "今天计划了 {planned} 件事,记录了 {visits} 次拜访。做了什么、没做什么、遇到什么问题、怎么解决。",
    ),
    "checkin.evening.button": ("Review my day", "开始复盘"),
    "checkin.evening.summary": ("Evening review prompt for {day}", "{day} 的晚间复盘提醒"),
    # ----- the plan form ------------------------------------------------------------------------
    "checkin.plan.title": ("Today's plan", "今日计划"),
    "checkin.plan.intro": (
        "{day} · up to {max} items, one per line. Suggestions from what is due today are filled in: keep, "
        "change or delete them.",
        "{day} · 最多 {max} 项,每行一项。已根据今天到期的事项预填,可保留、修改或删除。",
    ),
    "checkin.tag.key": ("Key projects", "重点项目"),
    "checkin.tag.routine": ("Routine", "日常项目"),
    "checkin.tag.adhoc": ("Ad hoc", "临时工作"),
    "checkin.plan.placeholder.key": ("e.g. Ricoh: demo to the decision maker", "例如:理光 向决策人演示"),
    "checkin.plan.placeholder.routine": ("e.g. send the quote to Haier", "例如:给海尔发报价"),
    "checkin.plan.placeholder.adhoc": ("e.g. help with the trade-show booth", "例如:协助展会布展"),
    "checkin.plan.visits": ("Planned visits", "计划拜访"),
    "checkin.plan.visits_placeholder": ("Choose accounts", "选择客户"),
    "checkin.plan.other_visits": ("Other visits (one per line)", "其他拜访(每行一个)"),
    "checkin.plan.other_placeholder": ("e.g. Haier (new contact)", "例如:海尔(新联系人)"),
    "checkin.plan.too_many": (
        "That is {count:plural:# item|# items}; keep it to {max}: the most important ones.",
        "共 {count} 项,请保留最重要的 {max} 项。",
    ),
    "checkin.plan.saved": (
        "Plan saved for {day}: {items:plural:# item|# items}, {visits:plural:# planned visit|# planned "
        "visits}. Have a good day!",
        "已保存 {day} 的计划:{items} 项,计划拜访 {visits} 个。祝今天顺利!",
    ),
    "checkin.suggest.stale": (
        "Move {deal} ({account}) forward: {days:plural:# day|# days} in its stage",
        "推进 {deal}({account}):已在当前阶段 {days} 天",
    ),
    "checkin.suggest.cooling": ("Meet {contact} ({account})", "拜访 {contact}({account})"),
    "checkin.suggest.note": (
        "Due today: {follow_ups:plural:# follow-up|# follow-ups}, {contacts:plural:# relationship|# "
        "relationships} cooling, {deals:plural:# stale deal|# stale deals}.",
        "今日到期:{follow_ups} 项跟进,{contacts} 个关系在变淡,{deals} 个停滞商机。",
    ),
    # ----- the review form ----------------------------------------------------------------------
    "checkin.review.title": ("Today's review", "今日复盘"),
    "checkin.review.intro": (
        "{day} · your plan beside what you logged. Short answers are fine.",
        "{day} · 计划与实际记录对照。简短回答即可。",
    ),
    "checkin.review.plan": ("Planned", "计划"),
    "checkin.review.logged": (
        "Logged today: {count:plural:# visit|# visits} (standard {standard})",
        "今日记录:{count} 次拜访(标准 {standard})",
    ),
    "checkin.suggest.carried": (
        "Carried over from {day}: {count:plural:# item|# items} you had not done. Keep them, or delete the lines.",
        "从 {day} 顺延:{count} 项未完成的计划。可保留,也可删除这些行。",
    ),
    "checkin.review.done_items": ("Done from the plan", "计划完成情况"),
    "checkin.review.done_items.hint": (
        "Ticked from what you logged today. Tick or untick to correct; what stays unticked moves to tomorrow's plan.",
        "已根据今天的记录勾选。可勾选或取消以更正;未勾选的项目会顺延到明天的计划。",
    ),
    "checkin.review.entry_done": ("done", "已完成"),
    "checkin.review.entry_missed": ("missed", "未完成"),
    "checkin.review.outcome": (
        "From the plan: {done} done, {missed} missed (carried to your next plan).",
        "计划:完成 {done} 项,未完成 {missed} 项(已顺延到下一次计划)。",
    ),
    "checkin.review.visit_planned": ("Visit {name}", "拜访 {name}"),
    "checkin.review.no_plan": ("No plan was saved this morning.", "今天早上没有保存计划。"),
    "checkin.review.no_visits": ("No visits logged yet.", "还没有记录拜访。"),
    "checkin.review.done_text": ("Done today (with numbers)", "今日完成(量化)"),
    "checkin.review.done_text.hint": ("e.g. 4 visits, 2 quotes sent", "例如:拜访 4 家,发出 2 份报价"),
    "checkin.review.not_finished": ("Not finished", "没有完成的"),
    "checkin.review.not_finished.hint": ("What you started and did not finish", "开始了但没做完的"),
    "checkin.review.not_done_well": ("Not done well", "没有做好的"),
    "checkin.review.not_done_well.hint": ("What you would do better", "可以做得更好的"),
    "checkin.review.not_done": ("Not done", "没有做的"),
    "checkin.review.not_done.hint": ("What you planned and did not do", "计划了但没有做的"),
    "checkin.review.went_well": ("Finished and done well", "完成且做好的"),
    "checkin.review.went_well.hint": ("What worked", "做得好的地方"),
    "checkin.review.problems": ("Problems and risks met", "遇到的问题与风险"),
    "checkin.review.problems.hint": ("What got in the way", "遇到了什么阻碍"),
    "checkin.review.countermeasures": ("Countermeasures", "解决对策"),
    "checkin.review.countermeasures.hint": ("What you will do about it", "打算怎么解决"),
    "checkin.review.saved": (
        "Review saved for {day}. Streak: {streak:plural:# working day|# working days} in a row.",
        "已保存 {day} 的复盘。已连续 {streak} 个工作日完成复盘。",
    ),
    "checkin.plan.answered": (
        "Plan saved: {items:plural:# item|# items}, {visits:plural:# visit|# visits}.",
        "计划已保存:{items} 项,拜访 {visits} 个。",
    ),
    "checkin.review.answered": ("Review saved. Streak: {streak}.", "复盘已保存。连续 {streak} 天。"),
    # ----- /checkin -----------------------------------------------------------------------------
    "checkin.help": (
        "*Daily check-in*\n"
        "• `/checkin`: open today's form (the plan in the morning, the review later)\n"
        "• `/checkin plan` or `/checkin review`: open that form\n"
        "• `/checkin off until 2026-12-05`: pause every reminder until then (inclusive)\n"
        "• `/checkin back`: end time off early\n"
        "• `/checkin time 08:30 18:00`: your own check-in times\n"
        "• `/checkin quiet 09:00 19:00`: your allowed hours (nothing outside them)\n"
        "• `/coach why`: what was sent to you, what was held back and why",
        "*每日打卡*\n"
        "• `/checkin`:打开今天的表单(早上是计划,之后是复盘)\n"
        "• `/checkin 计划` 或 `/checkin 复盘`:打开对应表单\n"
        "• `/checkin 休假到 12月5日`:暂停所有提醒直到该日(含当天)\n"
        "• `/checkin 回来了`:提前结束休假\n"
        "• `/checkin 时间 08:30 18:00`:设置自己的打卡时间\n"
        "• `/checkin 免打扰 09:00 19:00`:只在这个时间段内提醒\n"
        "• `/coach why`:查看发给你的消息、被暂缓的消息及原因",
    ),
    "checkin.off.done": (
        "Time off saved: no check-ins or reminders from {start} through {end}. Welcome back on {back}.",
        "已设置休假:{start} 至 {end}(含)不发送打卡和提醒。{back} 见。",
    ),
    "checkin.off.bad_date": (
        "I couldn't read the end date. Try `/checkin off until 2026-12-05` or `/checkin 休假到 12月5日`.",
        "没有识别出结束日期。试试 `/checkin off until 2026-12-05` 或 `/checkin 休假到 12月5日`。",
    ),
    "checkin.off.out_of_range": (
        "The end date must be between today and a year from now.",
        "结束日期需在今天到一年之内。",
    ),
    "checkin.on.done": ("Welcome back! Check-ins and reminders are on again.", "欢迎回来!打卡和提醒已恢复。"),
    "checkin.on.none": ("You have no time off set; everything is on.", "你没有设置休假,一切照常。"),
    "checkin.times.usage": (
        "Usage: `/checkin time 08:45 18:00` (morning and evening, your local time).",
        "用法:`/checkin 时间 08:45 18:00`(早上和晚上,本地时间)。",
    ),
    "checkin.times.done": (
        "Your check-ins now come at {morning} and {evening}.",
        "你的打卡时间已设为 {morning} 和 {evening}。",
    ),
    "checkin.quiet.usage": (
        "Usage: `/checkin quiet 08:00 20:00`: reminders only between these times.",
        "用法:`/checkin 免打扰 08:00 20:00`:只在这两个时间之间提醒。",
    ),
    "checkin.quiet.done": (
        "Reminders now only between {start} and {end} (your local time).",
        "提醒时间已设为 {start} 至 {end}(本地时间)。",
    ),
    # ----- follow-up nudges ---------------------------------------------------------------------
    "nudge.header": ("Follow-ups due · {day}", "待跟进 · {day}"),
    "nudge.title": ("{count:plural:# follow-up|# follow-ups} overdue or due now.", "有 {count} 项跟进已到期。"),
    "nudge.summary": ("{count:plural:# overdue follow-up|# overdue follow-ups}", "{count} 项到期跟进"),
    "nudge.due_late": ("due {day} · {days:plural:# day|# days} late", "{day} 到期 · 已逾期 {days} 天"),
    "nudge.due_today": ("due today {time}", "今天 {time} 到期"),
    "nudge.more": ("…and {count} more.", "……还有 {count} 项。"),
    "nudge.done": ("Done", "完成"),
    "nudge.snooze": ("Snooze", "稍后提醒"),
    "nudge.snooze.1d": ("1 day", "1 天后"),
    "nudge.snooze.3d": ("3 days", "3 天后"),
    "nudge.snooze.week": ("Next week", "下周"),
    "nudge.log_visit": ("Log visit", "记录拜访"),
    "nudge.status.done": (":white_check_mark: done", ":white_check_mark: 已完成"),
    "nudge.status.cancelled": ("cancelled", "已取消"),
    "nudge.status.snoozed": (":zzz: snoozed until {day}", ":zzz: 推迟到 {day}"),
    "nudge.kind.new_lead": (
        "First contact with new lead {account} (due within {hours:plural:# hour|# hours})",
        "新线索 {account} 首次联系({hours} 小时内)",
    ),
    "nudge.kind.prospect_decide": (
        "Decide on {account}: {contacts:plural:# contact|# contacts} so far, qualify it (open a deal) or drop it",
        "对 {account} 做判断:已联系 {contacts} 次,转为商机或放弃",
    ),
    "nudge.kind.plan_visit": ("Plan a visit with {contact} ({account})", "安排拜访 {contact}({account})"),
    # ----- relationship decay -----------------------------------------------------------------
    "decay.header": ("Relationships cooling · {day}", "关系在变淡 · {day}"),
    "decay.title": (
        ":warning: {count:plural:# relationship is|# relationships are} cooling: not met face to face within "
        "their cadence. Meeting cadence decides closeness; these just passed a threshold:",
        ":warning: 有 {count} 个关系在变淡:超过了应有的见面周期。见面的频度决定关系的亲疏;以下几位刚越过提醒线:",
    ),
    "decay.summary": ("{count:plural:# relationship|# relationships} cooling", "{count} 个关系在变淡"),
    "decay.line": (
        "*{contact}* ({account}): {days:plural:# day|# days} since you last met · {meaning}",
        "*{contact}*({account}):已 {days} 天没见面 · {meaning}",
    ),
    "decay.rung.month": (
        "over a month without a meeting: the relationship has stopped growing, meet soon",
        "超过一个月没见面:关系已停止增长,请尽快见面",
    ),
    "decay.rung.holding": (
        "over a quarter without a meeting: it barely holds, meet soon",
        "超过一个季度没见面:关系勉强维持,请尽快见面",
    ),
    "decay.rung.cooling": ("six months: the relationship is cooling", "半年:关系在变淡"),
    "decay.rung.gone": ("a year: there is no relationship left", "一年:关系已不复存在"),
    "decay.key": ("key contact in an open deal", "在谈商机的关键人"),
    "decay.role.decision_maker": ("decision maker", "决策人"),
    "decay.role.influencer": ("influencer", "影响者"),
    "decay.role.user": ("user", "使用者"),
    "decay.role.purchaser": ("purchaser", "采购"),
    "decay.role.coach": ("coach", "教练"),
    "decay.plan_visit": ("Plan a visit", "安排拜访"),
    "decay.more": (
        "…and {count} more: they come in the next days' messages, a few at a time.",
        "……还有 {count} 位,会在接下来几天的提醒中陆续列出。",
    ),
    "decay.planned": (
        "Added a follow-up: plan a visit with {what}, due {day}.",
        "已添加跟进:安排拜访 {what},{day} 到期。",
    ),
    # ----- stale deals --------------------------------------------------------------------------
    "stale.header": ("Stale deals · {day}", "停滞商机 · {day}"),
    "stale.title": (
        "{count:plural:# deal has|# deals have} been in their stage longer than its limit.",
        "有 {count} 个商机在当前阶段停留超过上限。",
    ),
    "stale.summary": ("{count:plural:# stale deal|# stale deals}", "{count} 个停滞商机"),
    "stale.line": (
        "*{deal}* ({account}): {days:plural:# day|# days} in {stage} (limit {max})",
        "*{deal}*({account}):在「{stage}」已 {days} 天(上限 {max} 天)",
    ),
    "stale.next_step": ("Plan next step", "安排下一步"),
    "stale.next_step_text": ("Next step to move {deal} forward", "推进 {deal} 的下一步"),
    "stale.planned": ("Added a follow-up: {what}, due {day}.", "已添加跟进:{what},{day} 到期。"),
    # ----- /coach why ---------------------------------------------------------------------------
    "why.title": ("What I send you, and why", "我给你发了什么,为什么"),
    "why.rules": (
        "Your time zone is {tz} (now {now}). I only message you between {start} and {end}, on {days}. "
        "Check-ins at {morning} and {evening}.",
        "你的时区是 {tz}(现在 {now})。我只在 {days} 的 {start} 到 {end} 之间给你发消息。"
        "打卡时间为 {morning} 和 {evening}。",
    ),
    "why.time_off": ("Time off: {start} to {end}: everything is paused.", "休假:{start} 至 {end},所有提醒暂停。"),
    "why.off.time_off": ("Today you are on time off.", "你今天在休假。"),
    "why.off.holiday": ("Today is a holiday: {name}.", "今天是假日:{name}。"),
    "why.off.weekend": ("Today is not one of your working days.", "今天不是你的工作日。"),
    "why.today": ("*Today*", "*今天*"),
    "why.job.checkin-morning": ("Morning plan", "早间计划"),
    "why.job.checkin-evening": ("Evening review", "晚间复盘"),
    "why.job.followup-nudges": ("Follow-up reminder", "跟进提醒"),
    "why.job.relationship-decay": ("Cooling relationships", "关系变淡提醒"),
    "why.job.stale-deals": ("Stale deals", "停滞商机提醒"),
    "why.state.sent": ("sent at {time}", "已于 {time} 发送"),
    "why.state.held": ("held back: {reason}", "已暂缓:{reason}"),
    "why.state.pending": ("being sent (last try failed: {error})", "发送中(上次失败:{error})"),
    "why.state.off": ("not sent today: {reason}", "今天不发送:{reason}"),
    "why.state.later": ("due at {time}", "{time} 发送"),
    "why.state.closed": (
        "nothing today (only one a day; the window closed at {time})",
        "今天不再发送(每天最多一条,{time} 后不发)",
    ),
    "why.state.open": (
        "nothing to report yet (it goes out once, as soon as there is something)",
        "暂时没有需要提醒的(有内容时发送一次)",
    ),
    "why.reason.time_off": ("you are on time off", "你在休假"),
    "why.reason.holiday": ("a workspace holiday", "公司假日"),
    "why.reason.weekend": ("not a working day", "非工作日"),
    "why.history": ("*Last 7 days*", "*最近 7 天*"),
    "why.no_history": ("Nothing was sent to you in the last 7 days.", "最近 7 天没有给你发过消息。"),
    "why.line.sent": ("• {day} · {job}: sent ({summary})", "• {day} · {job}:已发送({summary})"),
    "why.line.held": ("• {day} · {job}: held back, {reason} ({summary})", "• {day} · {job}:已暂缓,{reason}({summary})"),
    "why.line.failed": ("• {day} · {job}: not delivered yet ({error})", "• {day} · {job}:尚未送达({error})"),
}
