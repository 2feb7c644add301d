"""The public open-books pages without login: what a resident sees on the community's page, an
item with its corrections and questions, the print view, the feed and JSON; nothing personal."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.disclosure.models import Item, ItemKind, ItemState, Timing
from gongzhi.disclosure.services import items, questions
from gongzhi.disclosure.tests import factories
from gongzhi.residents.tests.factories import person

pytestmark = pytest.mark.django_db


def board_url(community, **query) -> str:
    url = reverse("disclosure:public-board", kwargs={"community_code": community.code})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def item_url(item) -> str:
    return reverse("disclosure:public-item", kwargs={"community_code": item.community.code, "item_id": item.pk})


@pytest.fixture
def w():
    return factories.world()


def test_anyone_reads_the_published_items_of_a_community_without_login(w):
    given = factories.published(w["community"], title="2026年城乡低保对象名单公示", kind=ItemKind.GOVERNMENT)
    money = factories.published(w["community"], title="2026年11月财务收支情况", kind=ItemKind.FINANCE,
                                timing=Timing.REGULAR)
    draft = factories.draft(w["community"], title="尚未审核的草稿公告")

    page = Client().get(board_url(w["community"]))

    assert page.status_code == 200
    text = page.content.decode()
    assert given.title in text and money.title in text
    assert draft.title not in text
    finance_only = Client().get(board_url(w["community"], kind="finance")).content.decode()
    assert money.title in finance_only and given.title not in finance_only


def test_a_draft_another_communitys_item_or_an_unknown_community_answer_404(w):
    other = tree()
    elsewhere = factories.published(other["community"], title="别的社区的公告")
    draft = factories.draft(w["community"])
    client = Client()

    assert client.get(item_url(draft)).status_code == 404
    wrong_community = reverse("disclosure:public-item",
                              kwargs={"community_code": w["community"].code, "item_id": elsewhere.pk})
    assert client.get(wrong_community).status_code == 404
    assert client.get(reverse("disclosure:public-board", kwargs={"community_code": "000000"})).status_code == 404
    assert client.get(reverse("disclosure:public-board", kwargs={"community_code": w["street"].code})).status_code == 404
    assert client.get(reverse("disclosure:public-item-json",
                              kwargs={"community_code": w["community"].code, "item_id": draft.pk})).status_code == 404


def test_a_correction_is_shown_with_its_history_and_the_old_version_marked_replaced(w):
    first = factories.published(w["community"], title="楼道照明改造费用公示", body="共计支出3200元。")
    second = items.item_correct(actor=factories.ACTOR, item=first, title="楼道照明改造费用公示",
                                body="共计支出2300元。", reason="金额录入错误，应为2300元")

    current = Client().get(item_url(second)).content.decode()
    old = Client().get(item_url(first)).content.decode()
    board = Client().get(board_url(w["community"])).content.decode()

    assert "2300元" in current and "金额录入错误，应为2300元" in current
    assert 'id="history"' in current and item_url(first) in current
    assert "3200元" in old and item_url(second) in old  # the old one says where the current one is
    assert board.count("楼道照明改造费用公示") == 1  # the list shows the current version only
    with_past = Client().get(board_url(w["community"], past=1)).content.decode()
    assert with_past.count("楼道照明改造费用公示") == 2


def test_nothing_personal_leaks_through_the_public_pages_the_feed_or_json(w):
    w["staff"].display_name = "王建国"
    w["staff"].save()
    asker = user(Role.RESIDENT, display_name="李秀英", username="lixiuying")
    person(w["household_a"], name="赵桂兰", phone="13912340000")
    item = factories.published(w["community"], actor=w["staff"], title="2026年度临时救助发放公示",
                               body="本年度共发放临时救助12户。")
    q = questions.question_ask(actor=asker, item=item, text="我是赵桂兰，电话13912345678，为什么没有我家？")
    questions.question_answer(actor=w["staff"], question=q, answer="已入户核实，请携带材料到社区服务站。")
    # A text that reached the table without the publication check (an import, an old row) is masked too.
    Item.objects.filter(pk=item.pk).update(body="本年度共发放临时救助12户，其中赵桂兰 13987654321。")
    code, client = w["community"].code, Client()

    answers = [
        client.get(item_url(item)),
        client.get(board_url(w["community"])),
        client.get(reverse("disclosure:public-feed", kwargs={"community_code": code})),
        client.get(reverse("disclosure:public-items-json", kwargs={"community_code": code})),
        client.get(reverse("disclosure:public-item-json", kwargs={"community_code": code, "item_id": item.pk})),
        client.get(reverse("disclosure:public-print", kwargs={"community_code": code})),
        client.get(reverse("disclosure:public-item-print", kwargs={"community_code": code, "item_id": item.pk})),
    ]

    for answer in answers:
        assert answer.status_code == 200
        text = answer.content.decode()
        for personal in ("王建国", "李秀英", "lixiuying", w["staff"].username, "赵桂兰", "13912345678",
                         "13987654321", "13912340000"):
            assert personal not in text, f"{personal} leaks through {answer.request['PATH_INFO']}"
    page = answers[0].content.decode()
    assert "为什么没有我家" in page and "139****5678" in page and "已入户核实" in page
    assert "赵*" in page


def test_search_and_paging(w):
    for n in range(25):
        factories.published(w["community"], title=f"第{n + 1}号通知：垃圾分类宣传")
    factories.published(w["community"], title="电梯加装意见征集")

    found = Client().get(board_url(w["community"], q="电梯")).content.decode()
    first = Client().get(board_url(w["community"])).content.decode()
    second = Client().get(board_url(w["community"], page=2)).content.decode()

    assert "电梯加装意见征集" in found and "垃圾分类宣传" not in found
    assert first.count("垃圾分类宣传") == 19 and "电梯加装意见征集" in first
    assert second.count("垃圾分类宣传") == 6
    assert Client().get(board_url(w["community"], page="x")).status_code == 200
    assert Client().get(board_url(w["community"], kind="nonsense")).status_code == 200


def test_the_feed_is_atom_and_the_json_lists_the_items(w):
    item = factories.published(w["community"], title="关于停水的临时通知", timing=Timing.TEMPORARY,
                               body="12月5日8时至12时停水检修。")
    code = w["community"].code

    feed = Client().get(reverse("disclosure:public-feed", kwargs={"community_code": code}))
    listing = Client().get(reverse("disclosure:public-items-json", kwargs={"community_code": code})).json()
    one = Client().get(reverse("disclosure:public-item-json", kwargs={"community_code": code, "item_id": item.pk})).json()

    assert feed["Content-Type"].startswith("application/atom+xml")
    entries = ET.fromstring(feed.content).findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 1 and "关于停水的临时通知" in entries[0].findtext("{http://www.w3.org/2005/Atom}title")
    assert listing["count"] == 1 and listing["items"][0]["title"] == "关于停水的临时通知"
    assert listing["items"][0]["url"].endswith(item_url(item))
    assert one["body"] == "12月5日8时至12时停水检修。" and len(one["versions"]) == 1
    assert Client().get(reverse("disclosure:public-feed", kwargs={"community_code": "999"})).status_code == 404


def test_the_print_view_is_an_a4_sheet_per_notice(w):
    factories.published(w["community"], title="关于开展冬季消防安全检查的通知", body="请各楼栋清理楼道杂物。")

    page = Client().get(reverse("disclosure:public-print", kwargs={"community_code": w["community"].code}))

    text = page.content.decode()
    assert 'class="sheet"' in text and "关于开展冬季消防安全检查的通知" in text
    assert "public-print.css" in text


def test_the_public_page_asks_few_queries(w, django_assert_max_num_queries):
    for n in range(30):
        factories.published(w["community"], title=f"公告{n}", kind=ItemKind.AFFAIRS)
    item = Item.objects.filter(state=ItemState.PUBLISHED).first()
    client = Client()
    client.get(board_url(w["community"]))  # warm caches (content types, translations)

    with django_assert_max_num_queries(4):
        assert client.get(board_url(w["community"])).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(item_url(item)).status_code == 200
