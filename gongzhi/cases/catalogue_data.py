"""The seeded catalogue (事项目录 / 事权清单): 13 groups, 55 matters, each with its handling level,
lead and co-departments with their shares of cost (主体责任、配合责任、财权分配占比, seed 001), authority
type, time limits, verification and intake questions, under one of the six themes of seed 003.

Department codes are resolved in each case's district: cg 城管, zj 住建, mz 民政, rs 人社, ga 公安,
sf 司法, wj 卫健, sthj 生态环境, scjg 市场监管, jy 教育.

`load(apps)` is idempotent: it adds what is missing and leaves matters an administrator has
changed alone. It is called by the data migration and by `gongzhi cases seed-catalogue`.
"""

from __future__ import annotations

from decimal import Decimal

# (code, name, theme)
GROUPS = [
    ("city", "城市管理", "housing"),
    ("environment", "环境卫生", "housing"),
    ("noise", "噪音扰民", "housing"),
    ("housing", "物业与住房", "housing"),
    ("utilities", "市政设施", "housing"),
    ("safety", "平安建设", "housing"),
    ("disputes", "矛盾纠纷", "housing"),
    ("market", "市场监管", "housing"),
    ("assistance", "社会救助", "relief"),
    ("jobs", "就业创业", "employment"),
    ("health", "医疗卫生", "health"),
    ("elderly", "养老服务", "elderly"),
    ("education", "教育文化", "culture"),
]

YES_NO = [{"key": "yes", "name": "是"}, {"key": "no", "name": "否"}]


def q(code, label, datatype="string", required=False, values=None):
    return {"code": code, "label": label, "datatype": datatype, "required": required, "values": values or []}


# (group, code, name, kind, level, authority, lead, lead_share, co [(code, share)], response h, handling d,
#  verification, questions)
LEAVES = [
    # 城市管理
    ("city", "illegal-construction", "私搭乱建", "complaint", "street", "shared", "cg", 70, [("zj", 30)], 4, 15, True,
     [q("structure", "搭建物类型", "singlevaluelist", True,
        [{"key": "shed", "name": "棚屋"}, {"key": "extension", "name": "扩建"}, {"key": "fence", "name": "围墙"},
         {"key": "other", "name": "其他"}])]),
    ("city", "street-vending", "占道经营、流动摊贩", "complaint", "community", "shared", "cg", 80, [("scjg", 20)], 4,
     3, False, []),
    ("city", "shared-bikes", "共享单车乱停乱放", "complaint", "grid", "delegated", "cg", 100, [], 4, 2, False,
     [q("brand", "单车品牌", "singlevaluelist", False,
        [{"key": "meituan", "name": "美团"}, {"key": "hellobike", "name": "哈啰"}, {"key": "didi", "name": "青桔"},
         {"key": "other", "name": "其他"}]),
      q("count", "大约数量", "number")]),
    ("city", "illegal-parking", "机动车乱停放", "complaint", "community", "shared", "ga", 70, [("cg", 30)], 4, 3,
     False, []),
    ("city", "signboards", "违规广告牌匾", "complaint", "street", "core", "cg", 100, [], 8, 10, True, []),
    # 环境卫生
    ("environment", "garbage-collection", "垃圾清运不及时", "complaint", "grid", "delegated", "cg", 100, [], 2, 1,
     False, []),
    ("environment", "debris", "乱扔垃圾、杂物堆放", "complaint", "grid", "delegated", "cg", 100, [], 4, 2, False, []),
    ("environment", "environment-improvement", "小区环境整治", "suggestion", "community", "shared", "cg", 60,
     [("zj", 40)], 8, 10, True, []),
    ("environment", "stray-animals", "流浪猫狗", "help", "community", "shared", "cg", 60, [("ga", 40)], 4, 5, False,
     [q("animal", "动物种类", "singlevaluelist", True, [{"key": "cat", "name": "猫"}, {"key": "dog", "name": "狗"}]),
      q("aggressive", "是否有伤人倾向", "singlevaluelist", False, YES_NO)]),
    ("environment", "blocked-drain", "下水井堵塞", "help", "community", "shared", "zj", 70, [("cg", 30)], 2, 2,
     True, []),
    ("environment", "greenery", "绿化损毁", "complaint", "community", "delegated", "cg", 100, [], 8, 5, False, []),
    ("environment", "cooking-fumes", "餐饮油烟污染", "complaint", "street", "core", "sthj", 80, [("scjg", 20)], 4,
     10, True, []),
    # 噪音
    ("noise", "neighbour-noise", "邻里噪音", "complaint", "grid", "delegated", "ga", 100, [], 2, 3, False,
     [q("period", "发生时段", "singlevaluelist", False,
        [{"key": "day", "name": "白天"}, {"key": "night", "name": "夜间（22时至6时）"}])]),
    ("noise", "construction-noise", "施工噪音", "complaint", "street", "core", "sthj", 70, [("zj", 30)], 2, 5, True,
     []),
    ("noise", "business-noise", "商铺经营噪音", "complaint", "community", "shared", "sthj", 60, [("cg", 40)], 4, 5,
     False, []),
    # 物业与住房
    ("housing", "property-service", "物业服务", "complaint", "community", "shared", "zj", 100, [], 4, 5, True,
     [q("estate", "小区名称", "string", True)]),
    ("housing", "elevator", "电梯故障", "help", "community", "shared", "scjg", 60, [("zj", 40)], 1, 2, True,
     [q("trapped", "是否有人被困", "singlevaluelist", True, YES_NO)]),
    ("housing", "heating", "供暖不热、停暖", "help", "street", "shared", "zj", 100, [], 2, 3, True,
     [q("temperature", "室内温度（℃）", "number", True)]),
    ("housing", "water-supply", "停水、水压不足", "help", "street", "shared", "zj", 100, [], 2, 2, False, []),
    ("housing", "roof-leak", "房屋漏水", "help", "community", "delegated", "zj", 100, [], 4, 10, True, []),
    ("housing", "ev-charging", "电动自行车充电设施", "suggestion", "community", "shared", "zj", 60, [("ga", 40)], 8,
     15, True, []),
    ("housing", "owners-committee", "业主委员会成立与运行", "consultation", "street", "shared", "zj", 100, [], 8, 15,
     False, []),
    ("housing", "old-estate-renovation", "老旧小区改造", "suggestion", "department", "core", "zj", 100, [], 8, 20,
     True, []),
    # 市政设施
    ("utilities", "street-lights", "路灯不亮", "help", "community", "shared", "cg", 100, [], 4, 3, False, []),
    ("utilities", "road-damage", "道路破损", "complaint", "street", "shared", "zj", 60, [("cg", 40)], 4, 10, True, []),
    ("utilities", "manhole-cover", "井盖缺失破损", "help", "grid", "shared", "cg", 70, [("zj", 30)], 1, 1, True, []),
    # 平安建设
    ("safety", "public-security", "治安隐患", "report", "community", "core", "ga", 100, [], 2, 5, True, []),
    ("safety", "fire-hazard", "楼道堆物、消防隐患", "report", "grid", "shared", "ga", 70, [("zj", 30)], 2, 2, True,
     []),
    # 矛盾纠纷
    ("disputes", "neighbour-dispute", "邻里纠纷", "dispute", "grid", "delegated", "sf", 100, [], 4, 10, False, []),
    ("disputes", "family-dispute", "婚姻家庭纠纷", "dispute", "community", "delegated", "sf", 80, [("mz", 20)], 4,
     10, False, []),
    ("disputes", "property-dispute", "物业纠纷", "dispute", "community", "shared", "sf", 50, [("zj", 50)], 4, 15,
     False, []),
    ("disputes", "labour-dispute", "劳资纠纷", "dispute", "street", "shared", "rs", 70, [("sf", 30)], 4, 15, True, []),
    # 市场监管
    ("market", "market-order", "市场管理无序", "complaint", "street", "shared", "scjg", 70, [("cg", 30)], 4, 10,
     True, []),
    ("market", "food-safety", "食品安全", "report", "department", "core", "scjg", 100, [], 2, 7, True, []),
    ("market", "price-fraud", "价格欺诈", "complaint", "department", "core", "scjg", 100, [], 4, 10, False, []),
    # 社会救助
    ("assistance", "minimum-living", "低保申请", "consultation", "community", "delegated", "mz", 100, [], 4, 10,
     False, [q("household_size", "家庭人口数", "number", True)]),
    ("assistance", "temporary-relief", "临时救助", "help", "community", "delegated", "mz", 100, [], 2, 5, True, []),
    ("assistance", "disability-support", "残疾人帮扶", "help", "community", "delegated", "mz", 100, [], 4, 10, False,
     []),
    ("assistance", "hardship-household", "困难家庭帮扶", "help", "grid", "delegated", "mz", 100, [], 4, 5, False, []),
    # 就业创业
    ("jobs", "job-seeking", "就业登记与求职", "help", "community", "delegated", "rs", 100, [], 8, 5, False, []),
    ("jobs", "skills-training", "职业技能培训", "consultation", "street", "delegated", "rs", 100, [], 8, 10, False,
     []),
    ("jobs", "unpaid-wages", "拖欠工资", "complaint", "department", "core", "rs", 100, [], 4, 10, True,
     [q("workers", "涉及人数", "number", True)]),
    ("jobs", "startup-support", "创业扶持与担保贷款", "consultation", "street", "delegated", "rs", 100, [], 8, 10,
     False, []),
    # 医疗卫生
    ("health", "medical-insurance", "医保报销咨询", "consultation", "community", "delegated", "wj", 100, [], 8, 5,
     False, []),
    ("health", "family-doctor", "家庭医生签约", "help", "community", "delegated", "wj", 100, [], 8, 5, False, []),
    ("health", "infectious-disease", "传染病防控", "report", "department", "core", "wj", 100, [], 1, 3, True, []),
    ("health", "clinic-violation", "非法行医、诊所违规", "report", "department", "core", "wj", 80, [("scjg", 20)], 4,
     10, True, []),
    # 养老服务
    ("elderly", "home-care", "居家养老服务", "help", "community", "delegated", "mz", 100, [], 4, 5, False,
     [q("age", "老人年龄", "number", False)]),
    ("elderly", "meal-assistance", "老年助餐", "help", "community", "delegated", "mz", 100, [], 8, 5, False, []),
    ("elderly", "old-age-allowance", "高龄津贴", "consultation", "community", "delegated", "mz", 100, [], 8, 10,
     False, []),
    ("elderly", "living-alone", "独居老人应急求助", "help", "grid", "delegated", "mz", 100, [], 1, 1, True, []),
    # 教育文化
    ("education", "school-enrolment", "入学", "consultation", "street", "shared", "jy", 100, [], 8, 10, False,
     [q("grade", "入学阶段", "singlevaluelist", True,
        [{"key": "kindergarten", "name": "幼儿园"}, {"key": "primary", "name": "小学"},
         {"key": "junior", "name": "初中"}])]),
    ("education", "after-school-care", "课后托管", "suggestion", "street", "delegated", "jy", 100, [], 8, 15, False,
     []),
    ("education", "culture-venue", "文化活动场地", "suggestion", "community", "delegated", "jy", 100, [], 8, 15, False,
     []),
    ("education", "science-outreach", "科普活动", "suggestion", "community", "delegated", "jy", 100, [], 8, 15, False,
     []),
]

GROUP_THEME = {code: theme for code, _name, theme in GROUPS}


def _rules(group: str, leaf: tuple) -> dict:
    (_g, code, name, kind, level, authority, lead, lead_share, co, response, handling, verify, questions) = leaf
    return {
        "category": code,
        "name": name,
        "theme": GROUP_THEME[group],
        "kind": kind,
        "level": level,
        "authority": authority,
        "lead": lead,
        "lead_share": str(Decimal(lead_share).quantize(Decimal("0.01"))),
        "co": [{"code": c, "share": str(Decimal(s).quantize(Decimal("0.01")))} for c, s in sorted(co)],
        "response_hours": response,
        "handling_days": handling,
        "warning_share": "0.80",
        "verification_required": verify,
        "questions": [dict(qq, order=i) for i, qq in enumerate(questions)],
    }


def load(apps=None, *, actor=None) -> int:
    """Add the seeded groups and matters that are missing; returns how many matters were added.
    With an `actor` (the command, the demo) each group and matter added is audited as
    "cases.category.save"; the migration that seeds a new database runs without one."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    Category = apps.get_model("cases", "Category")
    Revision = apps.get_model("cases", "CategoryRevision")
    Question = apps.get_model("cases", "CategoryQuestion")
    CoDepartment = apps.get_model("cases", "CategoryCoDepartment")
    groups = {}
    for order, (code, name, theme) in enumerate(GROUPS):
        groups[code], created = Category.objects.get_or_create(
            code=code, defaults={"name": name, "theme": theme, "order": order}
        )
        if created:
            _audit(actor, groups[code])
    existing = set(Category.objects.filter(parent__isnull=False).values_list("code", flat=True))
    added = 0
    for order, leaf in enumerate(LEAVES):
        group, code = leaf[0], leaf[1]
        if code in existing:
            continue
        rules = _rules(group, leaf)
        category = Category.objects.create(
            parent=groups[group],
            code=code,
            name=rules["name"],
            theme=rules["theme"],
            order=order,
            kind=rules["kind"],
            level=rules["level"],
            authority=rules["authority"],
            lead_department_code=rules["lead"],
            lead_cost_share=Decimal(rules["lead_share"]),
            response_hours=rules["response_hours"],
            handling_days=rules["handling_days"],
            warning_share=Decimal(rules["warning_share"]),
            verification_required=rules["verification_required"],
            version=1,
        )
        CoDepartment.objects.bulk_create(
            [CoDepartment(category=category, department_code=c["code"], cost_share=Decimal(c["share"]))
             for c in rules["co"]]
        )
        Question.objects.bulk_create([Question(category=category, **qq) for qq in rules["questions"]])
        Revision.objects.create(category=category, version=1, rules=rules)
        _audit(actor, category)
        added += 1
    return added


def _audit(actor, category) -> None:
    if actor is None:
        return
    from gongzhi.core import audit

    from .services.catalogue import CATEGORY_FIELDS

    audit.record(actor=actor, action="cases.category.save", obj=category,
                 after=audit.snapshot(category, CATEGORY_FIELDS))
