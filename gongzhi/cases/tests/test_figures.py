"""三率 and the share closed at each level, against numbers worked out by hand."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from gongzhi.cases import selectors, services
from gongzhi.cases.models import Rating, Result
from gongzhi.cases.tests.factories import category, in_progress, submit, world
from gongzhi.core.errors import NotFound

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    """Six requests in grid A, all 共享单车乱停:
    c1 contacted in time, solved at the grid, 满意 + solved; c6 (a duplicate merged into c1) 基本满意, not solved;
    c2 contacted in time, escalated, solved by the community, 基本满意 + solved;
    c3 contacted late, solved at the grid, 不满意 twice (reopened once), not solved;
    c4 never contacted, still in progress; c5 rejected (not counted)."""
    w = world()
    gw, cs, res = w.worker_a, w.cstaff, w.resident

    def contact(case, late=False):
        at = case.response_due + dt.timedelta(hours=1) if late else timezone.now()
        services.case_record_contact(actor=case.assignee or gw, case=case, method="phone", note="已联系", at=at)

    c1 = submit(w)
    c6 = submit(w, actor=w.resident_2)
    services.case_merge(actor=cs, case=c6, master=c1)
    services.case_accept(actor=cs, case=c1)
    services.case_dispatch(actor=cs, case=c1)
    services.case_claim(actor=gw, case=c1)
    contact(c1)
    services.case_resolve(actor=gw, case=c1, result=Result.SOLVED, feedback="已清运")
    services.case_rate(actor=w.resident_2, case=c6, rating=Rating.BASIC, solved=False)
    services.case_rate(actor=res, case=c1, rating=Rating.SATISFIED, solved=True)

    c2 = in_progress(w)
    contact(c2)
    services.case_escalate(actor=gw, case=c2, reason="需社区协调")
    services.case_claim(actor=cs, case=c2)
    services.case_resolve(actor=cs, case=c2, result=Result.SOLVED, feedback="社区协调企业清运")
    services.case_rate(actor=res, case=c2, rating=Rating.BASIC, solved=True)

    c3 = in_progress(w)
    contact(c3, late=True)
    services.case_resolve(actor=gw, case=c3, result=Result.PARTLY, feedback="部分清运")
    services.case_rate(actor=res, case=c3, rating=Rating.UNSATISFIED, solved=False)
    services.case_reopen(actor=gw, case=c3)
    services.case_resolve(actor=gw, case=c3, result=Result.EXPLAINED, feedback="企业未配合")
    services.case_rate(actor=res, case=c3, rating=Rating.UNSATISFIED, solved=False)

    in_progress(w)  # c4
    services.case_reject(actor=cs, case=submit(w), reason="重复")  # c5
    return w


def period():
    now = timezone.now()
    return {"start": now - dt.timedelta(days=1), "end": now + dt.timedelta(days=1)}


def test_three_rates_and_the_composite_match_the_hand_computed_numbers(w):
    f = selectors.figures(user=w.cstaff, node=w.community, **period())
    # response: c1, c2 in time of c1–c4 → 2/4
    assert f["response_rate"] == Decimal("0.5000")
    # resolution: solved c1, c2 of rated c1, c2, c3, c6 → 2/4
    assert f["resolution_rate"] == Decimal("0.5000")
    # satisfaction: (1 + 0.8 + 0 + 0.8) / 4
    assert f["satisfaction_rate"] == Decimal("0.6500")
    # composite 10/45/45: 0.05 + 0.225 + 0.2925
    assert f["composite"] == Decimal("0.5675")
    assert f["counts"]["cases"] == 4 and f["counts"]["rated"] == 4


def test_share_closed_at_each_level(w):
    levels = selectors.figures(user=w.cstaff, node=w.community, **period())["closed_by_level"]
    assert levels["grid"] == {"count": 2, "share": Decimal("0.6667")}
    assert levels["community"] == {"count": 1, "share": Decimal("0.3333")}
    assert levels["street"] == {"count": 0, "share": Decimal("0.0000")}


def test_weights_are_configurable(w):
    f = selectors.figures(
        user=w.cstaff, node=w.community, **period(),
        satisfaction_weights={"satisfied": 1, "basic": 1, "unsatisfied": 0},
        composite_weights={"response": "0.2", "resolution": "0.4", "satisfaction": "0.4"},
    )
    assert f["satisfaction_rate"] == Decimal("0.7500")
    assert f["composite"] == Decimal("0.6000")


def test_figures_filter_by_node_period_and_category(w):
    assert selectors.figures(user=w.cstaff, node=w.grid_b, **period())["counts"]["cases"] == 0
    assert selectors.figures(user=w.cstaff, node=w.grid_a, **period())["counts"]["cases"] == 4
    later = {"start": timezone.now() + dt.timedelta(days=1), "end": timezone.now() + dt.timedelta(days=2)}
    assert selectors.figures(user=w.cstaff, node=w.community, **later)["response_rate"] is None
    heating = selectors.figures(user=w.cstaff, node=w.community, category=category("heating"), **period())
    assert heating["counts"]["cases"] == 0 and heating["composite"] is None
    group = selectors.figures(user=w.cstaff, node=w.community, category=category("city"), **period())
    assert group["counts"]["cases"] == 4


def test_figures_outside_the_users_area_are_not_found(w):
    with pytest.raises(NotFound):
        selectors.figures(user=w.worker_b, node=w.grid_a, **period())


def test_hot_issues_are_the_matters_reported_again_and_again_at_one_place(w):
    since = timezone.now() - dt.timedelta(days=1)
    hot = selectors.hot_issues(user=w.cstaff, node=w.community, since=since, min_count=3)
    # c1–c4 and the merged c6 are 共享单车 at building A1; the rejected c5 does not count
    assert hot == [{"category": "shared-bikes", "category_name": "共享单车乱停乱放", "location_id": w.building_a.pk,
                    "location_name": "西站街道 瓜州路社区 第A网格 A1号楼", "count": 5, "open": 1}]
    assert selectors.hot_issues(user=w.cstaff, node=w.grid_b, since=since) == []


# The same numbers everywhere: selector, API, page and .xlsx, from the one fixture above.

# Worked out by hand from the fixture (see the first test): rates as fractions, and the share closed
# at each level over the three closed cases c1, c2, c3.
HAND = {
    "response_rate": Decimal("0.5000"),
    "resolution_rate": Decimal("0.5000"),
    "satisfaction_rate": Decimal("0.6500"),
    "composite": Decimal("0.5675"),
}
HAND_LEVELS = {
    "building": (0, Decimal("0.0000")),
    "grid": (2, Decimal("0.6667")),
    "community": (1, Decimal("0.3333")),
    "street": (0, Decimal("0.0000")),
    "department": (0, Decimal("0.0000")),
}


def _login(client, user):
    from gongzhi.accounts.tests.factories import PASSWORD

    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _dates():
    today = timezone.localdate()
    return today - dt.timedelta(days=1), today + dt.timedelta(days=1)


def _page_cells(html: str) -> list[list[str]]:
    """The rows of the page's tables as lists of cell texts (th and td)."""
    import re

    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)]
        rows.append(cells)
    return rows


def test_the_page_the_api_and_the_xlsx_show_the_hand_computed_figures(client, w):
    import io

    from django.utils import translation
    from openpyxl import load_workbook

    from gongzhi.cases import views
    from gongzhi.cases.models import Level

    start, end = _dates()
    tz = timezone.get_current_timezone()
    f = selectors.figures(
        user=w.cstaff, node=w.community,
        start=dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        end=dt.datetime.combine(end, dt.time.min, tzinfo=tz) + dt.timedelta(days=1),
    )
    assert {key: f[key] for key in HAND} == HAND
    assert {k: (v["count"], v["share"]) for k, v in f["closed_by_level"].items()} == HAND_LEVELS

    _login(client, w.cstaff)
    query = {"start": start.isoformat(), "end": end.isoformat()}

    # API: the same fractions
    api = client.get("/api/cases/figures", {"node_id": w.community.pk, **query})
    assert api.status_code == 200
    body = api.json()
    assert {key: body[key] for key in HAND} == {key: float(v) for key, v in HAND.items()}
    assert {k: (v["count"], v["share"]) for k, v in body["closed_by_level"].items()} == {
        k: (n, float(s)) for k, (n, s) in HAND_LEVELS.items()}
    assert body["counts"]["cases"] == 4 and body["counts"]["rated"] == 4

    # Page: the same numbers as percentages with one decimal, in the order of the rows
    page = client.get("/cases/figures/", {"node": w.community.pk, **query})
    assert page.status_code == 200
    language = page["Content-Language"]
    with translation.override(language):
        figure_labels = [str(label) for _key, label in views.FIGURE_ROWS]
        level_labels = {str(Level(k).label): k for k in HAND_LEVELS}
    cells = {row[0]: row[1:] for row in _page_cells(page.content.decode()) if row}
    assert [cells[label] for label in figure_labels] == [["50.0%"], ["50.0%"], ["65.0%"], ["56.8%"]]
    assert {level_labels[label]: tuple(cells[label]) for label in level_labels} == {
        "building": ("0", "0.0%"), "grid": ("2", "66.7%"), "community": ("1", "33.3%"),
        "street": ("0", "0.0%"), "department": ("0", "0.0%")}

    # .xlsx: the same fractions in the cells next to the labels
    xlsx = client.get("/cases/figures/", {"node": w.community.pk, "format": "xlsx", **query})
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    by_label = {row[0]: row[1:] for row in sheet.iter_rows(values_only=True) if row and row[0] is not None}
    assert [by_label[label][0] for label in figure_labels] == [0.5, 0.5, 0.65, 0.5675]
    assert {level_labels[label]: tuple(by_label[label][:2]) for label in level_labels} == {
        k: (n, float(s)) for k, (n, s) in HAND_LEVELS.items()}


@pytest.mark.parametrize("who", ["worker_b", "resident", "cg"])
def test_figures_of_a_node_outside_the_users_scope_are_refused_by_page_api_and_xlsx(client, w, who):
    start, end = _dates()
    query = {"start": start.isoformat(), "end": end.isoformat()}
    _login(client, w.users[who])
    api = client.get("/api/cases/figures", {"node_id": w.grid_a.pk, **query})
    assert api.status_code in (403, 404)
    assert "response_rate" not in api.content.decode()
    for extra in ({}, {"format": "xlsx"}):
        response = client.get("/cases/figures/", {"node": w.grid_a.pk, **query, **extra})
        assert response.status_code in (403, 404)
        assert response["Content-Type"].startswith("text/html")
        assert "50.0%" not in response.content.decode()
