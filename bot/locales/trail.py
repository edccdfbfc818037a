"""Strings of a record's audit trail (History): visits, contacts, accounts; and Mark as lead."""

MESSAGES: dict[str, tuple[str, str]] = {
    "trail.history": ("History", "修改记录"),
    "trail.title": (
        "Changes to {name}: {first}–{last} of {total}, newest first",
        "{name} 的修改记录:第 {first}–{last} 条,共 {total} 条(最新在前)",
    ),
    "trail.none": ("No changes to {name} yet.", "{name} 还没有修改记录。"),
    "trail.visit": ("visit #{id}", "拜访 #{id}"),
    "trail.entry": ("{who} · {when} · {action}", "{who} · {when} · {action}"),
    "trail.reason": ("reason: {reason}", "原因:{reason}"),
    "trail.empty": ("(empty)", "(空)"),
    "trail.older": ("Older ({count} more)", "更早({count} 条)"),
    "trail.action.edit": ("edited", "修改"),
    "trail.action.delete": ("deleted", "删除"),
    "trail.action.merge_in": ("merged in", "合并进来"),
    "trail.action.merged": ("merged away", "已合并"),
    "account.lead_marked": (
        "*{name}* is now a lead, assigned to {owner}.",
        "*{name}* 已标记为线索,负责人:{owner}。",
    ),
    "account.lead_already": ("*{name}* already has an open lead.", "*{name}* 已经有一条未关闭的线索。"),
    "home.visits.me": ("My visits", "我的拜访"),
    "home.visits.team": ("My team's visits", "团队的拜访"),
    "home.visits.newer": ("Newer", "较新"),
    "home.visits.older": ("Older", "更早"),
    "account.lead_contact": ("(contact to be found)", "(联系人待定)"),
    "account.mark_lead": ("Mark as lead", "标记为线索"),
}
