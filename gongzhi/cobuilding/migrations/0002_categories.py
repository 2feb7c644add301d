"""The categories needs and resources are matched by (the district edits them in the admin)."""

from django.db import migrations

CATEGORIES = ["助老助餐", "课业辅导", "维修服务", "就业帮扶", "活动场地", "医疗健康", "文体活动", "法律咨询",
              "环境整治", "帮困慰问", "安全应急", "其他"]


def add(apps, schema_editor):
    Category = apps.get_model("cobuilding", "Category")
    for order, name in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(name=name, defaults={"order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("cobuilding", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
