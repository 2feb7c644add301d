"""The co-building home offers each person what they can do: a resident of the registry makes a
wish; a unit's liaison (no household) is not offered one but finds their unit and its problems;
staff get the lists and the area's figures."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from gongzhi.cobuilding.tests.factories_needs import world

pytestmark = pytest.mark.django_db


def _links(client, who) -> set[str]:
    client.force_login(who)
    page = client.get(reverse("cobuilding:home")).content.decode()
    return set(re.findall(r'href="([^"]+)"', page))


def test_each_person_is_offered_their_own_work(client):
    w = world()
    resident = _links(client, w.resident)
    assert reverse("cobuilding:wish-new") in resident and reverse("cobuilding:needs") not in resident
    liaison = _links(client, w.liaison)
    assert reverse("cobuilding:wish-new") not in liaison
    assert reverse("cobuilding:my-unit") in liaison and reverse("cobuilding:problems") in liaison
    member = _links(client, w.member_user)
    assert reverse("cobuilding:my-service") in member and reverse("cobuilding:claimable") in member
    staff = _links(client, w.staff)
    assert reverse("cobuilding:needs") in staff and reverse("cobuilding:figures") in staff
    assert reverse("cobuilding:wish-new") not in staff
