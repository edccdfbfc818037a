"""Words the synthetic data is made of: company and person names in both scripts, titles,
visit purposes, notes and next steps, and the channel words reps type.

Kept apart from the generator so the benchmarks that type `/visit` lines use the same words the
data was generated from. No entry contains a tab, newline or backslash (the PostgreSQL COPY
writer relies on cheap escaping; `tests/test_bench_generate.py` checks it).
"""

from __future__ import annotations

# (Chinese, English / pinyin)
CN_CITIES = [
    ("上海", "Shanghai"), ("北京", "Beijing"), ("深圳", "Shenzhen"), ("广州", "Guangzhou"), ("杭州", "Hangzhou"),
    ("苏州", "Suzhou"), ("南京", "Nanjing"), ("成都", "Chengdu"), ("武汉", "Wuhan"), ("天津", "Tianjin"),
    ("重庆", "Chongqing"), ("西安", "Xi'an"), ("青岛", "Qingdao"), ("宁波", "Ningbo"), ("无锡", "Wuxi"),
    ("厦门", "Xiamen"), ("长沙", "Changsha"), ("郑州", "Zhengzhou"), ("合肥", "Hefei"), ("大连", "Dalian"),
    ("沈阳", "Shenyang"), ("济南", "Jinan"), ("福州", "Fuzhou"), ("东莞", "Dongguan"), ("佛山", "Foshan"),
    ("昆明", "Kunming"), ("常州", "Changzhou"), ("南昌", "Nanchang"), ("哈尔滨", "Harbin"), ("石家庄", "Shijiazhuang"),
]  # fmt: skip
CN_BRAND_1 = [
    ("华", "Hua"), ("中", "Zhong"), ("东", "Dong"), ("金", "Jin"), ("宏", "Hong"), ("恒", "Heng"), ("博", "Bo"),
    ("瑞", "Rui"), ("天", "Tian"), ("鑫", "Xin"), ("新", "Xin"), ("安", "An"), ("远", "Yuan"), ("海", "Hai"),
    ("汇", "Hui"), ("永", "Yong"), ("盛", "Sheng"), ("长", "Chang"), ("大", "Da"), ("国", "Guo"), ("德", "De"),
    ("泰", "Tai"), ("兴", "Xing"), ("嘉", "Jia"), ("富", "Fu"), ("广", "Guang"), ("龙", "Long"), ("明", "Ming"),
    ("正", "Zheng"), ("联", "Lian"), ("信", "Xin"), ("和", "He"), ("万", "Wan"), ("晨", "Chen"), ("普", "Pu"),
    ("创", "Chuang"), ("智", "Zhi"), ("星", "Xing"), ("光", "Guang"), ("科", "Ke"),
]  # fmt: skip
CN_BRAND_2 = [
    ("达", "da"), ("通", "tong"), ("源", "yuan"), ("丰", "feng"), ("利", "li"), ("成", "cheng"), ("阳", "yang"),
    ("鼎", "ding"), ("辉", "hui"), ("峰", "feng"), ("诚", "cheng"), ("润", "run"), ("航", "hang"), ("宇", "yu"),
    ("讯", "xun"), ("威", "wei"), ("邦", "bang"), ("特", "te"), ("捷", "jie"), ("驰", "chi"), ("腾", "teng"),
    ("锐", "rui"), ("凯", "kai"), ("立", "li"), ("合", "he"), ("益", "yi"), ("康", "kang"), ("洋", "yang"),
    ("建", "jian"), ("美", "mei"), ("佳", "jia"), ("盈", "ying"), ("翔", "xiang"), ("森", "sen"), ("铭", "ming"),
    ("泽", "ze"), ("骏", "jun"), ("拓", "tuo"), ("昊", "hao"), ("晟", "sheng"),
]  # fmt: skip
CN_INDUSTRIES = [
    ("科技", "Technology"), ("电子", "Electronics"), ("机械", "Machinery"), ("制药", "Pharmaceutical"),
    ("物流", "Logistics"), ("贸易", "Trading"), ("化工", "Chemical"), ("建设", "Construction"), ("食品", "Foods"),
    ("纺织", "Textiles"), ("汽车零部件", "Auto Parts"), ("医疗器械", "Medical Devices"), ("信息技术", "IT"),
    ("新能源", "New Energy"), ("材料", "Materials"), ("印刷", "Printing"), ("家电", "Appliances"),
    ("精密仪器", "Precision Instruments"), ("环保", "Environmental"), ("软件", "Software"),
    ("半导体", "Semiconductor"), ("教育", "Education"), ("金融服务", "Financial Services"), ("地产", "Real Estate"),
    ("酒店管理", "Hospitality"),
]  # fmt: skip
CN_SUFFIXES = ["有限公司", "股份有限公司", "集团有限公司", "有限责任公司"]

EN_ROOT_1 = [
    "Blue", "North", "Silver", "Red", "Green", "Golden", "Bright", "Clear", "Iron", "Stone", "Cedar", "Pine", "Oak",
    "Maple", "River", "Lake", "Harbor", "Summit", "Pacific", "Atlantic", "Eastern", "Western", "Grand", "Prime",
    "Apex", "Vertex", "Nova", "Orion", "Polar", "Sun", "Star", "Crystal", "Swift", "Falcon", "Eagle", "Lion",
    "Tiger", "Bay", "Coral", "Delta",
]  # fmt: skip
EN_ROOT_2 = [
    "wind", "field", "ridge", "gate", "bridge", "point", "stone", "wood", "water", "light", "line", "path", "view",
    "crest", "brook", "haven", "works", "tech", "core", "wave", "dale", "mark", "port", "side", "land", "peak",
    "rock", "tower", "forge", "scape",
]  # fmt: skip
# (English, Chinese) so that an English company can carry a Chinese alias.
EN_INDUSTRIES = [
    ("Robotics", "机器人"), ("Logistics", "物流"), ("Systems", "系统"), ("Foods", "食品"), ("Pharma", "医药"),
    ("Analytics", "数据"), ("Engineering", "工程"), ("Components", "零部件"), ("Software", "软件"),
    ("Energy", "能源"), ("Materials", "材料"), ("Medical", "医疗"), ("Textiles", "纺织"), ("Printing", "印刷"),
    ("Consulting", "咨询"), ("Networks", "网络"), ("Devices", "设备"), ("Motors", "电机"), ("Chemicals", "化学"),
    ("Labs", "实验室"),
]  # fmt: skip
EN_SUFFIXES = ["Inc", "Ltd", "Co., Ltd.", "GmbH", "LLC", "Corp", "Pte Ltd", "K.K."]
EN_REGIONS = ["", "", "(China)", "(Asia)", "(Shanghai)"]
# Syllables foreign firms use for their Chinese names (理光 for Ricoh, 博世 for Bosch).
CN_TRANSLIT = [
    "艾", "博", "康", "瑞", "斯", "特", "威", "德", "尔", "森", "诺", "克", "莱", "普", "亚", "杰", "恩", "迪",
    "卡", "菲", "格", "安", "奥", "拓", "理", "光", "世", "宝", "雅", "思",
]  # fmt: skip

CN_SURNAMES = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭",
    "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹", "袁", "邓", "许", "傅",
    "沈", "曾", "彭", "吕",
]  # fmt: skip
# Pinyin of the surnames above, same order ("David Li").
CN_SURNAMES_PINYIN = [
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu", "Xu", "Sun", "Hu", "Zhu", "Gao",
    "Lin", "He", "Guo", "Ma", "Luo", "Liang", "Song", "Zheng", "Xie", "Han", "Tang", "Feng", "Yu", "Dong", "Xiao",
    "Cheng", "Cao", "Yuan", "Deng", "Xu", "Fu", "Shen", "Zeng", "Peng", "Lyu",
]  # fmt: skip
CN_GIVEN = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀",
    "霞", "平", "刚", "英", "华", "玉", "萍", "红", "鹏", "辉", "飞", "鑫", "宇", "浩", "凯", "晨", "婷", "雪",
    "琳", "欣", "佳", "子", "梓", "涵", "思", "文", "博", "然", "轩", "睿", "一", "诗", "雨", "嘉", "俊", "志",
    "建", "国", "海", "峰", "晓", "立",
]  # fmt: skip
EN_FIRST = [
    "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "David", "Elizabeth", "William",
    "Susan", "Richard", "Jessica", "Joseph", "Sarah", "Thomas", "Karen", "Daniel", "Nancy", "Matthew", "Lisa",
    "Anthony", "Betty", "Mark", "Sandra", "Steven", "Ashley", "Paul", "Emily", "Andrew", "Michelle", "Kevin",
    "Amanda", "Brian", "Melissa", "George", "Laura", "Eric", "Rachel", "Peter", "Grace", "Tony", "Helen", "Jason",
    "Anna", "Frank", "Lucy", "Vincent", "Cindy",
]  # fmt: skip
EN_LAST = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Garcia", "Wilson", "Anderson", "Taylor",
    "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White", "Harris", "Clark", "Lewis", "Walker", "Hall",
    "Young", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Campbell", "Mitchell",
    "Roberts", "Carter", "Phillips", "Evans", "Turner", "Parker", "Collins", "Edwards", "Stewart", "Morris",
    "Murphy", "Cook", "Rogers", "Morgan", "Cooper", "Peterson", "Reed",
]  # fmt: skip

# (title, buying role) per language; the role is what a rep would most likely record.
TITLES_ZH = [
    ("总经理", "decision_maker"), ("董事长", "decision_maker"), ("副总经理", "decision_maker"),
    ("财务总监", "decision_maker"), ("采购经理", "purchaser"), ("采购专员", "purchaser"), ("技术总监", "influencer"),
    ("项目经理", "influencer"), ("运营总监", "influencer"), ("IT经理", "user"), ("IT主管", "user"),
    ("行政经理", "user"), ("工程师", "user"), ("部门主管", "influencer"),
]  # fmt: skip
TITLES_EN = [
    ("CEO", "decision_maker"), ("General Manager", "decision_maker"), ("CFO", "decision_maker"),
    ("VP Operations", "decision_maker"), ("Procurement Manager", "purchaser"), ("Buyer", "purchaser"),
    ("CTO", "influencer"), ("Project Manager", "influencer"), ("Operations Director", "influencer"),
    ("IT Manager", "user"), ("IT Director", "influencer"), ("Office Manager", "user"), ("Engineer", "user"),
    ("Facilities Manager", "user"),
]  # fmt: skip
DEPARTMENTS_ZH = ["采购部", "信息部", "财务部", "行政部", "技术部", "总经办", "运营部"]
DEPARTMENTS_EN = ["Procurement", "IT", "Finance", "Admin", "Engineering", "Executive Office", "Operations"]

PURPOSES_ZH = [
    "确认需求", "产品演示", "方案讲解", "商务谈判", "价格沟通", "季度回访", "关系维护", "了解预算", "介绍新产品",
    "合同细节确认", "售后回访", "技术交流",
]  # fmt: skip
PURPOSES_EN = [
    "needs confirmed", "product demo", "proposal walkthrough", "commercial negotiation", "pricing discussion",
    "quarterly review", "relationship check-in", "budget discovery", "new product intro", "contract details",
    "after-sales follow-up", "technical exchange",
]  # fmt: skip
NOTES_ZH = [
    "客户对价格敏感", "决策人下月出差", "竞争对手已提交方案", "预算已批准", "需要更多成功案例", "对售后服务满意",
    "采购流程较长", "IT部门支持我们", "客户计划明年扩产", "关注交付周期",
]  # fmt: skip
NOTES_EN = [
    "price sensitive", "decision maker travelling next month", "competitor already sent a proposal",
    "budget approved", "wants more reference cases", "happy with after-sales service", "long buying process",
    "IT supports us", "expanding capacity next year", "worried about delivery time",
]  # fmt: skip
NEXT_STEPS_ZH = [
    "发方案",
    "安排演示",
    "报价",
    "约决策人见面",
    "发送案例资料",
    "回电确认",
    "提交合同草稿",
    "安排技术交流",
]
NEXT_STEPS_EN = [
    "send proposal", "schedule demo", "send quote", "meet the decision maker", "send case studies",
    "call back to confirm", "send draft contract", "arrange technical session",
]  # fmt: skip
LESSONS_ZH = ["决策人没参加演示", "提案比对手晚了一周", "预算一开始就不清楚", "教练帮了大忙", "早期就确认了采购流程"]
LESSONS_EN = [
    "decision maker skipped the demo", "our proposal came a week after the competitor's",
    "budget was never clear", "our coach made the difference", "buying process confirmed early",
]  # fmt: skip
DEAL_PRODUCTS = [
    ("打印机租赁", "Printer lease"), ("多功能一体机升级", "MFP upgrade"), ("文档管理系统", "Document management"),
    ("打印管理服务", "Managed print services"), ("IT外包", "IT outsourcing"), ("生产型印刷设备", "Production press"),
    ("视频会议系统", "Video conferencing"), ("云存储方案", "Cloud storage"),
]  # fmt: skip

CHANNELS = ("in_person", "phone", "im", "email", "informal")
CHANNEL_WEIGHTS = (0.22, 0.32, 0.32, 0.10, 0.04)  # face time is the scarce one
CHANNEL_WORDS_ZH = {"in_person": "面谈", "phone": "电话", "im": "微信", "email": "邮件", "informal": "饭局"}
CHANNEL_WORDS_EN = {"in_person": "in person", "phone": "phone", "im": "WeChat", "email": "email", "informal": "dinner"}

LOSS_REASON_WEIGHTS = {
    "price": 0.30,
    "competitor_relationship": 0.13,
    "dm_absent": 0.12,
    "late_proposal": 0.12,
    "budget_unknown": 0.10,
    "no_need": 0.10,
    "process_unknown": 0.08,
    "never_engaged": 0.05,
}

# Where the reps sit, and how many of them (Slack gives us IANA names).
REP_ZONES = [
    ("Asia/Shanghai", 0.70),
    ("Asia/Singapore", 0.08),
    ("Asia/Tokyo", 0.05),
    ("America/Los_Angeles", 0.07),
    ("Europe/London", 0.05),
    ("America/New_York", 0.05),
]


def all_words() -> list[str]:
    """Every string above (for the escaping check)."""
    out: list[str] = []
    for name, value in globals().items():
        if name.isupper() and isinstance(value, list | tuple | dict):
            items = value.values() if isinstance(value, dict) else value
            for item in items:
                out.extend(str(x) for x in (item if isinstance(item, tuple) else (item,)))
    return out
