"""`gongzhi cases seed-catalogue` writes with an audit actor, on behalf of `--as-user`."""

import pytest
from django.core.management import call_command

from gongzhi.cases import catalogue_data
from gongzhi.cases.models import Category, CategoryRevision
from gongzhi.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_seeding_the_catalogue_audits_each_matter_it_adds(w):
    # given a seeded matter missing from the catalogue
    code = catalogue_data.LEAVES[-1][1]
    CategoryRevision.objects.filter(category__code=code).delete()
    Category.objects.filter(code=code).delete()
    # when the command seeds the catalogue on behalf of the district administrator
    call_command("cases", "--as-user", w.admin.username, "seed-catalogue")
    # then the matter is back, and its addition is in the audit log, naming the command and the user
    added = Category.objects.get(code=code)
    [event] = AuditEvent.objects.filter(action="cases.category.save", object_id=str(added.pk))
    assert "cases" in event.actor_label and w.admin.username in event.actor_label
