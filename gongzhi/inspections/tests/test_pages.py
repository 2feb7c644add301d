"""The spot-check pages: an inspector's records on a phone, the check form with its errors beside the
fields, the street's decision, the samples and the register."""

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.inspections.models import Finding, FindingState, Inspector, Sample

from . import factories as f

pytestmark = pytest.mark.django_db


def _client(u) -> Client:
    c = Client()
    c.force_login(u)
    return c


def _item(w):
    smp = f.sample(w.street)
    row = f.visit(w.household_a, w.worker_a, when=f.at(smp.month), photo=False)
    return f.item(smp, worker=w.worker_a, visit_row=row, inspector_row=w.inspectors[0])


def test_the_inspector_sees_their_records_and_records_a_check():
    w = f.world()
    itm = _item(w)
    c = _client(w.inspector)
    home = c.get(reverse("inspections:home"))
    assert home.status_code == 200 and f"item-{itm.pk}" in home.text
    page = c.get(reverse("inspections:item", kwargs={"item_id": itm.pk}))
    assert "住户反映楼道灯坏了" in page.text and 'id="finding-form"' in page.text
    # a problem without a note: the error beside the note
    bad = c.post(reverse("inspections:item", kwargs={"item_id": itm.pk}),
                 {"method": "call_back", "outcome": "problem", "problem_kind": "not_visited", "note": ""})
    assert bad.status_code == 422
    assert "Say what you found" in bad.text or "说明" in bad.text
    assert not Finding.objects.exists()
    ok = c.post(reverse("inspections:item", kwargs={"item_id": itm.pk}),
                {"method": "call_back", "outcome": "problem", "problem_kind": "not_visited",
                 "note": "回访住户，称十月份没有人上门"}, follow=True)
    assert ok.status_code == 200 and Finding.objects.get().state == FindingState.PENDING


def test_an_inspector_of_another_street_gets_404():
    w = f.world()
    itm = _item(w)
    other = tree()
    stranger = user("inspector", nodes=[other["street"]])
    f.inspector(other["street"], stranger)
    c = _client(stranger)
    assert c.get(reverse("inspections:item", kwargs={"item_id": itm.pk})).status_code == 404
    assert c.get(reverse("inspections:sample", kwargs={"sample_id": itm.sample_id})).status_code == 404
    assert f"item-{itm.pk}" not in c.get(reverse("inspections:home")).text


def test_the_street_confirms_or_rejects_with_a_reason():
    w = f.world()
    found = f.finding(_item(w))
    c = _client(w.sstaff)
    page = c.get(reverse("inspections:item", kwargs={"item_id": found.item_id}))
    assert 'id="action-confirm"' in page.text and 'id="action-reject"' in page.text
    no_reason = c.post(reverse("inspections:finding-reject", kwargs={"finding_id": found.pk}), {"reason": ""})
    assert no_reason.status_code == 422
    found.refresh_from_db()
    assert found.state == FindingState.PENDING
    c.post(reverse("inspections:finding-confirm", kwargs={"finding_id": found.pk}))
    found.refresh_from_db()
    assert found.state == FindingState.CONFIRMED and found.decided_by == w.sstaff
    # the inspector sees the decision but has no buttons
    seen = _client(w.inspector).get(reverse("inspections:item", kwargs={"item_id": found.item_id}))
    assert 'data-state="confirmed"' in seen.text and "action-confirm" not in seen.text


def test_the_street_draws_a_sample_and_keeps_the_register():
    w = f.world()
    month = f.last_month()
    f.visit(w.household_a, w.worker_a, when=f.at(month))
    c = _client(w.sstaff)
    r = c.post(reverse("inspections:samples"), {"street": w.street.pk, "month": f"{month:%Y-%m}", "size": 5})
    smp = Sample.objects.get()
    assert r.status_code == 302 and r.url == reverse("inspections:sample", kwargs={"sample_id": smp.pk})
    assert str(smp.seed) in c.get(r.url).text
    again = c.post(reverse("inspections:samples"), {"street": w.street.pk, "month": f"{month:%Y-%m}"})
    assert again.status_code == 422
    newcomer = user("inspector", nodes=[w.street])
    r = c.post(reverse("inspections:inspectors"), {"street": w.street.pk, "user": newcomer.pk,
                                                   "appointed_on": "2026-01-05", "selection": ""})
    assert r.status_code == 422 and not Inspector.objects.filter(user=newcomer).exists()
    r = c.post(reverse("inspections:inspectors"), {"street": w.street.pk, "user": newcomer.pk,
                                                   "appointed_on": "2026-01-05", "selection": "街道公开选聘公告第5号"})
    assert r.status_code == 302 and Inspector.objects.filter(user=newcomer, active=True).exists()
    # an inspector may not draw or add
    assert _client(w.inspector).post(reverse("inspections:samples"), {}).status_code == 403


def test_a_grid_worker_and_a_resident_see_no_spot_checks():
    w = f.world()
    itm = _item(w)
    for u in (w.worker_a, w.resident):
        c = _client(u)
        assert c.get(reverse("inspections:home")).status_code == 403
        assert c.get(reverse("inspections:item", kwargs={"item_id": itm.pk})).status_code == 403
