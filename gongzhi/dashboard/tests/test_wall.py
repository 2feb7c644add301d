"""The command-centre wall screen: the node's live counts, rates, map and lists, refreshed from a
fragment; nothing personal on it; a node outside the user's scope is 404."""

import pytest
from django.urls import reverse

from gongzhi.cases.models import Channel
from gongzhi.cases.tests.factories import submit

pytestmark = pytest.mark.django_db

CALLER_NAME = "欧阳娜娜"
CALLER_PHONE = "13912345678"
TITLE = "紫藤花架下的秘密垃圾堆"
DESCRIPTION = "每天傍晚有人在紫藤花架下倾倒装修垃圾"


def hotline_case(w):
    """A request a hotline operator registered for a named caller, with a distinctive title."""
    return submit(w, actor=w.cstaff, channel=Channel.HOTLINE, caller_name=CALLER_NAME, caller_phone=CALLER_PHONE,
                  title=TITLE, description=DESCRIPTION, address="瓜州路18号院3单元")


def test_the_wall_shows_the_live_counts_and_lists_and_the_script_that_refreshes_it(w, client, settings):
    settings.DASHBOARD_WALL_REFRESH_SECONDS = 7
    case = hotline_case(w)
    client.force_login(w.sstaff)
    page = client.get(reverse("dashboard:wall", args=[w.street.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-refresh-seconds="7"' in html
    assert f'data-live-url="{reverse("dashboard:wall-live", args=[w.street.pk])}?shade=filed"' in html
    assert 'data-kpi="today"><span class="kpi-value">1</span>' in html
    assert 'data-kpi="open"><span class="kpi-value">1</span>' in html
    assert case.category.name in html  # the newest list names the matter
    assert "gongzhi/wall.js" in html and "<script>" not in html and 'style="' not in html


def test_the_wall_and_its_fragment_show_no_personal_data(w, client):
    # given a request filed for a named caller with a phone, a distinctive title and an address
    case = hotline_case(w)
    client.force_login(w.sstaff)
    for name in ("dashboard:wall", "dashboard:wall-live"):
        html = client.get(reverse(name, args=[w.street.pk])).content.decode()
        # then the wall lists the request by its reference and matter only
        assert f"{case.pk:07d}" in html
        for secret in (CALLER_NAME, CALLER_PHONE, TITLE, DESCRIPTION, "瓜州路18号院", w.cstaff.username):
            assert secret not in html, f"{secret} shown on {name}"


def test_the_live_fragment_is_only_the_refreshed_part(w, client):
    client.force_login(w.cstaff)
    response = client.get(reverse("dashboard:wall-live", args=[w.community.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert html.lstrip().startswith("<div class=\"wall-grid\" data-wall-live>")
    assert "<html" not in html and 'data-kpi="red"' in html


def test_a_node_outside_the_scope_is_404_on_the_wall_and_its_fragment(w, client):
    client.force_login(w.cstaff)
    for name in ("dashboard:wall", "dashboard:wall-live"):
        assert client.get(reverse(name, args=[w.street.pk])).status_code == 404
    client.force_login(w.resident)
    assert client.get(reverse("dashboard:wall", args=[w.community.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("dashboard:wall", args=[w.community.pk])).status_code == 302


def test_a_wrong_measure_on_the_wall_is_shown_and_the_refresh_keeps_the_default(w, client):
    client.force_login(w.sstaff)
    page = client.get(reverse("dashboard:wall", args=[w.street.pk]), {"shade": "salary"})
    assert page.status_code == 400
    html = page.content.decode()
    assert 'id="shade-error"' in html
    assert "wall/live/?shade=filed" in html
