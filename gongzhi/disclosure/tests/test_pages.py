"""The staff and committee pages: every page opens for the people who use it, the publish → question
→ correct round trip works through the pages, refusals show beside their field, outside is 404, and
the figures download is a real .xlsx."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import PASSWORD, user
from gongzhi.areas.tests.factories import tree
from gongzhi.disclosure.models import FundEntryKind, Item, ItemState
from gongzhi.disclosure.services import committee, money
from gongzhi.disclosure.tests import factories

pytestmark = pytest.mark.django_db


def signed_in(client, u):
    client.login(username=u.username, password=PASSWORD)
    return client


def test_the_staff_pages_open(client):
    w = factories.world()
    item = factories.published(w["community"], actor=w["staff"])
    money.fund_record(actor=w["staff"], community=w["community"], kind=FundEntryKind.ALLOCATION, amount=100_000,
                      purpose="经费拨付")
    signed_in(client, w["staff"])
    for name in ("board", "items", "item-new", "figures", "rectifications", "committee", "fund", "statements",
                 "statement-new"):
        response = client.get(reverse(f"disclosure:{name}"))
        assert response.status_code == 200, name
    assert client.get(reverse("disclosure:item", args=[item.pk])).status_code == 200
    assert "1,000.00" in client.get(reverse("disclosure:fund")).content.decode()


def test_compose_publish_question_and_correct_through_the_pages(client):
    w = factories.world()
    signed_in(client, w["staff"])
    response = client.post(reverse("disclosure:item-new"), {
        "mode": "item", "community_id": w["community"].pk, "kind": "affairs", "timing": "major",
        "title": "关于小区加装电梯的决定", "body": "经居民代表会议表决通过。"})
    item = Item.objects.get(title="关于小区加装电梯的决定")
    assert response.status_code == 302 and item.state == ItemState.DRAFT
    client.post(reverse("disclosure:item-publish", args=[item.pk]))
    item.refresh_from_db()
    assert item.state == ItemState.PUBLISHED
    # The committee questions it.
    signed_in(client, w["supervisor"])
    client.post(reverse("disclosure:item-review", args=[item.pk]), {"verdict": "question", "comment": "表决票数是多少？"})
    assert item.reviews.get().comment == "表决票数是多少？"
    # The owner corrects it: a new version, the old one stays.
    signed_in(client, w["staff"])
    refused = client.post(reverse("disclosure:item-correct", args=[item.pk]), {"title": item.title, "body": "x",
                                                                               "reason": ""})
    assert refused.status_code == 400 and not Item.objects.filter(supersedes=item).exists()
    response = client.post(reverse("disclosure:item-correct", args=[item.pk]), {
        "title": item.title, "body": "经居民代表会议表决通过（同意28票，反对3票）。", "reason": "补充表决票数"})
    new = Item.objects.get(supersedes=item)
    assert response.status_code == 302 and response["Location"].endswith(f"/{new.pk}/")
    page = client.get(reverse("disclosure:item", args=[item.pk])).content.decode()
    assert reverse("disclosure:item", args=[new.pk]) in page


def test_publishing_a_phone_number_is_refused_on_the_page(client):
    w = factories.world()
    item = factories.draft(w["community"], actor=w["staff"], body="有意见请联系13912345678。")
    signed_in(client, w["staff"])
    response = client.post(reverse("disclosure:item-publish", args=[item.pk]))
    assert response.status_code == 400 and "139****5678" in response.content.decode()
    item.refresh_from_db()
    assert item.state == ItemState.DRAFT


def test_a_resident_asks_on_the_item_page(client):
    w = factories.world()
    item = factories.published(w["community"], actor=w["staff"])
    signed_in(client, w["resident"])
    page = client.get(reverse("disclosure:item", args=[item.pk]))
    assert page.status_code == 200 and 'id="ask-form"' in page.content.decode()
    client.post(reverse("disclosure:item-ask", args=[item.pk]), {"text": "什么时候开始施工？"})
    assert item.questions.get().text == "什么时候开始施工？"
    # A draft is not there for a resident.
    draft = factories.draft(w["community"])
    assert client.get(reverse("disclosure:item", args=[draft.pk])).status_code == 404


def test_outside_scope_is_404(client):
    w = factories.world()
    other = tree()
    outsider = user(Role.COMMUNITY_STAFF, nodes=[other["community"]])
    item = factories.draft(w["community"])
    rect = committee.rectification_create(actor=w["supervisor"], community=w["community"], title="公开栏破损",
                                          owner=w["staff"], deadline=timezone.localdate() + dt.timedelta(days=3))
    signed_in(client, outsider)
    assert client.get(reverse("disclosure:item", args=[item.pk])).status_code == 404
    assert client.get(reverse("disclosure:rectification", args=[rect.pk])).status_code == 404
    assert client.post(reverse("disclosure:item-publish", args=[item.pk])).status_code == 404
    assert client.get(reverse("disclosure:fund") + f"?community_id={w['community'].pk}").status_code == 404


def test_the_committee_closes_a_rectification_on_its_pages(client):
    w = factories.world()
    rect = committee.rectification_create(actor=w["supervisor"], community=w["community"], title="公开栏破损",
                                          owner=w["staff"], deadline=timezone.localdate() + dt.timedelta(days=3))
    signed_in(client, w["supervisor"])
    assert "公开栏破损" in client.get(reverse("disclosure:rectifications")).content.decode()
    signed_in(client, w["staff"])
    client.post(reverse("disclosure:rectification-act", args=[rect.pk, "report"]), {"report": "已更换展板"})
    signed_in(client, w["supervisor"])
    client.post(reverse("disclosure:rectification-act", args=[rect.pk, "accept"]), {"note": ""})
    rect.refresh_from_db()
    assert rect.state == "closed"
    assert "公开栏破损" not in client.get(reverse("disclosure:rectifications")).content.decode()


def test_a_statement_that_does_not_balance_is_refused_beside_the_field(client):
    w = factories.world()
    signed_in(client, w["staff"])
    data = {"community_id": w["community"].pk, "title": "2026年11月财务收支", "period_start": "2026-11-01",
            "period_end": "2026-11-30", "opening_balance": "100", "income_total": "50", "spending_total": "20.5",
            "closing_balance": "130", "direction_1": "income", "description_1": "拨款", "amount_1": "50",
            "direction_2": "spending", "description_2": "维修", "amount_2": "20.50"}
    response = client.post(reverse("disclosure:statement-new"), data)
    assert response.status_code == 400 and "129.50" in response.content.decode()
    response = client.post(reverse("disclosure:statement-new"), {**data, "closing_balance": "129.50"})
    assert response.status_code == 302


def test_the_figures_download_is_a_workbook(client):
    w = factories.world()
    factories.published(w["community"], actor=w["staff"])
    signed_in(client, w["street_staff"])
    response = client.get(reverse("disclosure:figures-export") + f"?node_id={w['street'].pk}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert w["community"].name in values


def test_the_case_page_shows_what_the_service_fund_paid(client):
    from gongzhi.cases.tests.factories import submit
    from gongzhi.cases.tests.factories import world as case_world

    cw = case_world()
    case = submit(cw, title="3号楼下水管道堵塞", description="污水返到一楼卫生间。")
    staff, community = cw.users["cstaff"], cw.nodes["community"]
    money.fund_record(actor=staff, community=community, kind=FundEntryKind.ALLOCATION, amount=100_000, purpose="拨付")
    money.fund_record(actor=staff, community=community, kind=FundEntryKind.SPENDING, amount=35_000,
                      purpose="疏通3号楼下水管道", approval="两委会议", case_id=case.pk)
    signed_in(client, staff)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "疏通3号楼下水管道" in page and "350.00" in page
