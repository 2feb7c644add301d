"""A quarterly report is named in words the reader uses (2020年第1季度), never as a code like "2020 Q1"."""

import pytest
from django.urls import reverse

from gongzhi.cobuilding.tests import factories_members as more
from gongzhi.cobuilding.tests.factories_needs import world

pytestmark = pytest.mark.django_db


def test_the_report_pages_name_the_quarter_in_chinese(client):
    w = world()
    report = more.quarter_report(w.member_report, year=2020, quarter=1)
    client.force_login(w.staff)
    for page in (reverse("cobuilding:quarter-report", args=[report.pk]), reverse("cobuilding:quarter-reports")):
        text = client.get(page).content.decode()
        assert "2020年第1季度" in text and "2020 Q1" not in text
