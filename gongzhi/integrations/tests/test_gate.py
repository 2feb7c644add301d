"""The integrations in the platform's shape: each check asks the permission gate (403 for the role,
404 for an area outside the scope), each list starts from the model's `visible_to`, and the
component declares every audit action the services record and every setting's default."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import child
from gongzhi.core.errors import Forbidden, NotFound
from gongzhi.core.permissions import can
from gongzhi.integrations import conf, services
from gongzhi.integrations.models import ApiKey, Camera, CameraSource, DutyShift
from gongzhi.integrations.tests.factories import ACTOR, api_key, camera, source

pytestmark = pytest.mark.django_db


def test_the_component_declares_every_audit_action_the_services_record():
    component = apps.get_app_config("integrations").component
    folder = Path(services.__file__).parent
    recorded = set()
    for path in folder.glob("*.py"):
        recorded |= set(re.findall(r'"(integrations\.[a-z_]+\.[a-z_]+)"', path.read_text()))
    recorded.add(services.USE_ACTION)
    assert recorded <= set(component.audit_actions)
    assert "integrations.camera_alert" in component.notification_kinds


def test_settings_fall_back_to_the_components_defaults(settings):
    assert conf.get("INTEGRATIONS_DEFAULT_RATE_LIMIT") == 60
    settings.INTEGRATIONS_DEFAULT_RATE_LIMIT = 5
    assert conf.get("INTEGRATIONS_DEFAULT_RATE_LIMIT") == 5


def test_the_roster_asks_the_gate_role_first_then_the_area(w):
    start = timezone.now()
    values = {"grid": w.grid_a, "user": w.worker_a, "start": start, "end": start + dt.timedelta(hours=8)}
    with pytest.raises(Forbidden):
        services.duty_shift_save(actor=w.worker_a, **values)  # a grid worker does not keep the roster
    elsewhere = user(Role.COMMUNITY_STAFF, nodes=[child(w.street, name="另一社区")])
    with pytest.raises(NotFound):
        services.duty_shift_save(actor=elsewhere, **values)  # outside the scope: as if absent
    shift = services.duty_shift_save(actor=w.cstaff, **values)
    assert list(DutyShift.objects.visible_to(w.cstaff)) == [shift]
    assert not DutyShift.objects.visible_to(elsewhere).exists()
    assert can(w.cstaff, "integrations.duty_edit", w.grid_a) and not can(elsewhere, "integrations.duty_edit", w.grid_a)


def test_cameras_and_keys_are_seen_within_the_scope(w):
    src, _secret = source()
    cam = camera(src, w.building_a)
    key, _raw = api_key(area=w.community)
    unlimited, _raw = api_key("anywhere")
    elsewhere = user(Role.COMMUNITY_STAFF, nodes=[child(w.street, name="另一社区")])
    assert list(Camera.objects.visible_to(w.sstaff)) == [cam]
    assert not Camera.objects.visible_to(elsewhere).exists()
    assert list(ApiKey.objects.visible_to(w.admin)) == [key]  # a key limited to no area: superusers only
    assert set(ApiKey.objects.visible_to(ACTOR)) == {key, unlimited}
    with pytest.raises(NotFound):
        services.camera_save(actor=elsewhere, camera=cam, source=src, code=cam.code, name="x", area=w.building_a)


def test_camera_sources_are_for_district_administrators(w):
    src, _secret = source()
    assert list(CameraSource.objects.visible_to(w.admin)) == [src]
    assert not CameraSource.objects.visible_to(w.cstaff).exists()
    with pytest.raises(Forbidden):
        services.camera_source_rotate_secret(actor=w.cstaff, source=src)
