"""Words of the CSV import from Slack (`/coach import`, a file sent to the bot's DM)."""

MESSAGES = {
    "csv.upload.help": (
        "*Import a CSV* (admins): send the file to me here in a direct message — drag it into this "
        "conversation. I tell accounts, contacts and leads apart by their header row; headers may be "
        "English or Chinese, in any order. UTF-8 (with or without BOM) or GBK/GB18030 (Excel on Chinese "
        "Windows), up to {limit} MB. A file with any bad line is refused whole, with each problem by line.",
        "*导入 CSV*(仅管理员):在这里私信把文件发给我(拖进本对话即可)。我根据表头识别客户、联系人或线索;"
        "表头可用中文或英文,顺序不限。支持 UTF-8(含或不含 BOM)或 GBK/GB18030(中文 Windows 的 Excel),"
        "最大 {limit} MB。只要有一行有问题,整个文件都不导入,并按行号列出问题。",
    ),
    "csv.upload.columns": ("*{kind}*: {columns}", "*{kind}*:{columns}"),
    "csv.upload.required": ("(required)", "(必填)"),
    "csv.upload.kind.accounts": ("Accounts", "客户"),
    "csv.upload.kind.contacts": ("Contacts", "联系人"),
    "csv.upload.kind.leads": ("Leads", "线索"),
    "csv.upload.not_admin": (
        "Only a workspace admin can import files. Ask an admin to send it to me; nothing was imported.",
        "只有工作区管理员可以导入文件。请让管理员把文件发给我;没有导入任何数据。",
    ),
    "csv.upload.not_csv": (
        "“{name}” is not a CSV file, so nothing was imported. Save it as CSV (UTF-8) and send it again.",
        "“{name}”不是 CSV 文件,没有导入任何数据。请另存为 CSV(UTF-8)后重新发送。",
    ),
    "csv.upload.too_big": (
        "“{name}” is {size} MB; files up to {limit} MB can be imported. Split it and send the parts; "
        "nothing was imported.",
        "“{name}”有 {size} MB,最大可导入 {limit} MB。请拆分后分别发送;没有导入任何数据。",
    ),
    "csv.upload.unreadable": (
        "I could not download “{name}” from Slack, so nothing was imported. Please send it again.",
        "无法从 Slack 下载“{name}”,没有导入任何数据。请重新发送。",
    ),
    "csv.upload.unknown_kind": (
        "I cannot tell what “{name}” holds: its header row matches no kind of import. "
        "Type `/coach import` to see the columns.",
        "无法识别“{name}”的内容:表头与任何导入类型都不匹配。输入 `/coach import` 查看各类列名。",
    ),
    "csv.upload.more": ("…and {n:plural:# more problem|# more problems}.", "……另有 {n} 处问题。"),
    "csv.upload.file": ("File “{name}” ({kind}).", "文件“{name}”({kind})。"),
}
