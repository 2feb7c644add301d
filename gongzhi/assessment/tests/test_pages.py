"""The assessment pages as their users see them: my score on a phone with the lines grouped by kind
and "申诉" on each; the appeal form (reason beside the field; someone else's line 404); the street's
decision (a reason beside the field; upheld, the month's total and pay change); the area's months
with ranks and the drill-down; the correction asked and approved by a second person; pages of
another district 404."""

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.assessment.models import Appeal, AppealState, Correction, CorrectionState
from gongzhi.assessment.services import appeals as appeal_services

from .factories_appeals import line, score_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return score_world()


def _client(u) -> Client:
    client = Client()
    client.force_login(u)
    return client


def _month(w) -> str:
    return f"{w['month'].month:%Y-%m}"


def test_my_score_shows_total_pay_and_the_lines_grouped_with_an_appeal_button(w):
    page = _client(w["worker"]).get(reverse("assessment:my-score") + f"?month={_month(w)}")
    html = page.content.decode()
    deduction = line(w["month"], "inspection.problem")
    assert page.status_code == 200 and 'id="total">-1<' in html and 'id="pay">1990.00<' in html
    assert 'id="kind-inspection.problem"' in html and "巡察回访" in html
    assert reverse("assessment:line-appeal", kwargs={"line_id": deduction.pk}) in html
    assert "assessment/assessment.css" in html


def test_a_month_not_computed_says_so_and_a_bad_month_is_refused_beside_the_picker(w):
    client = _client(w["worker"])
    assert 'id="no-score"' in client.get(reverse("assessment:my-score") + "?month=2030-01").content.decode()
    bad = client.get(reverse("assessment:my-score") + "?month=abc")
    assert bad.status_code == 400 and 'id="month-error"' in bad.content.decode()


def test_appealing_on_the_page_needs_a_reason_beside_the_field(w):
    deduction = line(w["month"], "inspection.problem")
    url = reverse("assessment:line-appeal", kwargs={"line_id": deduction.pk})
    client = _client(w["worker"])
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 422 and empty.context["form"].errors["reason"]
    sent = client.post(url, {"reason": "那天我去过，住户记错了"})
    assert sent.status_code == 302 and Appeal.objects.get().state == AppealState.PENDING
    page = client.get(sent["Location"]).content.decode()
    assert "待处理" in page or "Pending" in page


def test_a_worker_cannot_open_the_appeal_form_of_another_workers_line(w):
    url = reverse("assessment:line-appeal", kwargs={"line_id": line(w["month"], "inspection.problem").pk})
    assert _client(w["other_worker"]).get(url).status_code == 404
    assert _client(w["other_worker"]).post(url, {"reason": "不对"}).status_code == 404
    assert not Appeal.objects.exists()


def test_the_street_upholds_on_the_page_and_the_months_total_and_pay_change(w):
    appeal = appeal_services.appeal_file(actor=w["worker"], line=line(w["month"], "inspection.problem"),
                                         reason="住户记错了日子")
    client = _client(w["street_staff"])
    listed = client.get(reverse("assessment:appeals")).content.decode()
    assert f'id="appeal-{appeal.pk}"' in listed
    url = reverse("assessment:appeal", kwargs={"appeal_id": appeal.pk})
    assert 'id="decide-form"' in client.get(url).content.decode()
    missing = client.post(url, {"decision": "dismiss", "reason": ""})
    assert missing.status_code == 422 and missing.context["form"].errors["reason"]
    done = client.post(url, {"decision": "uphold", "reason": "回访核实，住户记错了日期"})
    assert done.status_code == 302
    w["month"].refresh_from_db()
    assert w["month"].total == 4 and str(w["month"].pay) == "2040.00"
    mine = _client(w["worker"]).get(reverse("assessment:my-score") + f"?month={_month(w)}").content.decode()
    assert 'id="total">4<' in mine and 'id="pay">2040.00<' in mine and "回访核实" in mine


def test_the_area_page_ranks_the_workers_and_drills_down_to_a_month(w):
    client = _client(w["street_staff"])
    page = client.get(reverse("assessment:months") + f"?month={_month(w)}&node_id={w['street'].pk}")
    html = page.content.decode()
    assert page.status_code == 200 and 'id="compute"' in html and 'id="close"' in html and 'id="export"' in html
    assert html.index(f'id="worker-{w["other_worker"].pk}"') < html.index(f'id="worker-{w["worker"].pk}"')  # 2 > −1
    drill = reverse("assessment:worker-month", kwargs={"user_id": w["worker"].pk, "month": w["month"].month})
    assert drill in html
    month_page = client.get(drill).content.decode()
    assert "巡察回访" in month_page and 'id="ask-correction"' in _client(w["community_staff"]).get(drill).content.decode()


def test_a_correction_asked_on_the_page_and_approved_by_a_second_person(w):
    url = reverse("assessment:correction-new", kwargs={"user_id": w["worker"].pk, "month": w["month"].month})
    asked = _client(w["community_staff"]).post(url, {"points": "3", "reason": "协助处置燃气泄漏未记录", "corrects": ""})
    assert asked.status_code == 302
    correction = Correction.objects.get()
    page = reverse("assessment:correction", kwargs={"correction_id": correction.pk})
    missing = _client(w["street_staff"]).post(page, {"decision": "reject", "note": ""})
    assert missing.status_code == 422 and missing.context["form"].errors["note"]
    assert _client(w["street_staff"]).post(page, {"decision": "approve", "note": ""}).status_code == 302
    correction.refresh_from_db()
    w["month"].refresh_from_db()
    assert correction.state == CorrectionState.APPROVED and w["month"].total == 2


def test_pages_of_another_district_are_not_found(w):
    elsewhere = tree()
    outsider = user("street_staff", nodes=[elsewhere["street"]])
    client = _client(outsider)
    appeal = appeal_services.appeal_file(actor=w["worker"], line=line(w["month"], "inspection.problem"), reason="不对")
    assert client.get(reverse("assessment:appeal", kwargs={"appeal_id": appeal.pk})).status_code == 404
    assert client.get(reverse("assessment:worker-month", kwargs={"user_id": w["worker"].pk,
                                                                 "month": w["month"].month})).status_code == 404
    assert client.get(reverse("assessment:months") + f"?node_id={w['street'].pk}").status_code == 404
    assert client.get(reverse("assessment:months-export") + f"?node_id={w['street'].pk}").status_code == 404
    assert _client(w["worker"]).get(reverse("assessment:months")).status_code == 403
