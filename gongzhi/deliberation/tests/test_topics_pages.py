"""Topic pages: the staff list, raising a topic in one click from a case or a hot issue, the topic
page with its timeline and the controls of the current step, the residents' proposal form and
co-signing; refusals beside their field; outside scope is 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongzhi.cases import catalogue_data
from gongzhi.cases import services as case_services
from gongzhi.cases.models import Category, Channel
from gongzhi.deliberation.models import ProposalRule, ScopeKind, StepState, Topic, TopicSource, TopicState
from gongzhi.deliberation.services import steps, topics
from gongzhi.deliberation.tests import factories as f

pytestmark = pytest.mark.django_db


def _case(w, requester):
    catalogue_data.load()
    return case_services.case_submit(actor=requester, category=Category.objects.get(code="shared-bikes"),
                                     channel=Channel.ONLINE, title="楼下共享单车堆满了",
                                     description="单元门口堆了二十多辆共享单车，老人出入不便。", location=w.building)


def test_the_staff_list_shows_the_area_topics_with_their_step_and_filters(client):
    w = f.world()
    f.topic(w, title="加装电梯机房空调")
    client.force_login(w.cstaff)
    page = client.get("/deliberation/topics/").content.decode()
    assert "加装电梯机房空调" in page and "党委提议" in page
    assert "加装电梯机房空调" not in client.get("/deliberation/topics/?state=dropped").content.decode()
    assert "加装电梯机房空调" not in client.get(f"/deliberation/topics/?area={w.nodes['grid_b'].pk}").content.decode()
    refused = client.get("/deliberation/topics/?group=nonsense")
    assert refused.status_code == 400 and "field-error" in refused.content.decode()
    client.force_login(w.residents[0])
    assert client.get("/deliberation/topics/").status_code == 403


def test_staff_complete_a_step_and_a_missing_meeting_is_refused_beside_its_field(client):
    w = f.world()
    topic = f.topic(w)
    client.force_login(w.cstaff)
    done = client.post(f"/deliberation/topics/{topic.pk}/complete/", {"outcome": "社区党委提议加装空调。"})
    assert done.status_code == 302
    assert steps.current_step(topic).name == "两委商议"
    refused = client.post(f"/deliberation/topics/{topic.pk}/complete/", {"outcome": "直接通过"})
    assert refused.status_code == 400
    assert refused.context["complete_form"].errors["meeting"]
    assert steps.current_step(topic).name == "两委商议"
    page = client.get(f"/deliberation/topics/{topic.pk}/").content.decode()
    assert "社区党委提议加装空调。" in page and 'id="complete-form"' in page


def test_send_back_and_drop_need_a_reason_and_show_on_the_timeline(client):
    w = f.world()
    topic = f.topic(w)
    steps.step_complete(actor=w.cstaff, topic=topic, given=f.StepOutcome(outcome="提议"))
    client.force_login(w.cstaff)
    refused = client.post(f"/deliberation/topics/{topic.pk}/send-back/", {"reason": " "})
    assert refused.status_code == 400 and refused.context["reason_form"].errors["reason"]
    assert client.post(f"/deliberation/topics/{topic.pk}/send-back/", {"reason": "费用测算不清"}).status_code == 302
    assert client.post(f"/deliberation/topics/{topic.pk}/drop/", {"reason": "物业已自行解决"}).status_code == 302
    topic.refresh_from_db()
    assert topic.state == TopicState.DROPPED
    page = client.get(f"/deliberation/topics/{topic.pk}/").content.decode()
    assert "费用测算不清" in page and "物业已自行解决" in page
    assert topic.steps.filter(state=StepState.SENT_BACK).exists()


def test_a_topic_is_raised_in_one_click_from_a_case_prefilled_and_linked(client):
    w = f.world()
    case = _case(w, w.residents[1])
    client.force_login(w.cstaff)
    case_page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f"/deliberation/topics/new/?case={case.pk}" in case_page
    form = client.get(f"/deliberation/topics/new/?case={case.pk}")
    assert form.status_code == 200
    initial = form.context["form"].initial
    assert initial["area"] == w.building.pk and initial["cases"] == [case.pk]
    response = client.post("/deliberation/topics/new/", {
        "case": case.pk, "title": "楼下共享单车治理", "description": initial["description"], "group": "urban_management",
        "source": TopicSource.CASE, "scope_kind": ScopeKind.BUILDING, "area": w.building.pk, "cases": [case.pk],
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    topic = Topic.objects.get(title="楼下共享单车治理")
    assert list(topic.cases.all()) == [case] and topic.state == TopicState.IN_PROGRESS
    assert "楼下共享单车治理" in client.get(f"/cases/{case.pk}/").content.decode()


def test_the_hot_issues_of_the_figures_page_offer_raising_a_topic(client):
    w = f.world()
    for n in range(3):
        _case(w, w.residents[n % 3])
    client.force_login(w.cstaff)
    page = client.get(f"/cases/figures/?node={w.community.pk}").content.decode()
    assert "/deliberation/topics/new/?category=shared-bikes&amp;location=" in page


def test_a_resident_proposes_from_a_phone_and_a_neighbour_co_signs(client):
    w = f.world(households=3)
    ProposalRule.objects.filter(district=w.district, scope_kind=ScopeKind.BUILDING).update(signatures_needed=1)
    client.force_login(w.residents[0])
    form = client.get("/deliberation/propose/")
    assert [c[0] for c in form.context["form"].fields["scope"].choices][0] == f"building:{w.building.pk}"
    refused = client.post("/deliberation/propose/", {"scope": f"building:{w.building.pk}", "group": "livelihood",
                                                     "title": "", "description": "楼道太黑"})
    assert refused.status_code == 400 and refused.context["form"].errors["title"]
    outside = client.post("/deliberation/propose/", {"scope": f"building:{w.nodes['building_b'].pk}",
                                                     "group": "livelihood", "title": "x", "description": "y"})
    assert outside.status_code == 400 and outside.context["form"].errors["scope"]
    response = client.post("/deliberation/propose/", {"scope": f"building:{w.building.pk}", "group": "livelihood",
                                                      "title": "楼道加装声控灯", "description": "晚上楼道太黑，老人容易摔倒。"})
    topic = Topic.objects.get(title="楼道加装声控灯")
    assert response.status_code == 302 and topic.state == TopicState.PROPOSED
    assert "楼道加装声控灯" in client.get("/deliberation/mine/").content.decode()

    client.force_login(w.residents[1])
    assert "楼道加装声控灯" in client.get("/deliberation/mine/").content.decode()
    assert client.post(f"/deliberation/topics/{topic.pk}/sign/").status_code == 302
    topic.refresh_from_db()
    assert topic.state == TopicState.IN_PROGRESS and topic.signature_count == 1

    client.force_login(w.resident_b)  # lives in building B: does not even see it
    assert client.get(f"/deliberation/topics/{topic.pk}/").status_code == 404


def test_documents_upload_and_download_for_those_who_see_the_topic(client):
    w = f.world()
    topic = f.topic(w)
    client.force_login(w.cstaff)
    refused = client.post(f"/deliberation/topics/{topic.pk}/documents/",
                          {"documents": [SimpleUploadedFile("方案.pdf", b"MZ not a pdf")]})
    assert refused.status_code == 400 and "方案.pdf" in refused.content.decode()
    client.post(f"/deliberation/topics/{topic.pk}/documents/",
                {"documents": [SimpleUploadedFile("方案.pdf", b"%PDF-1.4\n%test\n")]})
    document = topic.documents.get()
    answer = client.get(f"/deliberation/topic-documents/{document.pk}/")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    client.force_login(w.resident_b)
    # A resident of the community sees a community topic and its documents; one of another district does not.
    assert client.get(f"/deliberation/topic-documents/{document.pk}/").status_code == 200
    other = f.world()
    client.force_login(other.cstaff)
    assert client.get(f"/deliberation/topic-documents/{document.pk}/").status_code == 404
    assert client.get(f"/deliberation/topics/{topic.pk}/").status_code == 404


def test_a_proposal_page_offers_co_signing_only_to_residents_of_its_scope(client):
    w = f.world(households=2)
    topic = topics.proposal_create(actor=w.residents[0], title="增设非机动车棚", description="楼下电动车乱停。",
                                   scope_kind=ScopeKind.BUILDING, area=w.building, group="urban_management")
    client.force_login(w.residents[1])
    assert "Co-sign" in client.get(f"/deliberation/topics/{topic.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode() \
        or "联署" in client.get(f"/deliberation/topics/{topic.pk}/").content.decode()
    client.force_login(w.residents[0])
    page = client.get(f"/deliberation/topics/{topic.pk}/").content.decode()
    assert f"/deliberation/topics/{topic.pk}/sign/" not in page
