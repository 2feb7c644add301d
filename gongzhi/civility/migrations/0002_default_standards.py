"""The default civility standards, bonus formula and star thresholds for everywhere (a community or
street adds its own rows, which win over these for its households)."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

START = dt.date(2020, 1, 1)

# code, name, description, points for meeting it, points deducted for breaking it
STANDARDS = [
    ("menqian-sanbao", "门前三包", "门前卫生、秩序、绿化责任区整洁，无乱堆乱放、乱贴乱画", 2, 2),
    ("laji-fenlei", "垃圾分类", "生活垃圾分类投放，不混投、不乱扔，定时定点", 2, 2),
    ("louda-wu-duiwu", "楼道无堆物", "楼道、楼梯间不堆放杂物，不占用消防通道", 2, 3),
    ("aihu-lvhua", "爱护绿化", "不毁绿种菜，不踩踏草坪，不在绿地晾晒", 1, 2),
    ("wenming-yangquan", "文明养犬", "牵绳遛狗，及时清理犬只粪便", 1, 2),
    ("tingche-youxu", "有序停车", "车辆停放在划定车位，不堵塞消防通道和单元出入口", 1, 2),
]


def seed(apps, schema_editor):
    Standard = apps.get_model("civility", "Standard")
    BonusFormula = apps.get_model("civility", "BonusFormula")
    StarThreshold = apps.get_model("civility", "StarThreshold")
    for order, (code, name, description, met, broken) in enumerate(STANDARDS):
        Standard.objects.get_or_create(code=code, area=None, valid_from=START, defaults={
            "name": name, "description": description, "points_met": met, "points_broken": broken, "order": order})
    BonusFormula.objects.get_or_create(area=None, valid_from=START, defaults={
        "name": "文明奖金（通用）", "floor": 20, "per_point": Decimal("2.00"), "cap": Decimal("300.00")})
    for stars, points in ((1, 20), (2, 40), (3, 60), (4, 80), (5, 100)):
        StarThreshold.objects.get_or_create(area=None, valid_from=START, stars=stars, defaults={"min_points": points})


class Migration(migrations.Migration):
    dependencies = [("civility", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
