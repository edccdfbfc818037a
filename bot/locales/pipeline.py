"""Strings of `/pipeline` and the App Home tab."""

MESSAGES: dict[str, tuple[str, str]] = {
    # /pipeline
    "pipeline.usage": (
        "*/pipeline*: your open deals by stage and the weighted forecast.\n"
        "• `/pipeline`: your pipeline\n"
        "• `/pipeline @rep`: a rep's pipeline (managers and admins)\n"
        "• `/pipeline team`: your team's pipeline and conversion (managers and admins)",
        "*/pipeline*:按阶段查看进行中的商机和加权预测。\n"
        "• `/pipeline`:我的销售漏斗\n"
        "• `/pipeline @销售`:某位销售的漏斗(经理和管理员)\n"
        "• `/pipeline 团队`:团队的漏斗和转化率(经理和管理员)",
    ),
    "pipeline.not_yours": (
        "Sorry, you can see only your own pipeline; managers and admins can see their team's. "
        "Try `/pipeline` on its own.",
        "抱歉,你只能查看自己的销售漏斗;经理和管理员可以查看团队的。试试只输入 `/pipeline`。",
    ),
    "pipeline.unknown_person": (
        "I don't know <@{user}> yet: they haven't used Pipeline Coach.",
        "还不认识 <@{user}>:对方还没有使用过 Pipeline Coach。",
    ),
    "pipeline.heading.mine": ("Your pipeline", "我的销售漏斗"),
    "pipeline.heading.person": ("{name}'s pipeline", "{name} 的销售漏斗"),
    "pipeline.heading.team": ("Team pipeline ({people:plural:# person|# people})", "团队销售漏斗({people} 人)"),
    "pipeline.heading.workspace": (
        "Workspace pipeline ({people:plural:# person|# people})",
        "全公司销售漏斗({people} 人)",
    ),
    "pipeline.summary": (
        "Open deals: *{deals}* · {amount} · weighted *{weighted}*",
        "进行中的商机:*{deals}* 个 · {amount} · 加权 *{weighted}*",
    ),
    "pipeline.empty": (
        "No open deals yet. Create one with `/deal new <account> <title> <amount>`.",
        "还没有进行中的商机。用 `/deal 新建 <客户> <项目> <金额>` 创建一个。",
    ),
    "pipeline.stage_line": (
        "*{stage}* — {deals} · {amount} · weighted {weighted}",
        "*{stage}* — {deals} 个 · {amount} · 加权 {weighted}",
    ),
    "pipeline.deal_line": ("• {account} — {title} · {amount}{close}", "• {account} — {title} · {amount}{close}"),
    "pipeline.close": (" · close {day}", " · 预计 {day} 成交"),
    "pipeline.more": ("…and {count} more", "……还有 {count} 个"),
    "pipeline.empty_stages": ("No open deals in: {stages}", "暂无商机的阶段:{stages}"),
    "pipeline.forecast.title": (
        "*Weighted forecast by expected close month*",
        "*按预计成交月份的加权预测*",
    ),
    "pipeline.forecast.line": (
        "{month}: {deals} open · {amount} · weighted *{weighted}*",
        "{month}:{deals} 个 · {amount} · 加权 *{weighted}*",
    ),
    "pipeline.forecast.slipped": ("{month} (date passed)", "{month}(已过期)"),
    "pipeline.forecast.no_date": ("No close date", "未定成交日期"),
    "pipeline.forecast.none": ("No open deals to forecast.", "没有可预测的进行中商机。"),
    "pipeline.note": (
        "Amounts in {currency}. Weighted = amount × the stage's win probability.",
        "金额单位 {currency}。加权 = 金额 × 阶段赢单概率。",
    ),
    "pipeline.won": ("Won", "赢单"),
    "pipeline.conversion.title": ("*Conversion, last {days} days*", "*近 {days} 天的阶段转化率*"),
    "pipeline.conversion.step": ("{step}: *{rate}* ({count})", "{step}：*{rate}*（{count}）"),
    "pipeline.conversion.decided": (" · decided only {rate}", " · 仅已定结果 {rate}"),
    "pipeline.conversion.median": (" · median {days} days in stage", " · 阶段停留中位数 {days} 天"),
    "pipeline.conversion.vs_team": (
        "{step}: *{rate}* ({count}) · team {team}",
        "{step}:*{rate}*({count})· 团队 {team}",
    ),
    "pipeline.conversion.none": ("No stage moves in this period yet.", "这段时间还没有阶段推进记录。"),
    "pipeline.conversion.small_sample": (
        "Small sample: {closed:plural:# deal|# deals} closed in this period; rates settle after about {threshold}.",
        "样本较少:这段时间只关闭了 {closed} 个商机,转化率通常要约 {threshold} 个后才稳定。",
    ),
    "pipeline.conversion.weakest": (
        "Weakest step: *{step}*, {count} ({rate}) against the team's {team}.",
        "最薄弱的环节:*{step}*,{count}({rate}),团队为 {team}。",
    ),
    "pipeline.conversion.weakest_few": (
        " Few deals there: read it as a hint, not a verdict.",
        "该环节商机较少:仅供参考,不是定论。",
    ),
    "pipeline.conversion.no_weakest": (
        "At or above the team at every step with enough deals to tell.",
        "在样本足够的各个环节都不低于团队水平。",
    ),
    "pipeline.reps.title": ("*By rep*", "*按销售*"),
    "pipeline.rep_line": (
        "*{name}* — {deals} open · {amount} · weighted {weighted}",
        "*{name}* — {deals} 个进行中 · {amount} · 加权 {weighted}",
    ),
    "pipeline.rep_weakest": (" · weakest {step} {count} (team {team})", " · 最薄弱 {step} {count}(团队 {team})"),
    "pipeline.rep_small": (" · small sample", " · 样本少"),
    "pipeline.someone": ("(unnamed)", "(未命名)"),
    # App Home
    "home.title.me": ("My day — {day}", "我的一天 — {day}"),
    "home.title.team": ("My team — {day}", "我的团队 — {day}"),
    "home.checkin.off": ("You're off today. Enjoy it!", "今天休假,好好休息!"),
    "home.checkin.plan_done": ("Morning plan: done ✅", "晨间计划:已完成 ✅"),
    "home.checkin.plan_missing": ("Morning plan: not yet", "晨间计划:尚未填写"),
    "home.checkin.review_done": ("Evening review: done ✅", "晚间复盘:已完成 ✅"),
    "home.checkin.review_missing": ("Evening review: not yet", "晚间复盘:尚未填写"),
    "home.followups.title": (
        "*Follow-ups*: {overdue} overdue · {today} due today",
        "*待跟进*:{overdue} 项逾期 · 今天到期 {today} 项",
    ),
    "home.followups.none": ("Nothing overdue or due today.", "没有逾期或今天到期的跟进。"),
    "home.followups.overdue": ("• ⚠️ {text} — was due {when}", "• ⚠️ {text} — 原定 {when}"),
    "home.followups.today": ("• {text} — due {when}", "• {text} — {when} 到期"),
    "home.cooling.title": ("*Cooling relationships* ({count})", "*关系正在变淡*({count})"),
    "home.cooling.title_team": ("*Cooling relationships in the team* ({count})", "*团队中正在变淡的关系*({count})"),
    "home.cooling.none": ("No relationship is cooling.", "没有正在变淡的关系。"),
    "home.welcome": (
        ":wave: *Welcome to Pipeline Coach.* No deals yet, so here is where to start:\n"
        "1. Log your next customer contact in one line: `/visit Ricoh in person: needs; next: proposal by Fri`\n"
        '2. Put the opportunity in the funnel: `/deal new Ricoh "A3 copiers" 120k close Dec`\n'
        "3. Each working morning a plan DM comes (08:45) and each evening a review (18:00); "
        "`/checkin` opens today's now.\n"
        "Your conversion against the team appears here once you have deals. `/coach help` lists everything.",
        ":wave: *欢迎使用 Pipeline Coach。*你还没有商机,可以从这里开始:\n"
        "1. 用一行字记录下一次客户拜访:`/visit 理光 面谈 确认需求 下一步: 周五前发方案`\n"
        "2. 把商机放进漏斗:`/deal 新建 理光 复印机项目 12万`\n"
        "3. 每个工作日早上 08:45 会收到计划提醒,晚上 18:00 收到复盘提醒;`/checkin` 现在就能打开今天的表单。\n"
        "有了商机后,这里会显示你和团队的转化率对比。`/coach help` 列出全部命令。",
    ),
    "home.cooling.line": (
        "• {name} ({account}) — {key}last met {days:plural:# day|# days} ago",
        "• {name}({account})— {key}{days} 天未见面",
    ),
    "home.cooling.never": (
        "• {name} ({account}) — {key}never met face to face",
        "• {name}({account})— {key}从未当面见过",
    ),
    "home.cooling.key": ("key contact in an open deal, ", "进行中商机的关键联系人,"),
    "home.pipeline.title": ("My pipeline", "我的销售漏斗"),
    "home.pipeline.team_title": ("Team pipeline", "团队销售漏斗"),
    "home.stale.title": ("*Stale deals* ({count})", "*停滞的商机*({count})"),
    "home.stale.none": ("No deal is past its stage's time limit.", "没有超过阶段时限的商机。"),
    "home.stale.line": (
        "• {account} — {title}: {days:plural:# day|# days} in {stage} ({over:plural:# day|# days} over){owner}",
        "• {account} — {title}:在{stage}已 {days} 天(超出 {over} 天){owner}",
    ),
    "home.conversion.title": ("My conversion vs the team", "我的转化率 vs 团队"),
    "home.conversion.team_title": ("Conversion by rep", "各销售的转化率"),
    "home.switch.me": ("My view", "我的视图"),
    "home.switch.team": ("Team view", "团队视图"),
    "home.updated": ("Updated {when}", "更新于 {when}"),
}
