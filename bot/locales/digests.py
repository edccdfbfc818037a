"""Strings of teams, targets, 5+5+5 tiers and the manager digests (issue 6)."""

MESSAGES: dict[str, tuple[str, str]] = {
    # ----- teams -------------------------------------------------------------------------------
    "teams.usage": (
        "*Teams*\n"
        "• `/coach team`: show the teams\n"
        "• `/coach team @manager @rep @rep …`: these reps report to the manager (admins)\n"
        "• `/coach team @manager @user-group`: the team is that Slack user group (admins)\n"
        "• `/coach team @manager #channel`: post that team's digests in the channel\n"
        "• `/coach team channel #channel`: post your own team's digests there (managers)\n"
        "• `/coach team name East China`: name your team\n"
        "• `/coach team remove @rep …`: they no longer report to anyone (admins)",
        "*团队*\n"
        "• `/coach team`:查看团队\n"
        "• `/coach team @经理 @销售 @销售 …`:这些销售由该经理管理(管理员)\n"
        "• `/coach team @经理 @用户组`:团队成员即该 Slack 用户组(管理员)\n"
        "• `/coach team @经理 #频道`:该团队的简报发到这个频道\n"
        "• `/coach team channel #频道`:自己团队的简报发到这里(经理)\n"
        "• `/coach team name 华东组`:给团队命名\n"
        "• `/coach team remove @销售 …`:不再归属任何经理(管理员)",
    ),
    "teams.loop": (
        "Someone cannot manage themselves, or a person above them. Nothing was changed.",
        "一个人不能管理自己,也不能管理自己的上级。没有做任何修改。",
    ),
    "teams.no_team": (
        "No team found: nobody reports to that manager yet. An admin can add reps with `/coach team @manager @rep`.",
        "没有找到团队:还没有人归属这位经理。管理员可以用 `/coach team @经理 @销售` 添加成员。",
    ),
    "teams.none": ("There are no teams yet.", "还没有团队。"),
    "teams.line": (
        "*{name}*: manager {manager}, {count:plural:# rep|# reps}",
        "*{name}*:经理 {manager},{count} 名成员",
    ),
    "teams.channel": ("digests in <#{channel}>", "简报发到 <#{channel}>"),
    "teams.no_channel": (
        "no digest channel yet (digests go to the manager by DM)",
        "尚未设置简报频道(简报私信发给经理)",
    ),
    "teams.usergroup": ("defined by user group `{group}`", "由用户组 `{group}` 定义"),
    "teams.members": ("Members: {names}", "成员:{names}"),
    "teams.no_members": ("No members yet.", "还没有成员。"),
    "teams.removed": ("Removed from their team: {users}", "已从团队移除:{users}"),
    "teams.removed_none": ("None of them was in a team.", "他们都不在任何团队中。"),
    "teams.usergroup_failed": (
        "I couldn't read that user group from Slack ({error}). Nothing was changed.",
        "无法从 Slack 读取该用户组({error})。没有做任何修改。",
    ),
    "teams.saved": ("Saved.", "已保存。"),
    # ----- targets -----------------------------------------------------------------------------
    "digests.target.usage": (
        "Usage: `/coach target @rep 500k Q1` (amount: 500k, 1.2M, 50万; period: Q1, H2, 2027, "
        "2027-03, Mar). `/coach target @rep` or `/coach target` shows targets.",
        "用法:`/coach target @销售 50万 Q1`(金额:500k、1.2M、50万;期间:Q1、H2、2027、2027-03、3月)。"
        "`/coach target @销售` 或 `/coach target` 查看目标。",
    ),
    "digests.target.saved": (
        "Target for {name}, {period} ({start} – {end}): *{amount}*.",
        "{name} 的目标,{period}({start} – {end}):*{amount}*。",
    ),
    "digests.target.none": ("No current or future targets.", "没有当前或今后的目标。"),
    "digests.target.line": ("• {name}: {period}: *{amount}*", "• {name}：{period}：*{amount}*"),
    "digests.target.header": ("*Targets*", "*销售目标*"),
    # ----- tiers -------------------------------------------------------------------------------
    "digests.tier.usage": (
        "Usage: `/coach tier Ricoh grow 200k`. Slots (5 accounts each): `big` / `grow` (a lot of "
        "business, below potential), `some` / `develop` (some business, below potential), `none` / "
        "`new` (no business yet, large potential); `clear` takes an account out. The amount (optional) "
        "is the business you expect from it this year. `/coach tier` shows your 5+5+5; "
        "`/coach tier @rep` a rep's (managers).",
        "用法:`/coach tier 理光 扩大 20万`。分层(每层 5 个客户):`大`/`扩大`(生意多但未达潜力)、"
        "`中`/`发展`(有一些生意,未达潜力)、`新`/`开拓`(暂无生意但潜力大);`清除` 把客户移出分层。"
        "金额(可选)是今年期望从该客户获得的生意。`/coach tier` 查看自己的 5+5+5;`/coach tier @销售` "
        "查看某位销售的(经理)。",
    ),
    "digests.tier.saved": (
        "*{account}* is now in your *{tier}* slot{expected}.",
        "*{account}* 已放入 *{tier}* 分层{expected}。",
    ),
    "digests.tier.expected": (", expecting {amount} this year", ",今年期望 {amount}"),
    "digests.tier.cleared": ("*{account}* is out of the 5+5+5.", "*{account}* 已移出 5+5+5 分层。"),
    "digests.tier.full": (
        "The “{tier}” slot already has 5 accounts. The 5+5+5 rotates: take one out first with "
        "`/coach tier <account> clear`.",
        "“{tier}”这一层已经有 5 个客户。5+5+5 是轮换的:请先用 `/coach tier <客户> 清除` 移出一个。",
    ),
    "digests.tier.full_names": ("Currently: {names}", "目前:{names}"),
    "digests.tier.no_owner": (
        "That account has no owner yet, so it cannot be in anyone's 5+5+5.",
        "该客户还没有负责人,无法放入任何人的 5+5+5。",
    ),
    "digests.tier.not_found": (
        "I couldn't find an account called “{text}” among yours.",
        "在你的客户中没有找到“{text}”。",
    ),
    "digests.tier.which": (
        "Several accounts match “{text}”: {names}. Type the full name.",
        "有多个客户与“{text}”匹配:{names}。请输入完整名称。",
    ),
    "digests.tier.big": ("a lot of business", "大客户(扩大)"),
    "digests.tier.some": ("some business", "有生意(发展)"),
    "digests.tier.none": ("no business yet", "无生意(开拓)"),
    "digests.tier.hint": (
        "Change a slot with `/coach tier <account> big|some|none [expected amount]`.",
        "用 `/coach tier <客户> 大|中|新 [期望金额]` 调整分层。",
    ),
    # ----- shared ------------------------------------------------------------------------------
    "digests.overflow": (
        "The rest of this digest is in the thread below.",
        "简报的其余部分在下方话题中。",
    ),
    "digests.channel_refused": (
        "I couldn't post your team's digest in <#{channel}> (Slack said `{error}`), so here it is. "
        "Invite me there with `/invite @Pipeline Coach`, or choose another channel with "
        "`/coach team channel #channel`.",
        "无法在 <#{channel}> 发布团队简报(Slack 返回 `{error}`),所以发到这里。请在该频道用 "
        "`/invite @Pipeline Coach` 邀请我,或用 `/coach team channel #频道` 换一个频道。",
    ),
    "digests.no_reps": ("Nobody reports to this manager yet.", "这位经理名下还没有成员。"),
    "digests.currency": ("amounts in {currency}", "金额单位 {currency}"),
    "digests.won": ("won", "赢单"),
    "digests.sep": ("; ", "；"),
    "digests.not_for_reps": (
        "Team digests are for managers and admins. Your own figures are in App Home.",
        "团队简报仅供经理和管理员查看。你自己的数据在 App 主页。",
    ),
    "digests.preview.usage": (
        "Usage: `/coach digest daily|weekly|recap|tier` (admins: add `@manager` for their team).",
        "用法:`/coach digest daily|weekly|recap|tier`(管理员可加 `@经理` 查看其团队)。",
    ),
    "digests.preview.head": (
        "Preview, only you can see this. The {kind} digest goes to {where}.",
        "预览,仅你可见。{kind}简报将发到 {where}。",
    ),
    "digests.preview.dm": ("the manager by DM", "经理的私信"),
    "digests.preview.charts": (
        "Charts: {count} sent to you in a direct message.",
        "图表:{count} 张已通过私信发给你。",
    ),
    "digests.preview.more": (
        "{count:plural:# more message is|# more messages are} in the full digest's thread.",
        "完整简报的话题中还有 {count} 条消息。",
    ),
    "digests.preview.charts_comment": ("Charts for the {kind} digest preview", "{kind}简报预览的图表"),
    "digests.kind.daily": ("daily", "每日"),
    "digests.kind.weekly": ("weekly", "每周"),
    "digests.kind.recap": ("win/loss recap", "赢单/丢单复盘"),
    "digests.kind.tiers": ("5+5+5 review", "5+5+5 分层回顾"),
    # ----- daily -------------------------------------------------------------------------------
    "digests.daily.title": ("Daily digest · {team} · {day}", "每日简报 · {team} · {day}"),
    "digests.daily.text": (
        "Daily digest for {team}, {day}: {visits:plural:# visit|# visits} against a standard of {standard}.",
        "{team} 每日简报,{day}:拜访 {visits} 次,标准 {standard} 次。",
    ),
    "digests.daily.totals": (
        "*Team*: {visits}/{standard} visits ({fullness}), {effective} effective · check-in reviewed "
        "{reviewed}/{working}, planned {planned}/{working} · {overdue:plural:# follow-up|# follow-ups} overdue · "
        "{cooling:plural:# key relationship|# key relationships} cooling",
        "*团队*:拜访 {visits}/{standard} 次({fullness}),有效 {effective} 次 · 复盘 {reviewed}/{working},"
        "计划 {planned}/{working} · 逾期跟进 {overdue} 项 · 关键关系变冷 {cooling} 个",
    ),
    "digests.daily.off": ("{count} on time off.", "{count} 人休假。"),
    "digests.daily.attention": ("*Needs attention first*", "*优先关注*"),
    "digests.daily.attention_line": ("{rank}. *{name}*: {reasons}", "{rank}. *{name}*：{reasons}"),
    "digests.daily.why.short": ("{visits} of {standard} visits", "拜访 {visits}/{standard} 次"),
    "digests.daily.why.overdue": ("{overdue:plural:# follow-up|# follow-ups} overdue", "{overdue} 项跟进逾期"),
    "digests.daily.why.cooling": (
        "{cooling:plural:# key relationship|# key relationships} cooling",
        "{cooling} 个关键关系变冷",
    ),
    "digests.daily.why.no_review": ("no check-in review", "未做当日复盘"),
    "digests.daily.all_good": (
        "Everyone met the standard, reviewed their day and has nothing overdue. :tada:",
        "所有人都达到拜访标准、完成了复盘,没有逾期事项。:tada:",
    ),
    "digests.daily.reps": ("*By rep*", "*成员明细*"),
    "digests.daily.rep": (
        "• *{name}*: {visits}/{standard} visits ({effective} effective) · plan {plan} review {review} · "
        "{overdue} overdue · {cooling} cooling",
        "• *{name}*:拜访 {visits}/{standard}(有效 {effective})· 计划 {plan} 复盘 {review} · 逾期 {overdue} · "
        "变冷 {cooling}",
    ),
    "digests.daily.rep_off": (
        "• *{name}*: on time off · {overdue} overdue · {cooling} cooling",
        "• *{name}*:休假 · 逾期 {overdue} · 变冷 {cooling}",
    ),
    "digests.daily.legend": (
        "Standard: {standard} visits a day. Effective = with a purpose and a next step. Cooling = a decision "
        "maker or coach of an account with an open deal not met face to face within the cadence. Attention "
        "order: visits short of the standard + overdue follow-ups + cooling relationships + a missing review.",
        "标准:每天拜访 {standard} 次。有效拜访 = 有目的且有下一步。变冷 = 有进行中商机的客户的决策人或教练,"
        "超过见面周期未面谈。关注顺序:拜访缺口 + 逾期跟进 + 变冷关系 + 未复盘。",
    ),
    # ----- weekly ------------------------------------------------------------------------------
    "digests.weekly.title": ("Weekly digest · {team}", "每周简报 · {team}"),
    "digests.weekly.week": ("Week of {first} – {last}", "{first} – {last} 这一周"),
    "digests.weekly.text": (
        "Weekly digest for {team}: {deals:plural:# open deal|# open deals}, {amount} ({weighted} weighted).",
        "{team} 每周简报:进行中商机 {deals} 个,金额 {amount}(加权 {weighted})。",
    ),
    "digests.weekly.funnel": ("*Funnel now*", "*当前漏斗*"),
    "digests.weekly.stage": (
        "• {key} {stage}: {deals:plural:# deal|# deals} · {amount} (weighted {weighted})",
        "• {key} {stage}:{deals} 个 · {amount}(加权 {weighted})",
    ),
    "digests.weekly.funnel_total": (
        "*Total*: {deals:plural:# deal|# deals} · {amount} (weighted {weighted})",
        "*合计*:{deals} 个 · {amount}(加权 {weighted})",
    ),
    "digests.weekly.conversion": (
        "*Conversion, last {days} days*: team {rates}",
        "*转化率(近 {days} 天)*:团队 {rates}",
    ),
    "digests.weekly.team_closed": (
        "{closed:plural:# deal|# deals} closed ({won} won, {lost} lost).",
        "已结束商机 {closed} 个(赢 {won},输 {lost})。",
    ),
    "digests.weekly.small_caveat": (
        ":warning: Fewer than {threshold} closed deals: the rates are not settled yet, read them as a hint.",
        ":warning: 已结束商机不足 {threshold} 个:转化率尚不稳定,仅供参考。",
    ),
    "digests.weekly.conv_rep": ("• *{name}*: {rates}", "• *{name}*：{rates}"),
    "digests.weekly.weakest": (
        "weakest *{step}* {count} (team {team})",
        "最弱环节 *{step}* {count}(团队 {team})",
    ),
    "digests.weekly.no_moves": ("no stage reached in the period", "期间内没有到达任何阶段"),
    "digests.weekly.closed": ("{closed} closed", "已结束 {closed}"),
    "digests.weekly.small": ("_small sample_", "_样本少_"),
    "digests.weekly.forecast": ("*Weighted forecast by month*", "*按月加权预测*"),
    "digests.weekly.forecast_month": (
        "• {month}: {deals:plural:# deal|# deals} · {amount} → weighted {weighted}",
        "• {month}:{deals} 个 · {amount} → 加权 {weighted}",
    ),
    "digests.weekly.slipped": (
        "• Expected close already past: {deals:plural:# deal|# deals} · {amount} (weighted "
        "{weighted}): update the dates",
        "• 预计成交日期已过:{deals} 个 · {amount}(加权 {weighted}),请更新日期",
    ),
    "digests.weekly.undated": (
        "• No expected close date: {deals:plural:# deal|# deals} · {amount}",
        "• 没有预计成交日期:{deals} 个 · {amount}",
    ),
    "digests.weekly.no_date": ("no date", "无日期"),
    "digests.weekly.no_forecast": ("No open deals.", "没有进行中的商机。"),
    "digests.weekly.coverage_head": ("*Coverage and activity*", "*客户覆盖与活动*"),
    "digests.weekly.coverage": (
        "with business {biz30} in 30 days / {biz90} in 90 ({biz:plural:# account|# accounts}) · "
        "no business {nobiz30} / {nobiz90} "
        "({nobiz}) · new accounts visited {new_visited}/{new}",
        "有生意 30 天 {biz30} / 90 天 {biz90}({biz} 个客户)· 无生意 {nobiz30} / {nobiz90}({nobiz} 个)· "
        "新客户已拜访 {new_visited}/{new}",
    ),
    "digests.weekly.huntfarm": (
        "Last week {visits:plural:# visit|# visits}: hunting {hunting} (accounts with an open deal), farming {farming} "
        "(accounts without one).",
        "上周拜访 {visits} 次:打猎 {hunting}(有进行中商机的客户),播种 {farming}(没有商机的客户)。",
    ),
    "digests.weekly.activity_rep": (
        "• *{name}*: {visits:plural:# visit|# visits} ({effective} effective) · {coverage} · "
        "hunting {hunting} / farming {farming}",
        "• *{name}*:拜访 {visits}(有效 {effective})· {coverage} · 打猎 {hunting} / 播种 {farming}",
    ),
    "digests.weekly.quadrant": ("*Rep types* (result × process)", "*销售类型*(结果 × 过程)"),
    "digests.weekly.quad_member": (
        "{name} ({result} of target, pace {pace}, process {process})",
        "{name}(完成 {result},进度 {pace},过程 {process})",
    ),
    "digests.quadrant.excellent": ("• Excellent ({count}): {names}", "• 优秀({count}):{names}"),
    "digests.quadrant.smart": (
        '• "Smart", good result, poor process: not repeatable ({count}): {names}',
        "• 聪明:结果好、过程差,难以复制({count}):{names}",
    ),
    "digests.quadrant.diligent": (
        '• "Diligent", good process, poor result: coach the method ({count}): {names}',
        "• 勤奋:过程好、结果差,辅导方法({count}):{names}",
    ),
    "digests.quadrant.at_risk": ("• At risk ({count}): {names}", "• 待淘汰(风险)({count}):{names}"),
    "digests.quadrant.no_target": ("• No target set ({count}): {names}", "• 未设目标({count}):{names}"),
    "digests.quadrant.rule": (
        "Rule: result is good when the amount won in the current target period is at least the share of the "
        "period already gone (on pace); process is good when effective visits in the last {days} days reach "
        "{process} of the standard ({standard} a working day).",
        "规则:当前目标期内的赢单金额不低于该期已过去的比例(按进度)即结果好;近 {days} 天的有效拜访达到"
        "标准(每个工作日 {standard} 次)的 {process} 即过程好。",
    ),
    "digests.weekly.reverse_head": ("*Reverse funnel against targets*", "*目标拆解(倒推漏斗)*"),
    "digests.weekly.target": (
        "• *{name}*: {period} target {target}, won {won} ({share})",
        "• *{name}*:{period} 目标 {target},已赢单 {won}({share})",
    ),
    "digests.weekly.target_met": ("target met :tada:", "已完成目标 :tada:"),
    "digests.weekly.reverse": (
        "{remaining} to go in {days:plural:# working day|# working days} → {deals:plural:# deal|# "
        "deals} → {needs} ({basis})",
        "还差 {remaining},剩 {days} 个工作日 → {deals} 单 → {needs}({basis})",
    ),
    "digests.weekly.per_day": ("{needed} visits a day needed (now {now})", "每天需拜访 {needed} 次(目前 {now})"),
    "digests.weekly.missing_rate": (
        "no conversion measured yet out of {stage}",
        "{stage} 之后的转化率尚无数据",
    ),
    "digests.weekly.reverse_unknown": (
        "{remaining} to go in {days:plural:# working day|# working days}; no deal won yet to size the funnel",
        "还差 {remaining},剩 {days} 个工作日;尚无赢单,无法倒推",
    ),
    "digests.weekly.basis_own": ("own rates", "个人转化率"),
    "digests.weekly.basis_team": ("team rates", "团队转化率"),
    "digests.weekly.per_entry": (", {ratio} visits per new deal", ",每个新商机约 {ratio} 次拜访"),
    "digests.weekly.no_targets": (
        "No targets set. Managers: `/coach target @rep 500k Q1`.",
        "尚未设定目标。经理可用 `/coach target @销售 50万 Q1`。",
    ),
    "digests.weekly.charts_below": (
        "Charts: the funnel and each rep's conversion against the team are in the thread.",
        "图表:漏斗图和各成员与团队的转化率对比图在话题中。",
    ),
    "digests.chart.funnel_title": ("Funnel: deals that reached each stage · {team}", "漏斗:到达各阶段的商机 · {team}"),
    "digests.chart.funnel_note": (
        "{reached} reached · {deals} open now · {amount}",
        "到达 {reached} 个 · 当前进行中 {deals} 个 · {amount}",
    ),
    "digests.chart.conversion_title": (
        "Conversion by step: each rep against the team · {team}",
        "各环节转化率:成员对比团队 · {team}",
    ),
    "digests.chart.team": ("Team", "团队"),
    "digests.chart.gap": (
        "Each cell: the share of the deals that reached the step's stage and went on. Red: below the "
        "team's rate; green: above; grey: no deal reached the stage; outlined: the rep's weakest step.",
        "每格:到达该阶段的商机中推进到下一阶段的比例。红色:低于团队;绿色:高于团队;灰色:没有商机到达该阶段;"
        "方框:该成员最弱的环节。",
    ),
    "digests.chart.funnel_file": ("Funnel · {team}", "漏斗 · {team}"),
    "digests.chart.conversion_file": ("Conversion vs team · {team}", "转化率对比 · {team}"),
    # ----- recap -------------------------------------------------------------------------------
    "digests.recap.title": ("Win/loss recap · {team}", "赢单/丢单复盘 · {team}"),
    "digests.recap.period": ("{first} – {last}", "{first} – {last}"),
    "digests.recap.text": (
        "Win/loss recap for {team}: {won} won ({won_amount}), {lost} lost ({lost_amount}).",
        "{team} 赢单/丢单复盘:赢 {won} 单({won_amount}),输 {lost} 单({lost_amount})。",
    ),
    "digests.recap.totals": (
        ":trophy: *Won {won}* · {won_amount}    :x: *Lost {lost}* · {lost_amount}",
        ":trophy: *赢单 {won}* · {won_amount}    :x: *丢单 {lost}* · {lost_amount}",
    ),
    "digests.recap.by_rep": ("*By rep*", "*按成员*"),
    "digests.recap.rep": (
        "• *{name}*: won {won} ({won_amount}) · lost {lost} ({lost_amount})",
        "• *{name}*:赢 {won}({won_amount})· 输 {lost}({lost_amount})",
    ),
    "digests.recap.top_lost": ("*Top reasons lost*: {reasons}", "*主要丢单原因*:{reasons}"),
    "digests.recap.top_won": ("*Top reasons won*: {reasons}", "*主要赢单原因*:{reasons}"),
    "digests.recap.reason_count": ("{reason} ({count})", "{reason}（{count}）"),
    "digests.recap.untouched_count": (
        ":warning: {count:plural:# untouched failure|# untouched failures}: lost without a visit in "
        "the 30 days before.",
        ":warning: {count} 个未接触性失败:丢单前 30 天内没有拜访。",
    ),
    "digests.recap.price_count": (
        ":speech_balloon: {count} lost on price: ask why in the thread.",
        ":speech_balloon: {count} 个因价格丢单:请在话题中追问原因。",
    ),
    "digests.recap.see_thread": (
        "One reply per deal in the thread ({count}). Add your lessons there.",
        "话题中每个商机一条回复(共 {count} 条)。请在话题中补充经验教训。",
    ),
    "digests.recap.none": ("No deals were won or lost this week.", "本周没有赢单或丢单。"),
    "digests.recap.won": (":trophy: Won", ":trophy: 赢单"),
    "digests.recap.lost": (":x: Lost", ":x: 丢单"),
    "digests.recap.deal_head": (
        "{outcome} · *{account}*: {title} · {amount} · {owner}",
        "{outcome} · *{account}*：{title} · {amount} · {owner}",
    ),
    "digests.recap.deal_text": ("{outcome}: {account}, {amount}", "{outcome}：{account}，{amount}"),
    "digests.recap.deal_facts": (
        "Stage reached: {stage} · {days:plural:# day|# days} in the pipeline · {visits:plural:# "
        "visit|# visits} · contacts: {contacts}",
        "到达阶段:{stage} · 在漏斗中 {days} 天 · 拜访 {visits} 次 · 联系人:{contacts}",
    ),
    "digests.recap.reasons": ("Reasons: {reasons}", "原因:{reasons}"),
    "digests.recap.no_reason": ("none given", "未填写"),
    "digests.recap.lesson": ("Lesson: _{lesson}_", "经验教训:_{lesson}_"),
    "digests.recap.no_lesson": (
        "Lesson: not written yet. {owner}, add it in this thread.",
        "经验教训:尚未填写。{owner},请在此话题中补充。",
    ),
    "digests.recap.untouched": (
        ":warning: *Untouched failure*: no visit to this account in the {days} days before it was lost.",
        ":warning: *未接触性失败*:丢单前 {days} 天内没有拜访该客户。",
    ),
    "digests.recap.ask_why": (
        ":speech_balloon: *Lost on price: ask why.* Was the decision maker at the demo? Was our proposal before "
        "or after the competitor's? Was the budget known? Was the buying process known?",
        ":speech_balloon: *因价格丢单:问一问为什么。* 决策人参加演示了吗?我们的提案在竞争对手之前还是之后?"
        "预算清楚吗?采购流程清楚吗?",
    ),
    "digests.recap.closing": (
        "That's the week. What did we learn? Reply in this thread with your lessons, from wins and losses "
        "alike: review calmly, learn from both.",
        "本周复盘到此。我们学到了什么?请在本话题中回复你的经验教训,赢单和丢单都要总结:坦然接受商机输赢,认真复盘。",
    ),
    # ----- 5+5+5 review ------------------------------------------------------------------------
    "digests.tiers.title": ("5+5+5 review · {team} · {month}", "5+5+5 分层回顾 · {team} · {month}"),
    "digests.tiers.text": (
        "5+5+5 review for {team}, {month}: {complete} of {reps:plural:# rep has|# reps have} all 15 accounts named.",
        "{team} 5+5+5 回顾,{month}:{reps} 人中 {complete} 人已选满 15 个客户。",
    ),
    "digests.tiers.summary": (
        "{complete} of {reps:plural:# rep has|# reps have} all 15 accounts named. Expected against "
        "actual, account by account:",
        "{reps} 人中 {complete} 人已选满 15 个客户。逐个客户对比期望与实际:",
    ),
    "digests.tiers.legend": (
        "Expected: the business planned from the account this year. Actual: won since {since}. Visits: this month.",
        "期望:今年计划从该客户获得的生意。实际:{since} 以来的赢单。拜访:本月。",
    ),
    "digests.tiers.rep": (
        "*{name}*: {named}/15 named · expected {expected} · won {won} ({share})",
        "*{name}*:已选 {named}/15 · 期望 {expected} · 实际 {won}({share})",
    ),
    "digests.tiers.tier": ("_{tier}_ ({count}/5)", "_{tier}_（{count}/5）"),
    "digests.tiers.account": (
        "{account}: expected {expected}, won {won} ({share}) · pipeline {pipeline} · "
        "{visits:plural:# visit|# visits}, last {last}",
        "{account}:期望 {expected},实际 {won}({share})· 在谈 {pipeline} · 拜访 {visits} 次,最近 {last}",
    ),
    "digests.tiers.missing": (":warning: Missing: {missing}", ":warning: 缺少:{missing}"),
    "digests.tiers.missing_one": ("{count} in “{tier}”", "“{tier}” {count} 个"),
}
