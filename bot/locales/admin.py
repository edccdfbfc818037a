"""Strings of `/coach` administration."""

MESSAGES: dict[str, tuple[str, str]] = {
    "coach.help": (
        "*Pipeline Coach admin commands*\n"
        "• `/coach role @user rep|manager|admin`: set someone's role (admins)\n"
        "• `/coach stages [preset NAME | edit …]`: the funnel stages (admins change them)\n"
        "• `/coach handover @from @to`: hand a rep's accounts, deals and follow-ups over (managers)\n"
        "• `/coach export visits|deals|conversion`: a CSV file in your DM (managers)\n"
        "• `/coach team [@manager @rep… | @user-group | #channel]`: teams and their digest channel\n"
        "• `/coach target @rep 500k Q1`: a rep's sales target (managers)\n"
        "• `/coach tier Ricoh grow 200k`: your 5+5+5 accounts\n"
        "• `/coach digest daily|weekly|recap|tier`: preview your team's digest (managers)\n"
        "• `/coach why`: your reminder rules, what each job did for you today and what was held back\n"
        "• `/coach calendar [ADDRESS | off]`: your calendar's private ICS address (meetings prompt the visit log)\n"
        "• `/coach leads key [revoke]`: a key for web forms to post leads with (admins)\n"
        "• `/coach leads route @rep | round-robin @a @b | region 华东=@a`: who gets inbound leads (admins)\n"
        "• `/coach settings [history]`: visit standard, cadences, follow-up rules, hours, digests, reasons (admins)\n"
        "• `/coach holidays [add DATE NAME | remove DATE | load CN 2027]`: days off (admins change them)\n"
        "• `/coach import`: import accounts, contacts or leads from a CSV file sent to me in a DM (admins)\n"
        "• `/coach help`: this list",
        "*Pipeline Coach 管理命令*\n"
        "• `/coach role @用户 rep|manager|admin`:设置角色(管理员)\n"
        "• `/coach stages [preset 名称 | edit …]`:销售漏斗阶段(管理员可修改)\n"
        "• `/coach handover @原负责人 @新负责人`:转交客户、商机和跟进(经理)\n"
        "• `/coach export visits|deals|conversion`:导出 CSV 文件到私信(经理)\n"
        "• `/coach team [@经理 @销售… | @用户组 | #频道]`:团队及其简报频道\n"
        "• `/coach target @销售 50万 Q1`:销售目标(经理)\n"
        "• `/coach tier 理光 扩大 20万`:你的 5+5+5 分层客户\n"
        "• `/coach digest daily|weekly|recap|tier`:预览团队简报(经理)\n"
        "• `/coach why`:你的提醒规则、今天每项任务为你做了什么、哪些提醒被暂缓及原因\n"
        "• `/coach calendar [地址 | off]`:你日历的私密 ICS 地址;客户会面结束后提醒记录拜访\n"
        "• `/coach leads key [revoke]`:网页表单提交线索用的密钥(管理员)\n"
        "• `/coach leads route @销售 | 轮流 @甲 @乙 | 区域 华东=@甲`:外部线索分配给谁(管理员)\n"
        "• `/coach settings [history]`:拜访标准、见面频率、跟进规则、时间、简报、原因(管理员)\n"
        "• `/coach holidays [add 日期 名称 | remove 日期 | load CN 2027]`:节假日(管理员可修改)\n"
        "• `/coach import`:在私信里发给我CSV文件,导入客户、联系人或线索(管理员)\n"
        "• `/coach help`:显示本列表",
    ),
    "coach.unknown": (
        "I don't know `/coach {word}`. Try `/coach help`.",
        "没有 `/coach {word}` 这个命令。试试 `/coach help`。",
    ),
    "coach.role.usage": (
        "Usage: `/coach role @user rep|manager|admin`",
        "用法:`/coach role @用户 rep|manager|admin`",
    ),
    "coach.role.done": ("<@{user}> is now {role}.", "<@{user}> 现在的角色是{role}。"),
    "coach.role.name.rep": ("a rep", "销售代表"),
    "coach.role.name.manager": ("a manager", "经理"),
    "coach.role.name.admin": ("an admin", "管理员"),
    "coach.role.last_admin": (
        "You are the last admin; make someone else admin first.",
        "你是最后一位管理员,请先指定另一位管理员。",
    ),
}
