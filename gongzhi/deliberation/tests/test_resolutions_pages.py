"""Staff pages of resolutions: the list with filters, the page with forms whose refusals come back
beside the field, my resolutions, the committee's rectifications, the notice PDF."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import UnitFactory
from gongzhi.deliberation.models import Milestone
from gongzhi.deliberation.services import resolutions
from gongzhi.deliberation.tests import factories as f

pytestmark = pytest.mark.django_db


def _client(who) -> Client:
    client = Client()
    client.force_login(who)
    return client


def test_staff_filter_resolutions_and_see_flags():
    w = f.world()
    late = f.resolved_topic(w).resolution
    f.resolved_topic(w, title="增设非机动车棚")
    milestone = resolutions.milestone_add(actor=w.cstaff, resolution=late, title="采购空调",
                                          due_on=timezone.localdate())
    Milestone.objects.filter(pk=milestone.pk).update(due_on=timezone.localdate() - dt.timedelta(days=3))
    page = _client(w.cstaff).get("/deliberation/resolutions/?overdue=1")
    text = page.content.decode()
    assert page.status_code == 200 and "加装电梯机房空调" in text and "增设非机动车棚" not in text
    everything = _client(w.cstaff).get("/deliberation/resolutions/").content.decode()
    assert "增设非机动车棚" in everything
    assert _client(w.residents[0]).get("/deliberation/resolutions/").status_code == 403


def test_a_bad_amount_comes_back_beside_the_field_and_nothing_is_written():
    w = f.world()
    resolution = f.resolved_topic(w).resolution
    client = _client(w.cstaff)
    answer = client.post(f"/deliberation/resolutions/{resolution.pk}/spending/", {"amount": "12.345", "purpose": "采购"})
    assert answer.status_code == 400 and "error" in answer.content.decode()
    assert resolution.spendings.count() == 0
    ok = client.post(f"/deliberation/resolutions/{resolution.pk}/spending/", {"amount": "1,200.5", "purpose": "采购"})
    assert ok.status_code == 302
    resolution.refresh_from_db()
    assert resolution.spent_fen == 120050


def test_the_committee_raises_a_rectification_from_the_page_and_the_owner_finds_it():
    w = f.world()
    resolution = f.resolved_topic(w).resolution
    unit = UnitFactory(area=w.community, name="瓜州物业公司")
    liaison = user(Role.UNIT_LIAISON, unit=unit)
    owner = resolutions.owner_add(actor=w.cstaff, resolution=resolution, owner=unit)
    committee = _client(w.supervisor)
    missing = committee.post(f"/deliberation/resolutions/{resolution.pk}/rectifications/",
                             {"problem": "外机缺少防护罩", "owner": "", "deadline": ""})
    assert missing.status_code == 400 and "外机缺少防护罩" in missing.content.decode()
    deadline = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    committee.post(f"/deliberation/resolutions/{resolution.pk}/rectifications/",
                   {"problem": "外机缺少防护罩", "owner": owner.pk, "deadline": deadline})
    assert "外机缺少防护罩" in committee.get("/deliberation/resolutions/rectifications/").content.decode()
    mine = _client(liaison).get("/deliberation/resolutions/mine/")
    assert mine.status_code == 200 and "加装电梯机房空调" in mine.content.decode()
    rectification = resolution.rectifications.get()
    _client(liaison).post(f"/deliberation/resolutions/rectifications/{rectification.pk}/respond/",
                          {"response": "已加装"})
    rectification.refresh_from_db()
    assert rectification.state == "done"


def test_another_community_sees_no_resolution_and_the_notice_prints():
    w, other = f.world(), f.world()
    resolution = f.resolved_topic(w).resolution
    assert _client(other.cstaff).get(f"/deliberation/resolutions/{resolution.pk}/").status_code == 404
    pdf = _client(w.cstaff).get(f"/deliberation/resolutions/{resolution.pk}/notice.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_topic_page_panel_links_to_the_resolution_and_its_public_page():
    from django.template.loader import render_to_string

    from gongzhi.deliberation import selectors_resolutions

    w = f.world()
    topic = f.resolved_topic(w)
    panel = selectors_resolutions.topic_panel(user=w.residents[0], topic=topic)
    html = render_to_string("deliberation/resolutions/_topic_panel.html", {"panel": panel})
    assert f"/deliberation/public/resolutions/{topic.resolution.pk}/" in html
    assert selectors_resolutions.topic_panel(user=w.cstaff, topic=f.topic(w, title="路灯")) is None
