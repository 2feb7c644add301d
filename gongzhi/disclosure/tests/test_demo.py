"""The demo loader writes a year of the main community's open books through the services, and the
public page shows them: every kind and timing type, some late, a correction with its history, the
service fund, the committee's election and rectifications."""

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.accounts import demo as accounts_demo
from gongzhi.areas.tests.factories import DepartmentFactory, UnitFactory, child, district
from gongzhi.core.actors import SystemActor
from gongzhi.core.demo import DemoContext
from gongzhi.disclosure import demo
from gongzhi.disclosure.models import (
    Election,
    FundEntry,
    Item,
    ItemKind,
    ItemState,
    Question,
    Rectification,
    Review,
    Timing,
)

pytestmark = pytest.mark.django_db
ACTOR = SystemActor(label="command:demo")


@pytest.fixture
def ctx():
    d = district(name="七里河区")
    s = child(d, name="西站街道")
    main = child(s, name="瓜州路社区")
    grids = {main.code: [child(main, name=f"第{i}网格") for i in range(1, 3)]}
    units = [UnitFactory(area=main, kind="enterprise", name=f"驻区企业{i}") for i in range(6)]
    departments = {"cg": DepartmentFactory(district=d, code="cg", name="七里河区城市管理局")}
    c = DemoContext(seed=2026, actor=ACTOR, verbose=False)
    c.data.update(district=d, street=s, communities=[main], main_community=main, grids=grids, units=units,
                  departments=departments)
    accounts_demo.load(c)
    return c


def test_the_demo_writes_a_year_of_open_books_the_public_page_shows(ctx):
    demo.load(ctx)
    main = ctx.data["main_community"]
    public = Item.objects.filter(community=main, state__in=(ItemState.PUBLISHED, ItemState.SUPERSEDED))

    assert set(public.values_list("kind", flat=True)) == set(ItemKind.values)
    assert set(public.values_list("timing", flat=True)) == set(Timing.values)
    assert public.filter(is_late=True).count() >= 2
    corrected = ctx.data["disclosure"]["corrected"]
    assert corrected.version == 2 and corrected.supersedes.state == ItemState.SUPERSEDED
    assert FundEntry.objects.filter(kind="spending", purpose__contains="下水井").exists()
    assert Election.objects.filter(body__area=main).count() == 1
    assert Rectification.objects.filter(community=main).count() == 2
    assert Review.objects.filter(verdict="question").exists()
    assert Question.objects.filter(item__community=main).exclude(answer="").exists()

    page = Client().get(reverse("disclosure:public-item", kwargs={"community_code": main.code,
                                                                   "item_id": corrected.pk})).content.decode()
    assert "11.8万元" in page and "预算金额录入错误" in page and 'id="history"' in page
