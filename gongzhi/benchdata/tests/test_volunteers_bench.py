"""The generated volunteers and their year of points read like a real ledger: every kept balance
is the sum of its entries (points-check passes), balances never go below zero, and the month's
publicity of the district adds up to the entries of the month."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from gongzhi.areas.models import AreaNode
from gongzhi.benchdata.volunteers import generate_volunteers
from gongzhi.points import selectors
from gongzhi.points.models import Account, Entry
from gongzhi.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def test_a_small_district_of_volunteers_has_a_ledger_that_checks_out(capsys):
    # given a district of 2 streets, 4 communities and 600 households with 300 volunteers and 6,000 entries
    summary = generate_volunteers(seed=3, volunteers=300, entries=6000, shape=(2, 4, 8), households=600,
                                  out=lambda _line: None)
    assert Volunteer.objects.count() == 300 == Account.objects.count() == summary["accounts"]
    assert Entry.objects.count() == 6000
    assert all(n > 0 for n in summary["kinds"].values())
    # the volunteers are spread over the households, with masked copies and consent
    assert Volunteer.objects.values("area").distinct().count() == 300
    v = Volunteer.objects.order_by("pk").first()
    assert "*" in v.phone_masked and "*" in v.id_number_masked and v.consent_at is not None
    # then every balance is the sum of its entries, the last one's balance_after, never negative
    assert selectors.mismatches(programme="volunteers") == []
    call_command("points_check")
    assert "every balance matches" in capsys.readouterr().out
    assert not Entry.objects.filter(balance_after__lt=0).exists()
    assert selectors.balance(programme="volunteers", holder=v) == Account.objects.get(holder_id=v.pk).balance
    # and the entries span the year, ids in time order
    now = timezone.now()
    assert Entry.objects.filter(created_at__lt=now - dt.timedelta(days=300)).exists()
    assert Entry.objects.filter(created_at__gt=now - dt.timedelta(days=30)).exists()
    by_time = list(Entry.objects.order_by("created_at", "id").values_list("id", flat=True))
    assert by_time == sorted(by_time)
    # when the district's last full month is published
    district = AreaNode.objects.get(code="620103")
    month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    lines = selectors.month_totals(programme="volunteers", area=district, month=month)
    start, end = selectors.month_bounds(month)
    in_month = Entry.objects.filter(created_at__gte=start, created_at__lt=end)
    # then it counts the month's entries, and each line's opening and closing agree
    assert sum(line.entries for line in lines) == in_month.count() > 0
    assert sum(line.earned for line in lines) == in_month.filter(kind__in=["earn", "award"]).aggregate(s=Sum("amount"))["s"]
    for line in lines:
        assert line.opening + line.earned - line.deducted - line.spent == line.closing >= 0
    # and a second run refuses to write over it
    with pytest.raises(RuntimeError):
        generate_volunteers(seed=3, volunteers=10, entries=10, out=lambda _line: None)
