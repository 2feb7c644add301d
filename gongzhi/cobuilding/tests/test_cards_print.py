"""The household contact cards (民情联系卡): what a card says, the QR code's target, two cards to a
page, a card out of date after a change of grid worker, and scope."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import child, tree
from gongzhi.cobuilding.models import ContactCard, PostKind, ServicePost
from gongzhi.cobuilding.selectors.cards import contacts_of, households_under
from gongzhi.cobuilding.tests.factories_cards import grid_worker, paired_member, pdf_pages, pdf_text
from gongzhi.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def here():
    nodes = tree()
    nodes["worker"] = grid_worker(nodes["grid_a"])
    nodes["staff"] = user("community_staff", nodes=[nodes["community"]])
    return nodes


def _print(client, who, area, **query):
    client.force_login(who)
    return client.get(reverse("cobuilding:cards-pdf"), {"area": area.pk, **query})


def test_given_a_household_with_worker_and_paired_member_when_printed_then_the_card_names_them_in_full(client, here):
    paired_member(here["community"], here["household_a"])
    response = _print(client, here["staff"], here["grid_a"])
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "101室" in text and "A1号楼" in text
    assert "张网格" in text and "13811112222" in text
    assert "李党员" in text and "13922223333" in text
    assert "瓜州路社区" in text


def test_given_no_care_pair_when_printed_then_the_building_head_is_the_paired_member(client, here):
    paired_member(here["community"], here["building_a"], name="赵楼长", phone="13733334444", kind=PostKind.BUILDING_HEAD)
    text = pdf_text(_print(client, here["staff"], here["grid_a"]).content)
    assert "赵楼长" in text and "13733334444" in text


def test_given_a_card_when_its_qr_code_is_read_then_it_opens_the_request_form_for_the_household(here, rf):
    from gongzhi.cobuilding.views.cards import form_url_for

    request = rf.get("/")
    url = form_url_for(request)(here["household_a"].pk)
    assert url == f"http://testserver/cases/new/?location={here['household_a'].pk}"
    assert reverse("cases:new") == "/cases/new/"


def test_given_three_households_when_printed_then_two_cards_go_on_a_page(client, here):
    for name in ("102室", "103室"):
        child(here["unit_a"], name=name)
    response = _print(client, here["worker"], here["building_a"])
    assert pdf_pages(response.content) == 2
    assert ContactCard.objects.filter(is_current=True).count() == 3


def test_given_printed_cards_when_the_grid_worker_changes_then_the_household_is_out_of_date(client, here):
    _print(client, here["staff"], here["grid_a"])
    rows = contacts_of(households_under([here["grid_a"]]))
    assert [r.status for r in rows] == ["current"]
    # when the grid worker leaves and another takes the grid
    here["worker"].is_active = False
    here["worker"].save()
    grid_worker(here["grid_a"], name="陈新来", phone="13655556666")
    page = client.get(reverse("cobuilding:cards"), {"area": here["grid_a"].pk}).content.decode()
    assert "Out of date" in page or "已过期" in page
    # then printing only the out-of-date cards reprints that household with the new worker
    response = _print(client, here["staff"], here["grid_a"], only="outdated")
    text = pdf_text(response.content)
    assert "陈新来" in text and "13655556666" in text and "张网格" not in text
    cards = ContactCard.objects.filter(household=here["household_a"])
    assert cards.count() == 2 and cards.filter(is_current=True).count() == 1
    assert [r.status for r in contacts_of(households_under([here["grid_a"]]))] == ["current"]


def test_given_a_print_then_it_is_audited_as_a_reveal_of_the_phones(client, here):
    report = paired_member(here["community"], here["household_a"])
    _print(client, here["staff"], here["grid_a"])
    event = AuditEvent.objects.get(action="cobuilding.card.print")
    assert event.actor == here["staff"] and event.after["cards"] == 1
    assert f"party_member:{report.member_id}" in event.after["revealed_phones"]
    assert f"grid_worker:{here['worker'].pk}" in event.after["revealed_phones"]


def test_given_a_grid_of_another_community_when_printed_then_404(client, here):
    other = tree()
    for who in (here["staff"], here["worker"]):
        assert _print(client, who, other["grid_a"]).status_code == 404
        assert client.get(reverse("cobuilding:cards"), {"area": other["grid_a"].pk}).status_code == 404
    assert not ContactCard.objects.exists()


def test_given_the_cards_page_then_it_counts_households_and_cards_to_print(client, here):
    child(here["unit_a"], name="102室")
    client.force_login(here["staff"])
    page = client.get(reverse("cobuilding:cards"), {"area": here["grid_a"].pk}).content.decode()
    assert "A1号楼" in page and "138****2222" in page and "13811112222" not in page
    assert reverse("cobuilding:cards-pdf") in page


def test_given_an_ended_pairing_then_the_card_has_no_member(here):
    report = paired_member(here["community"], here["household_a"])
    ServicePost.objects.filter(report=report).update(ended_on=timezone.localdate() - timezone.timedelta(days=1))
    [row] = contacts_of(households_under([here["grid_a"]]))
    assert row.member is None and row.grid_worker.name == "张网格"


def test_given_no_area_when_the_pdf_is_asked_then_the_page_says_to_choose_one(client, here):
    client.force_login(here["staff"])
    response = client.get(reverse("cobuilding:cards-pdf"))
    assert response.status_code == 400 and 'id="area-error"' in response.content.decode()


def test_given_a_community_node_when_the_pdf_is_asked_then_it_is_refused(client, here):
    response = _print(client, here["staff"], here["community"])
    assert response.status_code == 400 and not ContactCard.objects.exists()


def test_given_the_api_then_it_lists_the_households_with_masked_phones(client, here):
    client.force_login(here["staff"])
    data = client.get("/api/cobuilding/cards", {"area_id": here["grid_a"].pk}).json()
    assert data["households"] == 1 and data["to_print"] == 1
    assert data["rows"][0]["grid_worker_phone"] == "138****2222" and data["rows"][0]["card"] == "none"
    other = tree()
    assert client.get("/api/cobuilding/cards", {"area_id": other["grid_a"].pk}).status_code == 404


def test_given_the_demo_loader_then_the_first_grid_has_current_cards(here):
    from gongzhi.cobuilding.demos import cards as demo
    from gongzhi.core.actors import SystemActor
    from gongzhi.core.demo import DemoContext

    ctx = DemoContext(seed=1, actor=SystemActor(label="demo"), verbose=False)
    ctx.data.update({"main_community": here["community"], "grids": {here["community"].code: [here["grid_a"]]},
                     "users": {"community_staff": here["staff"]}})
    demo.load(ctx)
    assert ctx.data["cards"]["printed"] == 1
    assert ContactCard.objects.get(is_current=True).printed_by == here["staff"]


def test_given_the_service_then_each_cards_qr_code_is_the_form_of_its_own_household(here):
    from gongzhi.cobuilding.services.cards import cards_print

    second = child(here["unit_a"], name="102室")
    asked = []
    cards_print(actor=here["staff"], areas=[here["building_a"]],
                form_url=lambda pk: asked.append(pk) or f"https://example.cn/cases/new/?location={pk}")
    assert asked == [here["household_a"].pk, second.pk]


def test_given_the_worker_of_another_grid_or_a_resident_then_the_cards_are_not_theirs(client, here):
    other_worker = grid_worker(here["grid_b"], name="王二", phone="13700001111")
    assert _print(client, other_worker, here["grid_a"]).status_code == 404
    assert _print(client, user("resident"), here["grid_a"]).status_code == 403
    assert not ContactCard.objects.exists()
