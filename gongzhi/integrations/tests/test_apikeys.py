"""API keys: issued by command and admin (shown once, stored as a hash), limited to an area and to
channels, revocable, rate-limited, every use counted and traceable."""

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command

from gongzhi.accounts.tests.factories import PASSWORD, superuser, user
from gongzhi.cases.models import Case, Channel
from gongzhi.core.errors import Forbidden, InvalidInput
from gongzhi.core.models import AuditEvent
from gongzhi.integrations import services
from gongzhi.integrations.models import ApiKey, ApiKeyUsage, CameraSource, DutyShift

from .factories import ACTOR, api_key

pytestmark = pytest.mark.django_db


def file(client, raw, w, **extra):
    return client.post("/open311/v2/requests.json", {
        "api_key": raw, "service_code": "shared-bikes", "address_id": w.building_a.code, "description": "单车", **extra})


def test_the_command_prints_the_key_once_and_stores_only_its_hash(w):
    out, err = io.StringIO(), io.StringIO()
    call_command("apikey", "create", "--name", "hotline-vendor", "--area", w.community.code, "--channel", "online",
                 "--channel", "hotline", "--rate", "10", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    key = ApiKey.objects.get()
    assert raw.startswith("gzk_") and len(raw) > 40
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert all(raw not in str(getattr(key, f.attname)) for f in ApiKey._meta.concrete_fields)
    assert (key.area, key.channels, key.rate_limit) == (w.community, ["online", "hotline"], 10)
    event = AuditEvent.objects.get(action="integrations.apikey.create")
    assert event.actor_label == "command:apikey" and raw not in str(event.after)

    listing = io.StringIO()
    call_command("apikey", "list", stdout=listing)
    assert key.prefix in listing.getvalue() and raw not in listing.getvalue()

    call_command("apikey", "revoke", key.prefix, stdout=io.StringIO())
    key.refresh_from_db()
    assert key.revoked_at is not None
    with pytest.raises(CommandError):
        call_command("apikey", "revoke", key.prefix, stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("apikey", "create", "--name", "x", "--area", "000", stdout=io.StringIO())


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_revoked_key_is_refused(client, w, fmt):
    key, raw = api_key()
    services.apikey_revoke(actor=ACTOR, key=key)
    response = client.post(f"/open311/v2/requests.{fmt}", {
        "api_key": raw, "service_code": "shared-bikes", "address_id": w.building_a.code})
    assert response.status_code == 403
    assert b"403" in response.content
    assert client.get("/open311/v2/requests.json", {"api_key": raw}).status_code == 403
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_key_over_its_rate_gets_429(client, w, fmt):
    _key, raw = api_key(rate_limit=2)
    assert client.get(f"/open311/v2/services.{fmt}", {"api_key": raw}).status_code == 200
    assert client.get(f"/open311/v2/requests.{fmt}", {"api_key": raw}).status_code == 200
    response = client.get(f"/open311/v2/requests.{fmt}", {"api_key": raw})
    assert response.status_code == 429
    assert b"<code>429</code>" in response.content if fmt == "xml" else response.json()[0]["code"] == 429
    refused = file(client, raw, w)
    assert refused.status_code == 429 and not Case.objects.exists()
    # Reads without a key are not limited by someone else's key.
    assert client.get(f"/open311/v2/requests.{fmt}").status_code == 200
    assert sum(ApiKeyUsage.objects.values_list("refused", flat=True)) == 2


def test_every_use_is_counted_and_a_filing_is_audited(client, w):
    key, raw = api_key()
    client.get("/open311/v2/requests.json", {"api_key": raw}, HTTP_X_REQUEST_ID="req-abcdef12")
    client.get("/open311/v2/requests.json", {"api_key": raw})
    assert file(client, raw, w, HTTP_X_REQUEST_ID="req-filing-01").status_code == 201
    usage = {u.endpoint: u for u in ApiKeyUsage.objects.filter(key=key)}
    assert usage["requests"].count == 2 and usage["post_request"].count == 1
    assert usage["post_request"].last_request_id
    audit = AuditEvent.objects.get(action="integrations.open311.submit")
    assert audit.actor_label == "apikey:311-app" and audit.source == "api"
    assert AuditEvent.objects.get(action="cases.case.submit").request_id == audit.request_id
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_a_key_files_only_on_its_channels(client, w):
    _key, raw = api_key("hotline-vendor", channels=[Channel.HOTLINE])
    response = file(client, raw, w, first_name="三", last_name="张")
    assert response.status_code == 201, response.content
    assert Case.objects.get().channel == Channel.HOTLINE
    assert file(client, raw, w, channel="online").status_code == 403


def test_who_may_issue_keys(w):
    with pytest.raises(Forbidden):
        services.apikey_create(actor=w.cstaff, name="x", area=w.community)
    # A district administrator issues keys within the district only, never unlimited ones.
    with pytest.raises(InvalidInput):
        services.apikey_create(actor=w.admin, name="x")
    key, _raw = services.apikey_create(actor=w.admin, name="x", area=w.community)
    assert key.created_by == w.admin
    with pytest.raises(InvalidInput):
        services.apikey_create(actor=ACTOR, name="y", channels=["telepathy"])
    with pytest.raises(InvalidInput):
        services.apikey_create(actor=ACTOR, name="x")  # the name is taken


def test_the_admin_issues_a_key_and_shows_it_once(client, w):
    root = superuser()
    client.force_login(root)
    response = client.post("/admin/integrations/apikey/add/", {
        "name": "wechat-mini-program", "area": w.community.pk, "channels": ["online"], "rate_limit": 30, "note": ""})
    assert response.status_code == 200, response.content
    key = ApiKey.objects.get()
    raw = response.context["secret"]
    assert hashlib.sha256(raw.encode()).hexdigest() == key.key_hash
    assert raw.encode() in response.content
    assert raw.encode() not in client.get(f"/admin/integrations/apikey/{key.pk}/change/").content
    assert AuditEvent.objects.filter(action="integrations.apikey.create", actor=root).exists()


def test_the_admin_registers_a_source_and_shows_its_secret_once(client):
    client.force_login(superuser())
    response = client.post("/admin/integrations/camerasource/add/", {
        "code": "hik", "name": "海康平台", "timestamp_window": 300, "is_active": "on", "note": ""})
    assert response.status_code == 200, response.content
    assert CameraSource.objects.get().secret == response.context["secret"]


def test_the_duty_roster_admin_is_scoped(client, w):
    from gongzhi.areas.tests.factories import child

    client.force_login(w.cstaff)
    page = client.get("/admin/integrations/dutyshift/add/")
    assert page.status_code == 200
    grids = {g.pk for g in page.context["adminform"].form.fields["grid"].queryset}
    assert grids == {w.grid_a.pk, w.grid_b.pk}
    response = client.post("/admin/integrations/dutyshift/add/", {
        "grid": w.grid_a.pk, "user": w.worker_a.pk, "start_0": "2026-11-22", "start_1": "08:00:00",
        "end_0": "2026-11-22", "end_1": "20:00:00", "note": "白班"})
    assert response.status_code == 302, response.content
    shift = DutyShift.objects.get()
    assert AuditEvent.objects.filter(action="integrations.duty_shift.save", actor=w.cstaff).exists()
    outsider = user("community_staff", nodes=[child(w.street, name="别的社区")])
    client.force_login(outsider)
    assert client.get(f"/admin/integrations/dutyshift/{shift.pk}/change/").status_code == 404
    client.force_login(w.resident)
    assert client.get("/admin/integrations/dutyshift/").status_code in (302, 403)


def test_login_password_is_the_factory_one():
    assert PASSWORD


def test_every_integrations_admin_page_opens(client, w):
    from gongzhi.integrations.tests.factories import camera, source

    src, _secret = source()
    camera(src, w.building_a)
    client.force_login(superuser())
    for model in ("apikey", "apikeyusage", "open311submission", "camerasource", "camera", "cameraeventtype",
                  "cameraevent", "cameraincident", "dutyshift"):
        assert client.get(f"/admin/integrations/{model}/").status_code == 200, model
    for model in ("apikey", "camerasource", "camera", "cameraeventtype", "dutyshift"):
        assert client.get(f"/admin/integrations/{model}/add/").status_code == 200, model


def test_admin_pages_by_role(client, w):
    client.force_login(w.admin)
    assert client.get("/admin/integrations/apikey/").status_code == 200
    assert client.get("/admin/integrations/cameraeventtype/add/").status_code == 200
    client.force_login(w.cstaff)
    assert client.get("/admin/integrations/apikey/").status_code == 403
    assert client.get("/admin/integrations/camera/add/").status_code == 200
    assert client.get("/admin/integrations/cameraeventtype/add/").status_code == 403


def test_the_camera_admin_writes_through_the_service(client, w):
    from gongzhi.integrations.models import Camera
    from gongzhi.integrations.tests.factories import source

    src, _secret = source()
    client.force_login(w.cstaff)
    response = client.post("/admin/integrations/camera/add/", {
        "source": src.pk, "code": "CAM-9", "name": "B1号楼北门", "area": w.building_b.pk, "latitude": "",
        "longitude": "", "is_active": "on"})
    assert response.status_code == 302, response.content
    assert Camera.objects.get().area == w.building_b
    assert AuditEvent.objects.filter(action="integrations.camera.save", actor=w.cstaff).exists()
    refused = client.post("/admin/integrations/camera/add/", {
        "source": src.pk, "code": "CAM-10", "name": "社区", "area": w.community.pk, "is_active": "on"})
    assert refused.status_code == 200 and Camera.objects.count() == 1


def test_the_admin_changes_and_revokes_keys_and_rotates_secrets(client, w):
    from gongzhi.integrations.tests.factories import source

    key, raw = api_key(area=w.community)
    client.force_login(superuser())
    response = client.post(f"/admin/integrations/apikey/{key.pk}/change/", {
        "name": "renamed", "area": w.grid_a.pk, "channels": ["online", "hotline"], "rate_limit": 5, "note": "改"})
    assert response.status_code == 302, response.content
    key.refresh_from_db()
    assert (key.name, key.area, key.channels, key.rate_limit) == ("renamed", w.grid_a, ["online", "hotline"], 5)
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()  # the key itself is unchanged
    assert AuditEvent.objects.filter(action="integrations.apikey.update").exists()
    client.post("/admin/integrations/apikey/", {"action": "revoke_keys", "_selected_action": [key.pk]})
    key.refresh_from_db()
    assert key.revoked_at is not None

    src, old_secret = source()
    page = client.post("/admin/integrations/camerasource/", {"action": "rotate_secret", "_selected_action": [src.pk]})
    assert page.status_code == 200
    src.refresh_from_db()
    assert src.secret == page.context["secret"] != old_secret
    changed = client.post(f"/admin/integrations/camerasource/{src.pk}/change/", {
        "name": "新名称", "timestamp_window": 120, "note": ""})
    assert changed.status_code == 302, changed.content
    src.refresh_from_db()
    assert (src.name, src.timestamp_window, src.is_active) == ("新名称", 120, False)
