from django.db import migrations


def load_menu(apps, schema_editor):
    from gongzhi.circle.menu_data import load

    load(apps.get_model("circle", "Service"))


class Migration(migrations.Migration):
    dependencies = [("circle", "0001_initial")]
    operations = [migrations.RunPython(load_menu, migrations.RunPython.noop)]
