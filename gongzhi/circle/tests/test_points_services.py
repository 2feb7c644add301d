"""The directory's writes: points, photos, rooms, providers, offerings, themes, ratings and the
reveal of a provider's own phone — bad input names its field and writes nothing, every write is
audited, and nothing of another district can be changed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from gongzhi.circle.models import (
    MonthlyTheme,
    Offering,
    PointPhoto,
    PointRating,
    Provider,
    Room,
    ServicePoint,
)
from gongzhi.circle.services import points as services
from gongzhi.core.audit import AuditEvent
from gongzhi.core.errors import Forbidden, InvalidInput, NotFound

from . import factories as f
from . import factories_points as fp

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return f.circle_world()


def _field(exc) -> set[str]:
    return set(exc.value.fields)


# --- points -------------------------------------------------------------------------------------


def test_given_the_community_staff_when_adding_a_point_then_it_is_on_the_grid_and_audited(w):
    made = services.point_save(actor=w["community_staff"], **fp.point_values(w["community"], keeper=w["keeper"].pk))
    assert made.cell_x is not None and made.cell_y is not None and made.keeper == w["keeper"]
    event = AuditEvent.objects.get(action="circle.point.create", object_id=str(made.pk))
    assert event.actor == w["community_staff"]


@pytest.mark.parametrize(("change", "field"), [
    ({"hours": [{"days": [7], "opens": "09:00", "closes": "17:00"}]}, "hours"),
    ({"hours": [{"days": [1], "opens": "18:00", "closes": "09:00"}]}, "hours"),
    ({"latitude": "abc"}, "latitude"),
    ({"latitude": Decimal("95")}, "latitude"),
    ({"kind": "castle"}, "kind"),
    ({"name": ""}, "name"),
    ({"keeper": 999_999_999}, "keeper"),
])
def test_given_bad_input_when_adding_a_point_then_the_field_is_named_and_nothing_is_written(w, change, field):
    before = ServicePoint.objects.count()
    with pytest.raises(InvalidInput) as exc:
        services.point_save(actor=w["community_staff"], **fp.point_values(w["community"], **change))
    assert field in _field(exc)
    assert ServicePoint.objects.count() == before
    assert not AuditEvent.objects.filter(action="circle.point.create").exists()


def test_given_a_point_when_changing_its_hours_then_the_change_is_audited_with_before_and_after(w):
    services.point_save(actor=w["community_staff"], point=w["station"], hours=[])
    w["station"].refresh_from_db()
    assert w["station"].hours == []
    event = AuditEvent.objects.get(action="circle.point.update")
    assert event.before["hours"] and event.after["hours"] == []


def test_given_a_resident_when_adding_a_point_then_refused(w):
    with pytest.raises(Forbidden):
        services.point_save(actor=w["resident"], **fp.point_values(w["community"]))


def test_given_a_point_of_another_district_when_the_staff_change_it_then_refused_and_unchanged(w):
    other = f.circle_world()
    closed = f.point(other["community"], name="外区未开放", active=False)
    with pytest.raises(Forbidden):
        services.point_save(actor=w["community_staff"], point=other["station"], name="改名")
    with pytest.raises(NotFound):
        services.point_save(actor=w["community_staff"], point=closed, name="改名")
    with pytest.raises(InvalidInput) as exc:
        services.point_save(actor=w["community_staff"], **fp.point_values(other["community"]))
    assert "area" in _field(exc)
    other["station"].refresh_from_db()
    assert other["station"].name == "瓜州路社区新时代文明实践站"


# --- photos, rooms, ratings ---------------------------------------------------------------------


def test_given_an_image_when_the_staff_add_it_then_it_is_kept_and_audited(w, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    photo = services.point_add_photo(actor=w["community_staff"], point=w["station"], image=fp.png(), caption="外景")
    assert photo.point == w["station"] and AuditEvent.objects.filter(action="circle.point.photo").exists()


def test_given_a_file_that_only_claims_to_be_an_image_when_added_then_refused_beside_the_image(w, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(InvalidInput) as exc:
        services.point_add_photo(actor=w["community_staff"], point=w["station"], image=fp.fake_image())
    assert "image" in _field(exc) and not PointPhoto.objects.exists()


def test_given_a_point_when_the_staff_add_a_room_and_change_it_then_both_are_audited(w):
    made = services.room_save(actor=w["community_staff"], point=w["station"], name="百姓影院", kind="cinema",
                              capacity=60)
    services.room_save(actor=w["community_staff"], room=made, capacity=80)
    assert Room.objects.get(pk=made.pk).capacity == 80
    assert AuditEvent.objects.filter(action__in=["circle.room.create", "circle.room.update"]).count() == 2
    with pytest.raises(InvalidInput) as exc:
        services.room_save(actor=w["community_staff"], point=w["station"], name="", kind="gym")
    assert "name" in _field(exc)
    with pytest.raises(Forbidden):
        services.room_save(actor=w["resident"], point=w["station"], name="百姓健身房", kind="gym")


def test_given_a_resident_when_rating_twice_then_the_second_replaces_the_first(w):
    services.point_rate(actor=w["resident"], point=w["station"], stars=2, comment="")
    services.point_rate(actor=w["resident"], point=w["station"], stars=5, comment="很好")
    rating = PointRating.objects.get(point=w["station"], user=w["resident"])
    assert (rating.stars, rating.comment) == (5, "很好")
    assert AuditEvent.objects.filter(action="circle.point.rate").count() == 2


@pytest.mark.parametrize("stars", [0, 6, "many", None])
def test_given_stars_out_of_one_to_five_when_rating_then_refused_beside_the_stars(w, stars):
    with pytest.raises(InvalidInput) as exc:
        services.point_rate(actor=w["resident"], point=w["station"], stars=stars)
    assert "stars" in _field(exc) and not PointRating.objects.exists()


def test_given_a_closed_point_when_rating_it_then_not_found(w):
    closed = f.point(w["community"], name="已关闭", active=False)
    with pytest.raises(NotFound):
        services.point_rate(actor=w["resident"], point=closed, stars=4)


# --- providers and the reveal -------------------------------------------------------------------


def test_given_a_new_provider_when_saved_then_the_own_phone_is_kept_but_audited_masked(w):
    made = services.provider_save(actor=w["community_staff"], **fp.provider_values(w["community"]))
    assert Provider.objects.get(pk=made.pk).contact_phone == "13800001111"
    event = AuditEvent.objects.get(action="circle.provider.create")
    assert "13800001111" not in str(event.after) and made.contact_phone_masked in str(event.after)


@pytest.mark.parametrize(("change", "field"), [
    ({"latitude": None, "longitude": None}, "latitude"),
    ({"contact_phone": "12"}, "contact_phone"),
    ({"service_radius_m": 10}, "service_radius_m"),
    ({"hours": "always"}, "hours"),
    ({"team": 999_999_999}, "team"),
])
def test_given_bad_input_when_adding_a_provider_then_the_field_is_named_and_nothing_is_written(w, change, field):
    with pytest.raises(InvalidInput) as exc:
        services.provider_save(actor=w["community_staff"], **fp.provider_values(w["community"], **change))
    assert field in _field(exc)
    assert not Provider.objects.filter(name="巧手家政").exists()


def test_given_the_staff_when_revealing_the_own_phone_then_it_is_read_and_the_reveal_audited_without_it(w):
    phone = services.provider_reveal_phone(actor=w["community_staff"], provider=w["locksmith"], reason="派单联系")
    assert phone == "13912345678"
    event = AuditEvent.objects.get(action="circle.provider.reveal_phone")
    assert "13912345678" not in f"{event.before} {event.after} {event.note}"


def test_given_a_resident_or_the_staff_of_another_district_when_revealing_then_refused(w):
    other = f.circle_world()
    with pytest.raises(Forbidden):
        services.provider_reveal_phone(actor=w["resident"], provider=w["locksmith"])
    with pytest.raises(Forbidden):
        services.provider_reveal_phone(actor=w["community_staff"], provider=other["locksmith"])
    assert not AuditEvent.objects.filter(action="circle.provider.reveal_phone").exists()


# --- offerings and themes -----------------------------------------------------------------------


def test_given_a_provider_when_offering_a_service_twice_then_the_price_changes_and_removal_is_audited(w):
    first = services.offering_set(actor=w["community_staff"], provider=w["locksmith"], service="drain", price="80")
    again = services.offering_set(actor=w["community_staff"], provider=w["locksmith"], service="drain", price="")
    assert first.pk == again.pk and again.free
    services.offering_remove(actor=w["community_staff"], offering=again)
    assert not Offering.objects.filter(pk=again.pk).exists()
    assert AuditEvent.objects.filter(action="circle.offering.set").count() == 2
    assert AuditEvent.objects.filter(action="circle.offering.remove").exists()


@pytest.mark.parametrize(("change", "field"), [({"service": "no-such"}, "service"), ({"price": "-3"}, "price"),
                                               ({"price": "cheap"}, "price")])
def test_given_bad_input_when_offering_then_the_field_is_named(w, change, field):
    values = {"service": "drain", "price": "30"} | change
    with pytest.raises(InvalidInput) as exc:
        services.offering_set(actor=w["community_staff"], point=w["station"], **values)
    assert field in _field(exc) and not Offering.objects.filter(point=w["station"], service__code="drain").exists()


def test_given_the_staff_when_setting_the_months_theme_twice_then_one_theme_holds_the_second(w):
    month = timezone.localdate().strftime("%Y-%m")
    services.theme_set(actor=w["community_staff"], area=w["community"], month=month, title="敬老月",
                       services=["meals"])
    theme = services.theme_set(actor=w["community_staff"], area=w["community"], month=month, title="助老月",
                               services=["meals", "haircut"])
    assert MonthlyTheme.objects.get().title == "助老月" and theme.month == timezone.localdate().replace(day=1)
    assert {s.code for s in theme.services.all()} == {"meals", "haircut"}
    with pytest.raises(InvalidInput) as exc:
        services.theme_set(actor=w["community_staff"], area=w["community"], month="13-2026", title="x")
    assert "month" in _field(exc)
    with pytest.raises(InvalidInput) as exc:
        services.theme_set(actor=w["community_staff"], area=w["community"], month=dt.date(2026, 1, 1), title="")
    assert "title" in _field(exc)
