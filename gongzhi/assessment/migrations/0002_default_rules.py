"""The default rules (points per kind of event, deductions negative, every area) and the default
pay formula, from 2026-01-01. The district changes them by adding rules from a date."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

DEFAULT_RULES = [
    ("visit.door", "入户走访", 1),
    ("case.reported", "上报发现", 2),
    ("case.claimed", "认领事项", 1),
    ("case.resolved_on_time", "按时办结", 3),
    ("verification.passed", "核查通过", 2),
    ("meeting.attended", "参加会议", 1),
    ("care.turn_done", "关爱走访完成", 2),
    ("case.overdue", "超期", -3),
    ("verification.failed", "核查未通过", -3),
    ("complaint.justified", "有效投诉", -5),
    ("care.turn_missed", "漏访", -2),
    ("inspection.problem", "巡察发现问题", -5),
]
START = dt.date(2026, 1, 1)


def seed(apps, schema_editor):
    ScoreRule = apps.get_model("assessment", "ScoreRule")
    PayFormula = apps.get_model("assessment", "PayFormula")
    for kind, label, points in DEFAULT_RULES:
        if not ScoreRule.objects.filter(kind=kind, area__isnull=True).exists():
            ScoreRule.objects.create(kind=kind, label=label, points=points, valid_from=START)
    if not PayFormula.objects.filter(area__isnull=True).exists():
        PayFormula.objects.create(valid_from=START, base=Decimal("2000.00"), per_point=Decimal("10.00"),
                                  floor=Decimal("0.00"), cap=Decimal("5000.00"))


def unseed(apps, schema_editor):
    apps.get_model("assessment", "ScoreRule").objects.filter(area__isnull=True, valid_from=START,
                                                             created_by__isnull=True).delete()
    apps.get_model("assessment", "PayFormula").objects.filter(area__isnull=True, valid_from=START,
                                                              created_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
