"""The nearest help within a walk, and the gaps: what a resident and the community would notice."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from gongzhi.circle.selectors.nearest import coverage, nearest, origin_of
from gongzhi.core.errors import InvalidInput, NotFound

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return f.circle_world()


def _names(found) -> list[str]:
    return [x.name for x in found]


def test_given_a_locksmith_400m_away_when_a_resident_looks_from_home_then_it_is_found_with_its_walking_time(w):
    lat, lng, node = origin_of(user=w["resident"])
    assert node == w["household_a"]
    found = nearest(user=w["resident"], latitude=lat, longitude=lng, service=f.service("locksmith"))
    assert _names(found) == ["老王开锁"]
    assert 280 <= found[0].metres <= 320 and 4 <= found[0].minutes <= 6  # 300 m × 1.3 / 75 m a minute
    assert found[0].services[0]["code"] == "locksmith" and found[0].services[0]["price"] == "50.00"


def test_given_a_locksmith_1500m_away_when_looking_then_it_is_beyond_the_walk(w):
    f.provider(w["community"], name="远处开锁", north_m=1500, radius=5000)
    lat, lng, _ = origin_of(user=w["resident"])
    assert "远处开锁" not in _names(nearest(user=w["resident"], latitude=lat, longitude=lng))


def test_given_a_provider_whose_area_does_not_reach_the_home_when_looking_then_it_is_left_out(w):
    f.provider(w["community"], name="只做本楼", north_m=450, radius=200)
    lat, lng, _ = origin_of(user=w["resident"])
    assert "只做本楼" not in _names(nearest(user=w["resident"], latitude=lat, longitude=lng))


def test_given_a_closed_place_and_an_open_one_when_looking_then_the_open_one_comes_first(w):
    f.provider(w["community"], name="夜里关门", north_m=120, hours=[{"days": [0, 1, 2, 3, 4, 5, 6], "opens": "08:00",
                                                                   "closes": "09:00"}])
    lat, lng, _ = origin_of(user=w["resident"])
    evening = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(20, 0)))
    found = nearest(user=w["resident"], latitude=lat, longitude=lng, service=f.service("locksmith"), at=evening)
    assert _names(found) == ["老王开锁", "夜里关门"] and not found[1].open_now


def test_given_a_shorter_walk_in_the_settings_when_looking_then_the_locksmith_is_too_far(w):
    lat, lng, _ = origin_of(user=w["resident"])
    with override_settings(CIRCLE_WALK_MINUTES=3):
        assert nearest(user=w["resident"], latitude=lat, longitude=lng, service=f.service("locksmith")) == []
    assert nearest(user=w["resident"], latitude=lat, longitude=lng, service=f.service("locksmith"), minutes=3) == []


def test_given_an_inactive_provider_when_a_resident_looks_then_it_is_not_offered(w):
    f.provider(w["community"], name="歇业的", north_m=100, active=False)
    lat, lng, _ = origin_of(user=w["resident"])
    assert "歇业的" not in _names(nearest(user=w["resident"], latitude=lat, longitude=lng))


def test_given_a_household_of_another_district_when_asked_as_origin_then_404(w):
    other = f.circle_world()
    with pytest.raises(NotFound):
        origin_of(user=w["community_staff"], node_id=other["household_a"].pk)


def test_given_a_place_not_on_the_map_when_asked_as_origin_then_the_error_names_the_field(w):
    from gongzhi.areas.models import AreaNode

    AreaNode.objects.filter(pk__in=[w["household_b"].pk, w["unit_b"].pk, w["building_b"].pk, w["grid_b"].pk,
                                    w["community"].pk, w["street"].pk, w["district"].pk]).update(latitude=None,
                                                                                              longitude=None)
    with pytest.raises(InvalidInput) as exc:
        origin_of(user=w["community_staff"], node_id=w["household_b"].pk)
    assert "household" in exc.value.fields


def test_given_a_community_with_one_building_out_of_reach_when_counting_coverage_then_it_is_the_gap(w):
    f.place(w["building_b"], north_m=-1400, east_m=50)
    result = coverage(user=w["community_staff"], community=w["community"], service=f.service("locksmith"))
    assert [g.name for g in result.gaps] == ["B1号楼"]
    assert (result.households, result.covered) == (2, 1) and result.share == 0.5
