"""Case lists people can work from: counts per tab, search and filters, sort, pagination that
keeps the filters, bulk claim / dispatch through the services (one audit event per case, failures
reported per case), and the .xlsx of the filtered list (scoped, masked, audited)."""

import io

import pytest
from openpyxl import load_workbook

from gongzhi.cases.models import Case, State
from gongzhi.cases.tests.factories import category, dispatched, submit
from gongzhi.core import xlsx
from gongzhi.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _rows(page) -> str:
    return page.content.decode()


def test_tabs_show_counts_and_the_search_finds_by_reference_words_and_place(client, w):
    # Given two cases waiting to be claimed in grid A and one in grid B
    bikes = dispatched(w, title="楼下共享单车堆满了")
    lamp = dispatched(w, "neighbour-noise", title="楼上半夜噪音不断")
    other = dispatched(w, where="building_b", title="B区共享单车")
    client.force_login(w.worker_a)
    # When the grid worker opens the tab
    page = _rows(client.get("/cases/", {"box": "to_claim"}))
    # Then the tab says how many wait, and grid B's case is not among them
    assert '<span class="count">2</span>' in page
    assert "B区共享单车" not in page
    # and searching by reference, by words and by place narrows the list
    by_ref = _rows(client.get("/cases/", {"box": "to_claim", "q": lamp.reference}))
    assert "楼上半夜噪音不断" in by_ref and "楼下共享单车堆满了" not in by_ref
    by_words = _rows(client.get("/cases/", {"box": "to_claim", "q": "单车 楼下"}))
    assert "楼下共享单车堆满了" in by_words and "楼上半夜噪音不断" not in by_words
    assert "B区共享单车" not in _rows(client.get("/cases/", {"box": "to_claim", "q": "B区"}))  # never crosses scope
    by_place = _rows(client.get("/cases/", {"box": "to_claim", "q": "A1号楼"}))
    assert "楼下共享单车堆满了" in by_place
    assert client.get("/cases/", {"box": "to_claim", "q": other.reference}).content.decode().count("B区共享单车") == 0
    assert bikes.pk != lamp.pk


def test_filters_by_matter_and_light_and_sort_by_deadline(client, w):
    bikes = dispatched(w)
    lamp = dispatched(w, "neighbour-noise", title="楼上半夜噪音不断")
    client.force_login(w.worker_a)
    matter = lamp.category.parent_id or lamp.category_id
    page = _rows(client.get("/cases/", {"box": "to_claim", "category": matter}))
    assert "楼上半夜噪音不断" in page
    if bikes.category.parent_id != lamp.category.parent_id:
        assert bikes.title not in page
    # nothing is overdue yet: the red light filter empties the list and says so
    red = _rows(client.get("/cases/", {"box": "to_claim", "light": "red"}))
    assert "没有符合筛选条件的诉求" in red or "No case matches these filters." in red
    # sort by deadline puts the earlier deadline first
    order = _rows(client.get("/cases/", {"box": "to_claim", "sort": "deadline"}))
    first, second = sorted([bikes, lamp], key=lambda c: (c.handling_due, c.pk))
    assert order.index(first.reference) < order.index(second.reference)


def test_a_bad_filter_is_named_beside_its_field_and_never_a_500(client, w):
    dispatched(w)
    client.force_login(w.worker_a)
    page = client.get("/cases/", {"box": "to_claim", "since": "2026-13-45", "light": "purple"})
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count('class="field-error"') == 2
    api = client.get("/api/cases/", {"box": "to_claim", "since": "2026-12-05", "until": "2026-12-01"})
    assert api.status_code == 400 and "until" in api.json()["fields"]


def test_the_api_list_takes_the_same_filters(client, w):
    dispatched(w)
    lamp = dispatched(w, "neighbour-noise", title="楼上半夜噪音不断")
    client.force_login(w.worker_a)
    body = client.get("/api/cases/", {"box": "to_claim", "q": "噪音"}).json()
    assert [item["id"] for item in body["items"]] == [lamp.pk]
    assert client.get("/api/cases/", {"box": "to_claim", "q": lamp.reference}).json()["count"] == 1


def test_pagination_goes_past_thirty_and_keeps_the_filters(client, w):
    for n in range(32):
        submit(w, title=f"楼道灯坏了第{n}次")
    client.force_login(w.resident)
    first = _rows(client.get("/cases/mine/"))
    assert first.count("楼道灯坏了") == 30 and 'rel="next"' in first
    second = _rows(client.get("/cases/mine/", {"page": 2}))
    assert second.count("楼道灯坏了") == 2
    # a staff inbox: the next page link keeps the search
    client.force_login(w.cstaff)
    page = _rows(client.get("/cases/", {"box": "triage", "q": "楼道灯"}))
    assert 'rel="next"' in page and "q=%E6%A5%BC%E9%81%93%E7%81%AF" in page


def test_bulk_claim_moves_each_case_audits_each_and_reports_the_one_taken_meanwhile(client, w):
    from gongzhi.cases import services

    a, b, c = dispatched(w), dispatched(w), dispatched(w)
    services.case_claim(actor=w.worker_a2, case=c)  # taken by a colleague meanwhile
    client.force_login(w.worker_a)
    response = client.post("/cases/bulk/", {"box": "to_claim", "action": "claim", "cases": [a.pk, b.pk, c.pk]},
                           follow=True)
    assert response.status_code == 200
    for case in (a, b):
        case.refresh_from_db()
        assert case.state == State.IN_PROGRESS and case.assignee == w.worker_a
    c.refresh_from_db()
    assert c.assignee == w.worker_a2
    assert AuditEvent.objects.filter(action="cases.case.claim", actor=w.worker_a).count() == 2
    assert c.reference in response.content.decode()


def test_bulk_dispatch_accepts_and_dispatches_along_the_route_and_is_not_offered_to_grid_workers(client, w):
    one, two = submit(w), submit(w, "neighbour-noise")
    client.force_login(w.worker_a)
    assert client.post("/cases/bulk/", {"box": "triage", "action": "dispatch", "cases": [one.pk]}).status_code == 302
    one.refresh_from_db()
    assert one.state == State.SUBMITTED  # a grid worker does not work the triage tab
    client.force_login(w.cstaff)
    assert 'name="cases"' in _rows(client.get("/cases/", {"box": "triage"}))
    client.post("/cases/bulk/", {"box": "triage", "action": "dispatch", "cases": [one.pk, two.pk]})
    assert set(Case.objects.filter(pk__in=[one.pk, two.pk]).values_list("state", flat=True)) == {State.DISPATCHED}
    assert AuditEvent.objects.filter(action="cases.case.dispatch").count() == 2


def test_bulk_cannot_reach_a_case_outside_scope(client, w):
    theirs = dispatched(w, where="building_b")
    client.force_login(w.worker_a)
    response = client.post("/cases/bulk/", {"box": "to_claim", "action": "claim", "cases": [theirs.pk]}, follow=True)
    theirs.refresh_from_db()
    assert theirs.state == State.DISPATCHED and theirs.reference not in response.content.decode()


def test_the_export_is_the_filtered_list_scoped_masked_formatted_and_audited(client, w):
    # Given two street-light cases held by the community, one with a phone number in its title
    dispatched(w, "street-lights", title="电话13912345678请回电，路灯坏了")
    dispatched(w, "street-lights", title="B区路灯坏了")
    dispatched(w, "street-lights", title="小区大门口有积水")
    client.force_login(w.cstaff)
    response = client.get("/cases/", {"box": "to_claim", "q": "坏了", "format": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"] == xlsx.CONTENT_TYPE
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A4" and sheet["A3"].font.b
    assert "瓜州路社区" in sheet["A2"].value
    titles = [row[1] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert len(titles) == 2 and all("坏了" in t for t in titles)  # the filter, the community's scope
    assert not any("13912345678" in t for t in titles)  # masked
    places = [row[9] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert all(p.startswith("西站街道 瓜州路社区") for p in places)  # the place as people say it, not a code
    assert sheet.cell(row=4, column=13).number_format == xlsx.DATETIME
    event = AuditEvent.objects.get(action="cases.list.export")
    assert event.actor == w.cstaff and event.after["rows"] == 2


def test_a_grid_worker_exports_only_their_grid(client, w):
    dispatched(w, title="A区路灯不亮")
    dispatched(w, where="building_b", title="B区路灯坏了")
    client.force_login(w.worker_a)
    sheet = load_workbook(io.BytesIO(client.get("/cases/", {"box": "to_claim", "format": "xlsx"}).content)).active
    titles = [row[1] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert titles == ["A区路灯不亮"]


def test_residents_cannot_export_a_list(client, w):
    submit(w)
    client.force_login(w.resident)
    response = client.get("/cases/", {"box": "to_claim", "format": "xlsx"})
    assert response.status_code in (302, 404)
    assert not AuditEvent.objects.filter(action="cases.list.export").exists()
    assert category("shared-bikes")


def test_the_api_claims_in_bulk_and_reports_each_failure_by_reference(client, w):
    mine, theirs = dispatched(w), dispatched(w, where="building_b")
    client.force_login(w.worker_a)
    body = client.post("/api/cases/bulk", {"action": "claim", "case_ids": [mine.pk, theirs.pk]},
                       content_type="application/json").json()
    assert body["done"] == [mine.reference]
    assert [f["case"] for f in body["failed"]] == [str(theirs.pk)]  # outside scope: named by what was sent only
    theirs.refresh_from_db()
    assert theirs.state == State.DISPATCHED
    client.force_login(w.resident)
    refused = client.post("/api/cases/bulk", {"action": "claim", "case_ids": [mine.pk]}, content_type="application/json")
    assert refused.status_code == 403
