"""Asking the gate about each row of a page costs no query per row: "my meetings" of a branch
secretary holding office in many meetings takes as many queries for three meetings as for twelve."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.meetings.models import BodyKind
from gongzhi.meetings.tests import factories

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_my_meetings_asks_for_offices_once_a_page_not_once_a_meeting(client):
    # Given a party member who is secretary of a branch whose meetings were held
    nodes = tree()
    secretary = user(Role.PARTY_MEMBER)
    branch = factories.body_with_members(nodes["community"], kind=BodyKind.PARTY_BRANCH, secretary=secretary,
                                         name="第一党支部")
    for _ in range(3):
        factories.held(factories.meeting(branch))
    client.force_login(secretary)
    few, page = _queries(client, "/meetings/mine/")
    assert page.count("登记议定事项") == 3  # offered on each held meeting

    # When nine more meetings are held
    for _ in range(9):
        factories.held(factories.meeting(branch))
    many, page = _queries(client, "/meetings/mine/")

    # Then the page offers the same on each row, for the same number of queries
    assert page.count("登记议定事项") == 12
    assert many == few, f"{few} queries for 3 meetings, {many} for 12"
