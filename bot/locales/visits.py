"""Strings of visit logging (`/visit`, the visit modal and the shortcuts)."""

MESSAGES: dict[str, tuple[str, str]] = {
    # channels, roles, levels
    "visit.channel.phone": ("phone", "电话"),
    "visit.channel.im": ("IM / WeChat", "微信 / IM"),
    "visit.channel.email": ("email", "邮件"),
    "visit.channel.in_person": ("in person", "面谈"),
    "visit.channel.informal": ("informal (meal, offsite)", "非正式(饭局、外出)"),
    "visit.channel.video": ("video call", "视频会议"),
    "visit.role.decision_maker": ("decision maker", "决策人"),
    "visit.role.influencer": ("influencer", "影响者"),
    "visit.role.user": ("user", "使用者"),
    "visit.role.purchaser": ("purchaser", "采购"),
    "visit.role.coach": ("coach", "教练"),
    "visit.level.0": ("0 · no contact", "0 · 未接触"),
    "visit.level.1": ("1 · phone / WeChat / email", "1 · 电话/微信/邮件联系"),
    "visit.level.2": ("2 · met face to face", "2 · 见过面"),
    "visit.level.3": ("3 · talked outside the office", "3 · 私下交流过"),
    "visit.level.4": ("4 · supports our proposal", "4 · 支持我们的方案"),
    "visit.level.5": ("5 · fan: sells for us", "5 · 铁杆:帮我们推动"),
    "visit.default_step": ("Follow up", "跟进"),
    # the stored-visit reply
    "visit.logged.title": ("Logged your visit to *{account}*", "已记录拜访:*{account}*"),
    "visit.logged.duplicate": (
        "This visit was already logged (same request); nothing was stored twice.",
        "这次拜访已经记录过(同一请求),没有重复保存。",
    ),
    "visit.logged.shared": (
        "*{account}* is {owner}'s account: the visit is logged there (no duplicate account) and counts"
        " for you; {owner} will see it in their next digest.",
        "*{account}* 是{owner}的客户:拜访已记在这个客户下(没有新建重复客户),计入你的拜访;{owner}会在下一次摘要里看到。",
    ),
    "visit.updated.title": ("Updated your visit to *{account}*", "已更新拜访:*{account}*"),
    "visit.field.when": ("When", "时间"),
    "visit.field.channel": ("Channel", "方式"),
    "visit.field.contacts": ("Contacts", "联系人"),
    "visit.field.purpose": ("Purpose", "目的"),
    "visit.field.notes": ("Notes", "备注"),
    "visit.field.next": ("Next step", "下一步"),
    "visit.channel_assumed": (
        "{channel} (assumed: say phone, WeChat, email or dinner otherwise)",
        "{channel}(默认;如不是请注明 电话/微信/邮件/饭局)",
    ),
    "visit.contact.line": ("{name}{role}: level {after}{change}", "{name}{role}:关系 {after}{change}"),
    "visit.contact.was": (" (was {before})", "(原为 {before})"),
    "visit.contact.new": (" · new contact", " · 新联系人"),
    "visit.no_contacts": ("none named", "未填写"),
    "visit.next.due": ("{step}, due {due}", "{step},截止 {due}"),
    "visit.next.no_due": (
        "{step} (no due date understood, so no follow-up was created: use *Add follow-up*)",
        "{step}(没有识别出截止时间,未创建跟进;请点“添加跟进”)",
    ),
    "visit.none": ("—", "—"),
    "visit.due_moved": (
        ":calendar: {day} is {reason}, so the next step is due on your next working day instead.",
        ":calendar: {day} 是{reason},下一步的到期日已顺延到你的下一个工作日。",
    ),
    "visit.due_moved.weekend": ("not one of your working days", "你的非工作日"),
    "visit.due_moved.holiday": ("a holiday", "假日"),
    "visit.due_moved.time_off": ("during your time off", "你的休假期间"),
    "visit.lead_closed": (
        "First contact with this new lead: its {hours}-hour clock is closed.",
        "已首次联系这个新线索,{hours} 小时联系时限已完成。",
    ),
    "visit.button.edit": ("Edit", "编辑"),
    "visit.button.undo": ("Undo", "撤销"),
    "visit.button.follow_up": ("Add follow-up", "添加跟进"),
    "visit.button.open_form": ("Open the form", "打开表单"),
    "visit.undo.confirm_title": ("Undo this visit?", "撤销这次拜访?"),
    "visit.undo.confirm_text": (
        "The visit, its follow-up and the contact changes it made will be removed.",
        "将删除这次拜访、它的跟进以及它对联系人的改动。",
    ),
    "visit.undo.done": ("Undone: the visit to *{account}* was removed.", "已撤销:删除了对 *{account}* 的拜访。"),
    "visit.undo.too_late": (
        "Undo is only possible within 10 minutes of logging; use Edit instead.",
        "只能在记录后 10 分钟内撤销;请改用“编辑”。",
    ),
    "visit.not_yours": ("Only the rep who logged a visit can change it.", "只有记录这次拜访的人可以修改它。"),
    # what was not understood
    "visit.issues.title": ("Not understood (kept out of the visit):", "没有理解的部分(未计入):"),
    "visit.issue.ignored": ("“{text}”: ignored", "“{text}”:已忽略"),
    "visit.issue.unbalanced": ("an unmatched “{text}”", "多余或未配对的“{text}”"),
    "visit.issue.level_range": ("“{text}”: levels go from 0 to 5", "“{text}”:关系水平只能是 0 到 5"),
    "visit.issue.level_without_contact": (
        "level {text}: no contact was named to apply it to",
        "关系 {text}:没有写联系人,无法设置",
    ),
    "visit.issue.due_unclear": ("“{text}”: not a date I understand", "“{text}”:无法识别的日期"),
    "visit.issue.due_past": ("“{text}”: that due time has already passed", "“{text}”:这个截止时间已经过去"),
    "visit.issue.next_empty": ("the next step is empty", "下一步是空的"),
    "visit.issue.contact_unclear": (
        "“{text}”: unclear which part is the name (separate names with commas)",
        "“{text}”:分不清哪部分是姓名(多个姓名请用逗号分开)",
    ),
    # why a line could not be stored
    "visit.blocked.title": ("I couldn't log this visit yet.", "这次拜访还不能记录。"),
    "visit.blocked.empty": (
        "The line is empty. Type `/visit help` for examples, or `/visit` alone for the form.",
        "内容是空的。输入 `/visit help` 看示例,或只输入 `/visit` 打开表单。",
    ),
    "visit.blocked.too_long": (
        "It is longer than {text} characters; put the details in the form's notes instead.",
        "内容超过 {text} 个字符;请把详细内容填到表单的备注里。",
    ),
    "visit.blocked.no_account": (
        "I couldn't tell which account you visited: start the line with the account name.",
        "看不出拜访的是哪个客户:请把客户名称写在最前面。",
    ),
    "visit.blocked.far_future": (
        "“{text}” is more than a year ahead; visits are logged after they happen, next steps within a year.",
        "“{text}”在一年以后;拜访在发生后记录,下一步请定在一年之内。",
    ),
    "visit.blocked.future_visit": (
        "“{text}” is in the future; log a visit once it has happened, or say `next:` for a next step.",
        "“{text}”是将来的时间;拜访请在发生后记录,下一步请用“下一步:”。",
    ),
    "visit.blocked.far_past": (
        "“{text}” is more than a year ago; please check the date.",
        "“{text}”是一年多以前;请检查日期。",
    ),
    "visit.blocked.date_no_month": (
        "“{text}” is not a date: there is no such month, so nothing was stored.",
        "“{text}”不是有效日期:没有这个月份,未保存。",
    ),
    "visit.blocked.date_no_day": (
        "“{text}” is not a date: that month has no such day, so nothing was stored.",
        "“{text}”不是有效日期:这个月没有这一天,未保存。",
    ),
    "visit.blocked.date_unclear": ("“{text}” is not a date I understand.", "“{text}”是无法识别的日期。"),
    "visit.understood.title": ("What I understood:", "我理解到的内容:"),
    "visit.understood.nothing": ("nothing I could use", "没有可用的内容"),
    "visit.understood.account": ("account: {text}", "客户:{text}"),
    "visit.understood.contacts": ("contacts: {text}", "联系人:{text}"),
    "visit.understood.channel": ("channel: {text}", "方式:{text}"),
    "visit.understood.date": ("date: {text}", "日期:{text}"),
    "visit.understood.purpose": ("purpose: {text}", "目的:{text}"),
    "visit.understood.notes": ("notes: {text}", "备注:{text}"),
    "visit.understood.level": ("level: {text}", "关系水平:{text}"),
    "visit.understood.next": ("next step: {text}", "下一步:{text}"),
    "visit.you_typed": ("You typed (copy it to send again):", "你输入的内容(可复制后重新发送):"),
    # account and contact questions
    "visit.ask.account": (
        "Which account did you mean by “{text}”? Pick one and I'll log the visit.",
        "“{text}”指的是哪个客户?选一个,我就记录这次拜访。",
    ),
    "visit.ask.account_typo": (
        "I don't know “{text}” exactly. Did you mean one of these?",
        "没有完全匹配“{text}”的客户。是下面哪一个吗?",
    ),
    "visit.ask.create": ("Create “{text}”", "新建“{text}”"),
    "visit.offer.create": (
        "I don't know an account called “{text}”. Create it (owned by you) and log the visit?",
        "没有叫“{text}”的客户。要新建这个客户(归你负责)并记录拜访吗?",
    ),
    "visit.offer.create_button": ("Create “{text}” and log", "新建“{text}”并记录"),
    "visit.ask.contact": (
        "Which “{text}” at {account} did you meet?",
        "在 {account} 见的是哪位“{text}”?",
    ),
    "visit.ask.new_contact": ("New contact “{text}”", "新联系人“{text}”"),
    "visit.ask.too_long": (
        "This line is too long to continue from a button: send it again with the exact account name, "
        "or use the form (`/visit`).",
        "这段内容太长,无法通过按钮继续:请用准确的客户名称重新发送,或使用表单(`/visit`)。",
    ),
    "visit.ask.stale": (
        "That choice is no longer available; nothing was stored. Send the line again.",
        "这个选项已失效,没有保存任何内容。请重新发送。",
    ),
    # list, today, help, lang
    "visit.list.title": ("Your last visits", "你最近的拜访"),
    "visit.list.empty": (
        "You haven't logged any visits yet. Try `/visit help`.",
        "你还没有记录过拜访。试试 `/visit help`。",
    ),
    "visit.list.line": (
        "*{when}* · {account} · {channel}{contacts}{next}",
        "*{when}* · {account} · {channel}{contacts}{next}",
    ),
    "visit.list.next": ("\n      next: {step} ({due})", "\n      下一步:{step}({due})"),
    "visit.today.title": (
        "Today: {count} of {standard:plural:# visit|# visits} (your team's daily standard)",
        "今天:{count} / {standard} 次拜访(团队每日标准)",
    ),
    "visit.today.empty": ("No visits logged today yet.", "今天还没有记录拜访。"),
    "visit.help": (
        "*Log a visit in one line* (words in any order):\n"
        "• `/visit Ricoh with Zhang (decision maker) in person: needs confirmed; next: proposal by Fri`\n"
        "• `/visit Acme phone with Li Wei: pricing; next: call back tomorrow 10am`\n"
        "• `/visit Ricoh dinner with Wang level 4 yesterday`\n"
        "*What I understand*: the account first; contacts after `with` (role in brackets: decision maker, "
        "influencer, user, purchaser, coach); channel (phone, WeChat, email, in person, dinner/offsite); "
        "text after `:` is the purpose; `level 0-5`; a past date (`yesterday`, `2026-11-02`) back-fills; "
        "`next:` starts the next step and its due date becomes a follow-up.\n"
        "*Also*: `/visit` alone opens the form · `/visit list` · `/visit today` · `/visit lang zh|en` · "
        "the message menu *Log as visit* turns a message into a visit.",
        "*一行记录拜访*(词序随意):\n"
        "• `/visit 理光 张总 面谈 确认需求 下一步: 下周三前发方案`\n"
        "• `/visit 理光 见了王经理(决策人) 电话 报价 明天上午10点回电`\n"
        "• `/visit 理光 饭局 李总 关系4 昨天`\n"
        "*能识别*:客户名放最前;联系人(如 张总、见了王经理,括号里写角色:决策人、影响者、使用者、采购、教练);"
        "方式(电话、微信、邮件、面谈/拜访、饭局);冒号后面是目的;`关系0-5`;过去的日期(昨天、2026-11-02)用于补记;"
        "`下一步:` 后面是下一步和截止时间,会生成跟进提醒。\n"
        "*其他*:只输入 `/visit` 打开表单 · `/visit list` 最近拜访 · `/visit today` 今天 · "
        "`/visit lang zh|en` 切换语言 · "
        "消息菜单里的 *Log as visit* 可把一条消息记成拜访。",
    ),
    "visit.lang.done": ("Done: I'll answer you in English.", "好的,之后用中文回复你。"),
    "visit.lang.usage": ("Usage: `/visit lang zh` or `/visit lang en`", "用法:`/visit lang zh` 或 `/visit lang en`"),
    # the modal
    "visit.modal.title": ("Log a visit", "记录拜访"),
    "visit.modal.edit_title": ("Edit visit", "编辑拜访"),
    "visit.modal.account": ("Account", "客户"),
    "visit.modal.account_placeholder": ("Type to search your accounts", "输入以搜索你的客户"),
    "visit.modal.create_option": ("➕ Create “{text}”", "➕ 新建“{text}”"),
    "visit.modal.contacts": ("Contacts met", "见到的联系人"),
    "visit.modal.contacts_placeholder": ("Type to search this account's contacts", "输入以搜索该客户的联系人"),
    "visit.modal.new_contacts": ("New contacts", "新联系人"),
    "visit.modal.new_contacts_hint": (
        "Comma-separated; role in brackets, e.g. Zhang Wei (decision maker), Li Na (user)",
        "用顿号或逗号分隔,括号里写角色,例如:张伟(决策人)、李娜(使用者)",
    ),
    "visit.modal.level_for": ("Relationship level: {name}", "关系水平:{name}"),
    "visit.modal.level_new": ("Relationship level of new contacts", "新联系人的关系水平"),
    "visit.modal.level_hint": (
        "Leave empty to let the visit decide (phone 1, in person 2, informal 3).",
        "留空则按拜访方式自动设置(电话 1、面谈 2、非正式 3)。",
    ),
    "visit.modal.channel": ("Channel", "方式"),
    "visit.modal.date": ("Date of the visit", "拜访日期"),
    "visit.modal.purpose": ("Purpose", "目的"),
    "visit.modal.notes": ("Notes", "备注"),
    "visit.modal.part": ("{label} (part {part} of {parts})", "{label}（第 {part}/{parts} 部分）"),
    "visit.modal.too_long": (
        "This visit's text is too long to edit in a Slack form without cutting it, so the form "
        "was not opened. Here it is in full:",
        "这条拜访的文字太长，在 Slack 表单里编辑会被截断，所以没有打开表单。全文如下：",
    ),
    "visit.modal.next_step": ("Next step", "下一步"),
    "visit.modal.due_date": ("Next step due date", "下一步截止日期"),
    "visit.modal.due_time": ("Due time", "截止时间"),
    "visit.modal.from_message": ("From this message: {link}", "来自这条消息:{link}"),
    "visit.modal.error.account": (
        "Choose an account (or type a new name and pick “Create”).",
        "请选择客户(或输入新名称后选“新建”)。",
    ),
    "visit.modal.error.date_future": ("The visit date can't be in the future.", "拜访日期不能是将来。"),
    "visit.modal.error.date_old": ("That is more than a year ago.", "这是一年多以前。"),
    "visit.modal.error.date": ("Not a valid date.", "日期无效。"),
    "visit.modal.error.due_needed": ("Give the next step a due date.", "请为下一步设置截止日期。"),
    "visit.modal.error.due_past": ("The due date has already passed.", "截止时间已经过去。"),
    "visit.modal.error.due_far": ("Keep next steps within a year.", "下一步请定在一年之内。"),
    "visit.modal.error.contacts_account": (
        "Nothing was saved: some of the contacts you chose belong to another account than the one "
        "you chose. Here is what you wrote in the form:",
        "没有保存:选择的联系人中有的属于另一个客户。这是你在表单里填写的内容:",
    ),
    "visit.modal.error.new_contacts": ("Too many or too long names.", "姓名太多或太长。"),
    "visit.modal.no_account_contacts": ("Choose the account first", "请先选择客户"),
    "visit.follow_up.title": ("Add a follow-up", "添加跟进"),
    "visit.follow_up.text": ("What to do", "要做什么"),
    "visit.follow_up.due_date": ("Due date", "截止日期"),
    "visit.follow_up.done": (
        "Follow-up added for *{account}*: {step}, due {due}.",
        "已为 *{account}* 添加跟进:{step},截止 {due}。",
    ),
    "digests.daily.by_colleagues": (
        "\n    {count:plural:# visit|# visits} by colleagues on {name}'s accounts: {visits}",
        "\n    同事拜访了{name}的客户 {count} 次：{visits}",
    ),
    "digests.daily.by_colleague": ("{account} by {rep}", "{account}（{rep}）"),
    "digests.daily.by_colleagues_more": (" and {count} more", "，另有 {count} 次"),
}
