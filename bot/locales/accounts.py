"""Strings of `/account` (客户): the account card and its corrections."""

MESSAGES: dict[str, tuple[str, str]] = {
    "account.usage": (
        'Usage: `/account Ricoh` · `rename "Ricoh China"` · `alias add 理光` · `alias remove X` · `archive` · '
        "`restore` · `merge into Ricoh China` · `owner @rep` (managers)",
        '用法:`/account 理光` · `改名 "理光中国"` · `别名 添加 Ricoh` · `别名 删除 X` · `归档` · `恢复` · '
        "`合并到 理光中国` · `负责人 @销售`(经理)",
    ),
    "account.help": (
        'Correct it: `/account NAME rename "…"` · `alias add|remove …` · `archive` · `restore` · `merge into …` · '
        "`owner @rep`",
        '修改:`/account 名称 改名 "…"` · `别名 添加|删除 …` · `归档` · `恢复` · `合并到 …` · `负责人 @销售`',
    ),
    "account.none_found": ("I found no account called “{name}” among yours.", "在你的客户里没有找到“{name}”。"),
    "account.several": (
        "Several accounts match “{name}”: {names}. Type the full name.",
        "有几个客户符合“{name}”:{names}。请输入全名。",
    ),
    "account.renamed": (
        "Renamed *{old}* to *{name}* (the old name stays as an alias).",
        "已将 *{old}* 改名为 *{name}*(旧名保留为别名)。",
    ),
    "account.alias_added": ("Added the alias “{alias}” to *{name}*.", "已为 *{name}* 添加别名“{alias}”。"),
    "account.alias_removed": ("Removed the alias “{alias}” from *{name}*.", "已删除 *{name}* 的别名“{alias}”。"),
    "account.archived": (
        "Archived *{name}*: it no longer shows up when logging visits.",
        "已归档 *{name}*:记录拜访时不再出现。",
    ),
    "account.restored": ("Restored *{name}*.", "已恢复 *{name}*。"),
    "account.owner_set": ("*{name}* now belongs to {owner}.", "*{name}* 现在由 {owner} 负责。"),
    "account.name_taken": (
        "The same owner already has a live account called *{name}*: merge the two instead "
        "(`/account NAME merge into OTHER`).",
        "同一负责人已有名为 *{name}* 的客户:请改为合并(`/account 名称 合并到 另一个`)。",
    ),
    "account.merge_self": ("An account cannot be merged into itself.", "不能把客户合并到它自己。"),
    "account.merged": (
        "Merged *{source}* into *{target}*: {visits} visits, {contacts} contacts, {deals} deals and {follow_ups} "
        "follow-ups moved; its names kept as aliases.",
        "已将 *{source}* 合并到 *{target}*:移动了 {visits} 次拜访、{contacts} 个联系人、{deals} 个商机和 {follow_ups} "
        "个跟进;原名称保留为别名。",
    ),
    "account.aliases": ("Aliases", "别名"),
    "account.owner": ("Owner", "负责人"),
    "account.tier": ("Tier (5+5+5)", "分层(5+5+5)"),
    "account.status": ("Business status", "业务状态"),
    "account.lead": ("lead (not yet contacted)", "线索"),
    "account.is_archived": ("archived", "已归档"),
    "account.status.no_business": ("no business yet", "尚无业务"),
    "account.status.has_business": ("has business", "有业务"),
    "account.status.lost": ("lost", "已流失"),
    "account.deals": ("Open deals", "进行中的商机"),
}
