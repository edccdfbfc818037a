"""Strings of `/deal`, stage administration, handover and CSV import/export."""

MESSAGES: dict[str, tuple[str, str]] = {
    # ----- /deal help and parsing ---------------------------------------------------------
    "deal.help": (
        "*Deals* (`/deal`)\n"
        '• `/deal new Ricoh "A3 copiers" 120k close Dec`: a new deal\n'
        "• `/deal Ricoh copiers → D` (or `to Demo`, `to 4`): move it, forward or back\n"
        "• `/deal Ricoh copiers budget yes authority met 150k close Jan`: update it\n"
        "• `/deal won Ricoh copiers` / `/deal lost Ricoh copiers`: close it, with reasons and a lesson\n"
        "• `/deal Ricoh copiers`: show it · `/deal list`: my open deals · `/deal stages`: the funnel\n"
        "Qualification (BANTCC): budget, authority, need, timeline, competition, champion: yes / no / unknown.",
        "*商机*(`/deal`)\n"
        "• `/deal 新建 理光 复印机项目 12万 预计 12月`:新建商机\n"
        "• `/deal 理光复印机 推进到 提案`(或 `→ D`、`到 4`):推进或退回阶段\n"
        "• `/deal 理光复印机 预算 有 决策人 已见 15万 预计 1月`:更新商机\n"
        "• `/deal 赢单 理光复印机` / `/deal 输单 理光复印机`:关闭商机,填写原因和复盘\n"
        "• `/deal 理光复印机`:查看 · `/deal 列表`:我的商机 · `/deal 阶段`:销售漏斗\n"
        "资格(BANTCC):预算、决策人、需求、时间、竞争、教练:有 / 无 / 未知。",
    ),
    "deal.parse.bantcc_value": (
        "Say *{item}* yes, no or unknown (for example `{item} yes`).",
        "请说明 *{item}* 是 有、无 还是 未知(例如 `{item} 有`)。",
    ),
    "deal.parse.amount": (
        "I couldn't read `{text}` as an amount. Try 120k, 1.2M, 12万 or ¥50,000.",
        "无法识别金额 `{text}`。可以写 120k、1.2M、12万 或 ¥50,000。",
    ),
    "deal.parse.which_deal": (
        "Which deal? Name the account and a word of the title, e.g. `/deal Ricoh copiers → D`.",
        "是哪个商机?请写客户名和商机名称中的词,例如 `/deal 理光复印机 推进到 提案`。",
    ),
    "deal.parse.which_stage": (
        "Move it to which stage? Give a key, a name or a number, e.g. `→ D`. `/deal stages` lists them.",
        "推进到哪个阶段?请写阶段代码、名称或序号,例如 `推进到 提案`。`/deal 阶段` 可查看全部阶段。",
    ),
    "deal.parse.new_usage": (
        'Name the account and the deal, e.g. `/deal new Ricoh "A3 copiers" 120k close Dec`.',
        "请写客户和商机名称,例如 `/deal 新建 理光 复印机项目 12万 预计 12月`。",
    ),
    # ----- finding deals ------------------------------------------------------------------
    "deal.find.none": (
        'I couldn\'t find an open deal or an account matching “{ref}”. To start one: `/deal new ACCOUNT "TITLE"`.',
        '没有找到与“{ref}”匹配的进行中商机或客户。新建商机:`/deal 新建 客户 "商机名称"`。',
    ),
    "deal.find.none_at_account": (
        "No open deal of yours matches “{ref}” at {accounts}. `/deal list` shows your open deals.",
        "在 {accounts} 没有与“{ref}”匹配的进行中商机。`/deal 列表` 可查看你的商机。",
    ),
    "deal.pick.question": ("Several deals match “{ref}”. Which one?", "有多个商机与“{ref}”匹配,是哪一个?"),
    "deal.pick.more": (
        "{count:plural:# deal matches|# deals match}; here are the most recent. Add a word of the title to "
        "narrow it down.",
        "共有 {count} 个商机匹配,这里列出最近的几个。可以加上商机名称中的词来缩小范围。",
    ),
    "deal.new.no_account": (
        "There is no account “{account}” yet. Create it with this deal?",
        "还没有客户“{account}”。要同时新建这个客户吗?",
    ),
    "deal.new.colleagues_account": (
        "*{account}* is {owner}'s account, so no new account is made for it: ask {owner} to open the deal"
        " or to hand the account over to you.",
        "*{account}* 是{owner}的客户，不会再新建一个重复客户：请{owner}创建这个商机，或把客户转给你。",
    ),
    "deal.new.which_account": (
        "Which account did you mean by “{account}”?",
        "“{account}”指的是哪个客户?",
    ),
    "deal.cancelled": ("OK, nothing changed.", "好的,没有做任何修改。"),
    # ----- results ------------------------------------------------------------------------
    "deal.created": ("New deal *{title}* at {account}.", "已新建商机 *{title}*({account})。"),
    "deal.updated": ("Updated: {fields}.", "已更新:{fields}。"),
    "deal.moved.forward": ("*{title}* moved {source} → {target}.", "*{title}* 已从 {source} 推进到 {target}。"),
    "deal.moved.back": ("*{title}* moved back {source} → {target}.", "*{title}* 已从 {source} 退回到 {target}。"),
    "deal.moved.override": (
        "Moved although {items} not met yet; noted as an override.",
        "{items} 尚未满足,已按你的确认推进(记录为例外)。",
    ),
    "deal.closed.won": (
        "🎉 *{title}* at {account} is won. Well done!",
        "🎉 恭喜,*{title}*({account})赢单!",
    ),
    "deal.closed.lost": (
        "*{title}* at {account} is closed as lost. Thanks for the review: the team learns from it.",
        "*{title}*({account})已记为输单。谢谢你的复盘,团队会从中学习。",
    ),
    "deal.confirm.criteria": (
        "{items} not met yet for {stage}. Move anyway?",
        "进入 {stage} 前,{items} 尚未满足。仍要推进吗?",
    ),
    "deal.confirm.contacts": (
        "This account has been contacted only {count:plural:# time|# times} (the team rule is more than {minimum} "
        "before closing as lost). Close it as lost anyway?",
        "这个客户只联系过 {count} 次(团队规则:联系超过 {minimum} 次才可记为输单)。仍要记为输单吗?",
    ),
    # ----- errors -------------------------------------------------------------------------
    "deal.err.account_name": ("The account needs a name.", "客户需要一个名称。"),
    "deal.err.title": ("The deal needs a title.", "商机需要一个名称。"),
    "deal.err.title_long": (
        "A deal title can have at most {limit} characters.",
        "商机名称最多 {limit} 个字符。",
    ),
    "deal.err.no_stages": (
        "This workspace has no active stages; an admin can set them with `/coach stages preset spadco`.",
        "本工作区没有可用的阶段,管理员可以用 `/coach stages preset spadco` 设置。",
    ),
    "deal.err.duplicate": (
        "There is already an open deal *{title}* at {account}.",
        "{account} 已有进行中的商机 *{title}*。",
    ),
    "deal.err.closed_won": ("*{title}* is already won; it can't be changed.", "*{title}* 已赢单,不能再修改。"),
    "deal.err.closed_lost": ("*{title}* is already closed as lost.", "*{title}* 已记为输单。"),
    "deal.err.same_stage": ("It is already in {stage}.", "它已经在 {stage} 阶段。"),
    "deal.err.stage_unknown": (
        "There is no stage “{stage}”. The stages are: {stages}.",
        "没有“{stage}”这个阶段。现有阶段:{stages}。",
    ),
    "deal.err.stage_ambiguous": (
        "“{stage}” could be {stages}; please give the key.",
        "“{stage}”可能指 {stages},请写阶段代码。",
    ),
    "deal.err.reason_unknown": ("Unknown reasons: {reasons}.", "未知的原因:{reasons}。"),
    "deal.err.reason_needed": ("Please pick at least one reason.", "请至少选择一个原因。"),
    # ----- the deal card ------------------------------------------------------------------
    "deal.card.stage": ("Stage", "阶段"),
    "deal.card.amount": ("Amount", "金额"),
    "deal.card.close": ("Expected close", "预计成交"),
    "deal.card.owner": ("Owner", "负责人"),
    "deal.card.in_stage": ("{stage} ({days:plural:# day|# days})", "{stage}({days} 天)"),
    "deal.card.stale": ("⚠️ over the {limit}-day limit", "⚠️ 已超过 {limit} 天的期限"),
    "deal.card.retired": ("(retired stage)", "(已停用的阶段)"),
    "deal.card.closed_won": ("Won on {day}.", "{day} 赢单。"),
    "deal.card.closed_lost": ("Lost on {day}.", "{day} 输单。"),
    "deal.card.reasons": ("Reasons: {reasons}", "原因:{reasons}"),
    "deal.card.lesson": ("Lesson: {lesson}", "复盘:{lesson}"),
    "deal.history.created": ("created in {stage}", "创建于 {stage}"),
    "deal.history.override": ("(override)", "(例外推进)"),
    "deal.outcome.won": ("won", "赢单"),
    "deal.outcome.lost": ("lost", "输单"),
    "deal.q.budget": ("Budget", "预算"),
    "deal.q.authority": ("Authority", "决策人"),
    "deal.q.need": ("Need", "需求"),
    "deal.q.timeline": ("Timeline", "时间"),
    "deal.q.competition": ("Competition", "竞争"),
    "deal.q.champion": ("Champion", "教练"),
    "deal.q.value_yes": ("Yes", "有 / 是"),
    "deal.q.value_no": ("No", "无 / 否"),
    "deal.q.value_unknown": ("Unknown", "未知"),
    "deal.btn.next": ("Move to {stage} →", "推进到 {stage} →"),
    "deal.btn.update": ("Update", "更新"),
    "deal.btn.won": ("Won", "赢单"),
    "deal.btn.lost": ("Lost", "输单"),
    "deal.btn.move_anyway": ("Move anyway", "仍然推进"),
    "deal.btn.lose_anyway": ("Close as lost anyway", "仍记为输单"),
    "deal.btn.create_account": ("New account “{account}”", "新建客户“{account}”"),
    # ----- the modals ---------------------------------------------------------------------
    "deal.close.title_won": ("Deal won", "赢单"),
    "deal.close.title_lost": ("Deal lost", "输单"),
    "deal.close.submit_won": ("Close as won", "记为赢单"),
    "deal.close.submit_lost": ("Close as lost", "记为输单"),
    "deal.close.reasons_won": ("What won it?", "赢单原因"),
    "deal.close.reasons_lost": ("Why was it lost?", "输单原因"),
    "deal.close.reasons_placeholder": ("Pick one or more", "选择一个或多个"),
    "deal.close.lesson_won": ("What should the team repeat?", "有哪些值得团队复制的做法?"),
    "deal.close.lesson_lost": (
        "Lesson: what would you do differently?",
        "复盘:下次会怎么做?",
    ),
    "deal.close.lesson_placeholder": (
        "Was the decision maker at the demo? Was our proposal before the competitor's?",
        "决策人参加演示了吗?我们的方案是在竞争对手之前还是之后?",
    ),
    "deal.update.title": ("Update deal", "更新商机"),
    "deal.update.deal": ("Deal", "商机"),
    "deal.update.pick": ("Choose a deal", "选择商机"),
    "deal.update.open": ("Show deal", "查看商机"),
    "deal.update.none": (
        'You have no open deals. Start one with `/deal new ACCOUNT "TITLE"`.',
        '你没有进行中的商机。新建:`/deal 新建 客户 "商机名称"`。',
    ),
    "deal.update.note": ("Note (kept with a stage move)", "备注(随阶段变更保存)"),
    "deal.update.bad_amount": (
        "Write an amount such as 120k, 1.2M, 12万 or ¥50,000.",
        "请填写金额,例如 120k、1.2M、12万 或 ¥50,000。",
    ),
    # ----- stages (/deal stages, /coach stages) -------------------------------------------
    "deal.stages.title": ("Funnel stages", "销售漏斗阶段"),
    "deal.stages.days": ("max {days:plural:# day|# days}", "最多 {days} 天"),
    "deal.stages.exit": ("to move on: {items}", "推进条件:{items}"),
    "deal.stages.retired": ("Retired (kept for history): {keys}", "已停用(保留历史):{keys}"),
    "deal.stages.usage": (
        "*Stages* (admins)\n"
        "• `/coach stages`: the current funnel\n"
        "• `/coach stages preset spadco|nine|four`: switch to a preset\n"
        "• `/coach stages edit D prob 40% days 30 exit budget,authority name Demo zh 演示`: change one stage\n"
        "• `/coach stages edit`: edit the whole list in a form\n"
        "Deals and their history are kept; stages that leave the list are retired, not deleted.",
        "*阶段设置*(管理员)\n"
        "• `/coach stages`:查看当前漏斗\n"
        "• `/coach stages preset spadco|nine|four`:使用预设\n"
        "• `/coach stages edit D prob 40% days 30 exit 预算,决策人 name Demo zh 演示`:修改一个阶段\n"
        "• `/coach stages edit`:在表单中编辑全部阶段\n"
        "商机及其历史都会保留;移出列表的阶段会停用而不是删除。",
    ),
    "deal.stages.saved": ("Stages saved.", "阶段已保存。"),
    "deal.stages.edit_button": ("Edit stages", "编辑阶段"),
    "deal.stages.modal_title": ("Funnel stages", "销售漏斗阶段"),
    "deal.stages.modal_label": ("One stage per line", "每行一个阶段"),
    "deal.stages.modal_hint": (
        "key | English name | 中文名 | probability | exit criteria (budget, authority, need, timeline, "
        "competition, champion or -) | max days (or -)",
        "代码 | 英文名 | 中文名 | 赢率 | 推进条件(budget、authority、need、timeline、competition、"
        "champion 或 -)| 最多天数(或 -)",
    ),
    "deal.stages.err_empty": ("The funnel needs at least one stage.", "漏斗至少需要一个阶段。"),
    "deal.stages.err_too_many": ("At most {limit} stages.", "最多 {limit} 个阶段。"),
    "deal.stages.err_key": (
        "“{key}” can't be a stage key: use letters, digits, - or _ (at most 32).",
        "“{key}”不能作为阶段代码:只能用字母、数字、- 或 _(最多 32 个)。",
    ),
    "deal.stages.err_reserved": (
        "“{key}” is reserved for closed deals; choose another key.",
        "“{key}”保留给已关闭的商机,请换一个代码。",
    ),
    "deal.stages.err_duplicate": ("The key “{key}” is used twice.", "代码“{key}”重复了。"),
    "deal.stages.err_name": (
        "Stage {key} needs an English and a Chinese name (at most 80 characters).",
        "阶段 {key} 需要英文名和中文名(最多 80 个字符)。",
    ),
    "deal.stages.err_probability": (
        "Stage {key}: the probability must be between 0% and 100%.",
        "阶段 {key}:赢率必须在 0% 到 100% 之间。",
    ),
    "deal.stages.err_criteria": (
        "Stage {key}: unknown exit criteria {items} (use budget, authority, need, timeline, competition, champion).",
        "阶段 {key}:未知的推进条件 {items}(可用 budget、authority、need、timeline、competition、champion)。",
    ),
    "deal.stages.err_days": (
        "Stage {key}: max days must be between 1 and 3650.",
        "阶段 {key}:最多天数必须在 1 到 3650 之间。",
    ),
    "deal.stages.err_preset": ("No preset “{name}”. Presets: {presets}.", "没有预设“{name}”。可用预设:{presets}。"),
    "deal.stages.err_unknown": ("There is no active stage “{key}”.", "没有可用的阶段“{key}”。"),
    "deal.stages.err_line": (
        "Line {line} should read: key | English | 中文 | 40% | budget, authority | 30",
        "第 {line} 行格式应为:代码 | English | 中文名 | 40% | budget, authority | 30",
    ),
    "deal.stages.err_edit": (
        "I couldn't read that. Example: `/coach stages edit D prob 40% days 30 exit budget,authority`.",
        "无法识别。示例:`/coach stages edit D prob 40% days 30 exit 预算,决策人`。",
    ),
    # ----- handover -----------------------------------------------------------------------
    "handover.usage": (
        "Usage: `/coach handover @from @to` moves accounts, open deals and open follow-ups.",
        "用法:`/coach handover @原负责人 @新负责人`,转交客户、进行中的商机和未完成的跟进。",
    ),
    "handover.same": ("Those are the same person.", "两位是同一个人。"),
    "handover.nothing": ("<@{source}> has nothing to hand over.", "<@{source}> 没有需要转交的内容。"),
    "handover.question": (
        "Hand over from <@{source}> to <@{target}>: {accounts:plural:# account|# accounts}, {deals:plural:# "
        "open deal|# open deals}, "
        "{follow_ups:plural:# open follow-up|# open follow-ups}? History (visits, stage moves, closed deals) "
        "stays as it is.",
        "从 <@{source}> 转交给 <@{target}>:{accounts} 个客户、{deals} 个进行中商机、{follow_ups} 个未完成跟进?"
        "历史(拜访、阶段变更、已关闭商机)保持不变。",
    ),
    "handover.confirm": ("Hand over", "确认转交"),
    "handover.done": (
        "Handed over from <@{source}> to <@{target}>: {accounts:plural:# account|# accounts}, {deals:plural:# "
        "open deal|# open deals}, "
        "{follow_ups:plural:# open follow-up|# open follow-ups}.",
        "已从 <@{source}> 转交给 <@{target}>:{accounts} 个客户、{deals} 个进行中商机、{follow_ups} 个未完成跟进。",
    ),
    "handover.cancelled": ("Handover cancelled; nothing moved.", "已取消转交,没有任何改动。"),
    # ----- CSV ----------------------------------------------------------------------------
    "csv.export.usage": (
        "Usage: `/coach export visits|deals|conversion [since 2026-01-01]` (managers: your team; admins: everyone).",
        "用法:`/coach export visits|deals|conversion [since 2026-01-01]`(经理:本团队;管理员:全部)。",
    ),
    "csv.export.done": (
        "Here is the {kind} export: {rows:plural:# row|# rows}.",
        "导出文件({kind}):共 {rows} 行。",
    ),
    "csv.export.title_visits": ("Visits", "拜访"),
    "csv.export.title_deals": ("Deals", "商机"),
    "csv.export.title_conversion": ("Conversion", "转化率"),
    "csv.import.done": (
        "Imported {kind}: {created} new, {updated} updated.",
        "已导入{kind}:新增 {created} 条,更新 {updated} 条。",
    ),
    "csv.import.failed": (
        "Nothing was imported: {count:plural:# problem|# problems} in the file.",
        "没有导入任何数据:文件中有 {count} 处问题。",
    ),
    "csv.err.line": ("line {line}: ", "第 {line} 行:"),
    "csv.err.too_big": ("The file is over {limit} MB.", "文件超过 {limit} MB。"),
    "csv.err.encoding": (
        "The file is not UTF-8 text; save it as “CSV UTF-8”.",
        "文件不是 UTF-8 文本,请另存为“CSV UTF-8”格式。",
    ),
    "csv.err.empty": ("The file is empty.", "文件是空的。"),
    "csv.err.malformed": ("This is not valid CSV (check the quotes).", "CSV 格式不正确(请检查引号)。"),
    "csv.err.missing_column": ("A column is missing: {columns}.", "缺少列:{columns}。"),
    "csv.err.too_many": ("More than {limit:plural:# row|# rows}; split the file.", "超过 {limit} 行,请拆分文件。"),
    "csv.err.no_workspace": (
        "There is no workspace {team}; use the app there once first.",
        "没有工作区 {team},请先在该工作区使用一次本应用。",
    ),
    "csv.err.owner_unknown": (
        "no one called “{value}”; give their Slack user id (U…) instead.",
        "找不到“{value}”,请改填其 Slack 用户 ID（U…）。",
    ),
    "csv.err.owner_ambiguous": (
        "several people are called “{value}”; give their Slack user id (U…).",
        "有多人名为“{value}”,请改填 Slack 用户 ID（U…）。",
    ),
    "csv.err.no_name": ("the account name is empty.", "客户名称为空。"),
    "csv.err.no_contact_name": ("the contact name is empty.", "联系人姓名为空。"),
    "csv.err.too_long": ("{column} is longer than {limit} characters.", "{column} 超过 {limit} 个字符。"),
    "csv.err.duplicate": ("“{name}” is already on line {other}.", "“{name}”已在第 {other} 行出现。"),
    "csv.err.amount": ("“{value}” is not an amount.", "“{value}”不是有效金额。"),
    "csv.err.business": (
        "“{value}” should be has_business or no_business (有生意 / 无生意).",
        "“{value}”应为 有生意 或 无生意(has_business / no_business)。",
    ),
    "csv.err.account_unknown": (
        "no account “{value}”; import accounts first.",
        "没有客户“{value}”,请先导入客户。",
    ),
    "csv.err.account_ambiguous": (
        "“{value}” names several accounts; use the full name.",
        "“{value}”对应多个客户,请写完整名称。",
    ),
    "csv.err.role": (
        "“{value}” is not a buying role (decision maker, influencer, user, purchaser, coach; 决策人、影响者、"
        "使用者、采购、教练).",
        "“{value}”不是有效角色(决策人、影响者、使用者、采购、教练;decision maker、influencer、user、"
        "purchaser、coach)。",
    ),
    "csv.err.level": ("“{value}” is not a relationship level 0–5.", "“{value}”不是 0–5 的关系水平。"),
    "csv.err.email": ("“{value}” is not an email address.", "“{value}”不是有效的邮箱地址。"),
    "csv.err.domain": (
        "“{value}” is not a list of email domains (ricoh.com, ricoh.co.jp).",
        "“{value}”不是邮箱域名列表(如 ricoh.com, ricoh.co.jp)。",
    ),
    "csv.err.domain_taken": (
        "The email domain {value} belongs to another account.",
        "邮箱域名 {value} 已属于另一个客户。",
    ),
}
