"""Strings of `/lead`, `/coach leads` and the speed-to-lead messages."""

MESSAGES: dict[str, tuple[str, str]] = {
    "lead.help": (
        "*Log a lead in one line*\n"
        "`/lead Company, Person phone-or-email, source, note` · add `for @rep` to give it to someone on your team\n"
        "e.g. `/lead Contoso, Raj Patel raj@contoso.example, web form, wants a demo`\n"
        "The first contact is due within {hours} working hours; log a visit or press *Log first contact*.",
        "*一句话录入线索*\n"
        "`/lead 公司 联系人 电话或邮箱 来源 备注` · 加上 `给 @销售` 可分配给团队成员\n"
        "例如 `/lead 理光 王军 13800000000 来自展会 想了解A3`\n"
        "首次联系须在 {hours} 个工作小时内完成;记录一次拜访或点击 *记录首次联系* 即可。",
    ),
    "lead.missing.company": (
        "I need the company's name first. Try `/lead Contoso, Raj Patel raj@contoso.example, web form`. "
        "Nothing was saved; here is what you typed:",
        "请先写公司名称,例如 `/lead 理光 王军 13800000000 来自展会`。这次没有保存,这是你输入的内容:",
    ),
    "lead.missing.name": (
        "Who is the person at {company}? Put their name after the company, e.g. "
        "`/lead {company}, Raj Patel raj@contoso.example`. Nothing was saved; here is what you typed:",
        "{company} 的联系人是谁?请在公司后面写上姓名,例如 `/lead {company} 王军 13800000000`。"
        "这次没有保存,这是你输入的内容:",
    ),
    "lead.created": (
        "New lead *{account}* ({person}) for {assignee}: first contact due by {due}.",
        "新线索 *{account}*({person})已分配给 {assignee}:请在 {due} 前首次联系。",
    ),
    "lead.created.existing": (
        "*{account}* already exists, so the lead was attached to it (no new account) "
        "and given to its owner {assignee}, "
        "who has been told. First contact due by {due}.",
        "*{account}* 已经存在,线索已挂到该客户下(没有新建客户),并交给负责人 {assignee},已通知对方。"
        "请在 {due} 前首次联系。",
    ),
    "lead.duplicate": (
        "That lead was already saved (lead #{id}); nothing new was stored.",
        "这条线索已经保存过(线索 #{id}),没有重复保存。",
    ),
    "lead.unassigned": ("nobody yet", "暂无"),
    # the form
    "lead.form.title": ("New lead", "新线索"),
    "lead.form.company": ("Company", "公司"),
    "lead.form.name": ("Person", "联系人"),
    "lead.form.phone": ("Phone", "电话"),
    "lead.form.email": ("Email", "邮箱"),
    "lead.form.source": ("Source", "来源"),
    "lead.form.note": ("Note", "备注"),
    "lead.form.assignee": ("Assign to", "分配给"),
    "lead.form.me": ("Me", "我自己"),
    "lead.form.required": ("Please fill this in.", "请填写此项。"),
    # the assignment DM
    "lead.dm.title": ("New lead: {account}", "新线索:{account}"),
    "lead.dm.header": ("New lead", "新线索"),
    "lead.dm.body": (
        "*{account}* · {person}{contact}\nSource: {source}{note}\n"
        "First contact due by *{due}* ({hours} working hours).",
        "*{account}* · {person}{contact}\n来源:{source}{note}\n请在 *{due}* 前首次联系({hours} 个工作小时内)。",
    ),
    "lead.dm.note": ("\nNote: {note}", "\n备注:{note}"),
    "lead.dm.no_source": ("not given", "未填写"),
    "lead.dm.contacted": ("Log first contact", "记录首次联系"),
    "lead.dm.not_fit": ("Not a fit", "不合适"),
    "lead.dm.reassign": ("Reassign to…", "转给…"),
    "lead.dm.summary": ("new lead {account}", "新线索 {account}"),
    "lead.state.contacted": ("✅ First contact logged.", "✅ 已记录首次联系。"),
    "lead.state.reassigned": ("Given to {user}.", "已转给 {user}。"),
    # judging a lead
    "lead.judge.title": ("Qualify or drop {account}?", "{account}:转商机还是放弃?"),
    "lead.judge.body": (
        "You have contacted *{account}* {contacts} times. Time to judge the lead: qualify it (open a deal) "
        "or drop it with a reason.",
        "你已经联系 *{account}* {contacts} 次了。请判断这条线索:转为商机,或说明原因后放弃。",
    ),
    "lead.judge.qualify": ("Qualify: open a deal", "转为商机"),
    "lead.judge.drop": ("Drop…", "放弃…"),
    "lead.judge.deal_title": ("{account} – new business", "{account} 新商机"),
    "lead.state.qualified": ("✅ Qualified: deal “{deal}” opened.", "✅ 已转为商机「{deal}」。"),
    "lead.drop.title": ("Drop the lead", "放弃线索"),
    "lead.drop.submit": ("Drop", "放弃"),
    "lead.drop.intro": (
        "*{account}* has had {contacts:plural:# contact|# contacts}. Why are you dropping it?",
        "*{account}* 已联系 {contacts} 次。为什么放弃?",
    ),
    "lead.drop.reason": ("Reason", "原因"),
    "lead.drop.note": ("Anything to add", "补充说明"),
    "lead.drop.override_label": ("Fewer contacts than the rule", "联系次数少于规则"),
    "lead.drop.override": (
        "Drop anyway after {contacts:plural:# contact|# contacts} (the rule asks for more than {minimum})",
        "仍然放弃:只联系了 {contacts} 次(规则要求超过 {minimum} 次)",
    ),
    "lead.drop.needs_override": (
        "This lead has had too few contacts to drop: tick the box to drop it anyway.",
        "这条线索联系次数太少,不能直接放弃:请勾选确认后再放弃。",
    ),
    "lead.drop.reason.not_a_fit": ("Not a fit", "不合适"),
    "lead.drop.reason.no_need": ("No need", "没有需求"),
    "lead.drop.reason.no_budget": ("No budget", "没有预算"),
    "lead.drop.reason.unreachable": ("Could not reach them", "联系不上"),
    "lead.drop.reason.competitor": ("Went with a competitor", "选择了竞争对手"),
    "lead.drop.reason.duplicate": ("Duplicate or spam", "重复或垃圾线索"),
    "lead.drop.reason.other": ("Other", "其他"),
    "lead.state.dropped_reason": ("*{account}*: dropped ({reason}).", "*{account}*:已放弃({reason})。"),
    # the clock
    "lead.due.title": ("First contact with {account} is due now", "现在应首次联系 {account}"),
    "lead.due.body": (
        "The lead *{account}* ({person}{contact}) came in {received} and has not been contacted: "
        "the limit of {hours} working hours ends now. Call or visit, then log it.",
        "线索 *{account}*({person}{contact})于 {received} 进来,还没有联系:{hours} 个工作小时的期限现在到了。"
        "请打电话或拜访,然后记录。",
    ),
    "lead.due.summary": ("first contact due: {account}", "首次联系到期:{account}"),
    "lead.missed.title": ("{rep} missed the first contact with {account}", "{rep} 未按时首次联系 {account}"),
    "lead.missed.body": (
        "The lead *{account}* ({person}) came in {received}; {rep} has not contacted it within "
        "{hours} working hours (due {due}). Nothing else is needed from you: I told them too.",
        "线索 *{account}*({person})于 {received} 进来;{rep} 没有在 {hours} 个工作小时内联系(期限 {due})。"
        "我也已提醒了对方。",
    ),
    "lead.missed.summary": ("missed first contact: {account}", "未按时首次联系:{account}"),
    "why.job.lead-clock": ("Speed to lead", "线索响应"),
    "why.leads": ("*Your leads waiting for a first contact*", "*等待首次联系的线索*"),
    "why.lead.line": (
        "• {account}: came in {received}, due {due} "
        "({hours} working hours, {start}–{end} on working days, {tz}){state}",
        "• {account}:{received} 进来,{due} 到期({hours} 个工作小时,工作日 {start}–{end},{tz}){state}",
    ),
    "why.lead.nudged": (" · reminded; your manager was told it was missed", " · 已提醒;已告知经理超时"),
    "why.lead.waiting": (" · I will remind you when it falls due", " · 到期时我会提醒你"),
    # the digests
    "digests.leads.head": ("*Speed to lead*", "*线索响应速度*"),
    "digests.leads.team": ("Team", "团队"),
    "digests.leads.line": (
        "• {who}: {received:plural:# lead|# leads} · median {median} h to first contact · "
        "{share} within {hours} working hours ({within} of {judged})",
        "• {who}:{received} 条线索 · 首次联系中位数 {median} 小时 · "
        "{hours} 个工作小时内完成 {share}({judged} 条中 {within} 条)",
    ),
    "digests.leads.sources_head": (
        "*Leads by source* (received in the last {days} days: lead → deal → won)",
        "*按来源的线索转化*(最近 {days} 天收到的线索:线索 → 商机 → 赢单)",
    ),
    "digests.leads.source_line": (
        "• {source}: {leads:plural:# lead|# leads} → {deals:plural:# deal|# deals} ({deal_rate}) → "
        "{won} won ({won_rate})",
        "• {source}:{leads} 条线索 → {deals} 个商机({deal_rate})→ 赢单 {won} 个({won_rate})",
    ),
    "digests.leads.no_source": ("no source given", "未注明来源"),
    # /coach leads
    "coach.leads.usage": (
        "`/coach leads key`: a new key for `POST /leads` (admins; shown once) · "
        "`/coach leads key revoke`: stop all keys · `/coach leads route …`: who gets inbound leads",
        "`/coach leads key`:为 `POST /leads` 生成新密钥(管理员;只显示一次)· `/coach leads key revoke`:停用所有密钥 · "
        "`/coach leads route …`:外部线索分配给谁",
    ),
    "coach.leads.key": (
        "Your new key for `POST /leads` (shown only this once; I keep only a fingerprint of it):\n`{key}`\n"
        "Send it as `Authorization: Bearer …`. Revoke with `/coach leads key revoke`.",
        "`POST /leads` 的新密钥(只显示这一次;我只保存它的指纹):\n`{key}`\n"
        "请放在 `Authorization: Bearer …` 中发送。停用:`/coach leads key revoke`。",
    ),
    "coach.leads.route.usage": (
        "Route inbound leads with `/coach leads route @rep`, `/coach leads route round-robin @a @b @c`, "
        "`/coach leads route region 华东=@a north=@b` or `/coach leads route off` (to the key's admin). "
        "Everyone named must be in the workspace. Nothing was changed; here is what you typed:",
        "分配线索:`/coach leads route @销售`、`/coach leads route 轮流 @甲 @乙 @丙`、"
        "`/coach leads route 区域 华东=@甲 华北=@乙` 或 `/coach leads route off`(交给创建密钥的管理员)。"
        "所列的人都必须在本工作区。没有任何修改,这是你输入的内容:",
    ),
    "coach.leads.route.person": ("New inbound leads now go to {people}.", "新的外部线索现在都交给 {people}。"),
    "coach.leads.route.round_robin": (
        "New inbound leads now go to {people} in turn (anyone on leave is skipped).",
        "新的外部线索现在由 {people} 轮流接收(休假的人会被跳过)。",
    ),
    "coach.leads.route.region": (
        "New inbound leads now go by keyword: {regions} (no keyword: the first of them).",
        "新的外部线索现在按关键词分配:{regions}(没有匹配时交给第一位)。",
    ),
    "coach.leads.route.creator": (
        "Routing is off: new inbound leads go to the admin who created the key.",
        "已关闭分配规则:新的外部线索交给创建密钥的管理员。",
    ),
    "coach.leads.revoked": (
        "{count:plural:# key|# keys} revoked: they stop working now.",
        "已停用 {count} 个密钥,立即生效。",
    ),
}
