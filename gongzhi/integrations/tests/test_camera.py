"""Camera alerts: a signed alert becomes a camera case at the camera's place and reaches the grid
worker on duty; repeats fold into the open case; bad signatures, stale timestamps and replays are
refused with nothing written."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from gongzhi.cases import services as case_services
from gongzhi.cases.models import Case, CaseAttachment, CaseEvent, Channel
from gongzhi.core.models import AuditEvent, Notification
from gongzhi.integrations import selectors, services
from gongzhi.integrations.models import CameraEvent, CameraEventType, CameraIncident

from .factories import ACTOR, camera, event_body, signed_headers, source

pytestmark = pytest.mark.django_db

URL = "/api/integrations/camera-events"


@pytest.fixture
def cam(w):
    src, secret = source()
    return camera(src, w.building_a), src, secret


def send(client, src, secret, body, **kwargs):
    return client.post(URL, body, content_type="application/json", **signed_headers(src.code, secret, body, **kwargs))


def nothing_written():
    return not (CameraEvent.objects.exists() or Case.objects.exists() or Notification.objects.exists()
                or AuditEvent.objects.filter(action__startswith="integrations.camera_event").exists())


def test_seeded_alert_types_map_to_catalogue_matters():
    mapping = dict(CameraEventType.objects.values_list("name", "category__code"))
    assert mapping == {"争吵": "neighbour-dispute", "聚集": "public-security", "垃圾满溢": "garbage-collection",
                       "占道经营": "street-vending", "消防通道堵塞": "fire-hazard"}


def test_a_quarrel_becomes_a_camera_case_and_the_worker_on_duty_is_told(client, w, cam):
    camera_, src, secret = cam
    now = timezone.now()
    services.duty_shift_save(actor=ACTOR, grid=w.grid_a, user=w.worker_a2, start=now - dt.timedelta(hours=1),
                             end=now + dt.timedelta(hours=7))
    # Given worker_a2 on duty for grid A, when the camera at building A1 reports a quarrel,
    response = send(client, src, secret, event_body(snapshot=True))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["outcome"] == "created" and data["alert_count"] == 1
    case = Case.objects.get()
    # then a case on the camera channel at the camera's building, under the mapped matter,
    assert case.channel == Channel.CAMERA
    assert case.location == w.building_a
    assert case.category.code == "neighbour-dispute"
    assert data["case_reference"] == case.reference
    assert "争吵" in case.title and "A1号楼东门" in case.title
    assert CaseAttachment.objects.filter(case=case, content_type="image/jpeg").count() == 1
    assert case.events.get().actor_label == f"camera:{src.code}"
    # and the worker on duty (not the other grid worker) is notified at once.
    notified = Notification.objects.filter(kind="integrations.camera_alert")
    assert [n.recipient for n in notified] == [w.worker_a2]
    assert "争吵" in notified.get().title
    event = CameraEvent.objects.get()
    assert event.case == case and event.snapshot.name


def test_without_a_shift_the_grids_workers_are_told(client, w, cam):
    _camera, src, secret = cam
    send(client, src, secret, event_body())
    recipients = {n.recipient for n in Notification.objects.filter(kind="integrations.camera_alert")}
    assert recipients == {w.worker_a, w.worker_a2}


def test_a_repeat_within_the_window_folds_into_the_open_case(client, w, cam):
    _camera, src, secret = cam
    send(client, src, secret, event_body(event_id="e1", time="2026-11-22T09:30:00+08:00"))
    response = send(client, src, secret, event_body(event_id="e2", time="2026-11-22T09:40:00+08:00", snapshot=True))
    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == "folded" and response.json()["alert_count"] == 2
    case = Case.objects.get()
    note = CaseEvent.objects.get(case=case, action="note")
    assert "2" in note.note and note.actor_label == f"camera:{src.code}"
    assert CameraIncident.objects.get().alert_count == 2
    # Another type, or the same type after the window, opens its own case.
    send(client, src, secret, event_body(event_id="e3", type="crowd", time="2026-11-22T09:41:00+08:00"))
    send(client, src, secret, event_body(event_id="e4", time="2026-11-22T11:00:00+08:00"))
    assert Case.objects.count() == 3


def test_a_repeat_after_the_case_closed_opens_a_new_case(client, w, cam):
    _camera, src, secret = cam
    send(client, src, secret, event_body(event_id="e1"))
    case = Case.objects.get()
    case_services.case_reject(actor=w.cstaff, case=case, reason="误报")
    send(client, src, secret, event_body(event_id="e2"))
    assert Case.objects.count() == 2


def test_a_bad_signature_is_refused_with_nothing_written(client, cam):
    _camera, src, secret = cam
    body = event_body()
    headers = signed_headers(src.code, secret, body)
    tampered = body.replace(b"0.93", b"0.99")
    response = client.post(URL, tampered, content_type="application/json", **headers)
    assert response.status_code == 401
    assert response.json()["code"] == "bad_signature"
    wrong_secret = client.post(URL, body, content_type="application/json",
                               **signed_headers(src.code, "not-the-secret", body))
    assert wrong_secret.status_code == 401
    unsigned = client.post(URL, body, content_type="application/json")
    assert unsigned.status_code == 401
    assert nothing_written()


def test_a_stale_timestamp_is_refused_with_nothing_written(client, cam):
    _camera, src, secret = cam
    response = send(client, src, secret, event_body(), timestamp=int(time.time()) - 301)
    assert response.status_code == 401 and response.json()["code"] == "stale"
    assert nothing_written()


def test_a_replayed_event_is_refused_with_nothing_more_written(client, cam):
    _camera, src, secret = cam
    assert send(client, src, secret, event_body()).status_code == 201
    counts = (Case.objects.count(), CaseEvent.objects.count(), Notification.objects.count(), AuditEvent.objects.count())
    replay = send(client, src, secret, event_body())
    assert replay.status_code == 409 and replay.json()["code"] == "replayed"
    assert counts == (Case.objects.count(), CaseEvent.objects.count(), Notification.objects.count(),
                      AuditEvent.objects.count())
    assert CameraEvent.objects.count() == 1


@pytest.mark.parametrize(
    "fields, status",
    [({"camera": "CAM-404"}, 404), ({"type": "飞碟"}, 400), ({"time": "yesterday"}, 400),
     ({"confidence": 7}, 400), ({"snapshot": "bm90IGFuIGltYWdl"}, 400), ({"event_id": ""}, 400)],
)
def test_invalid_alerts_are_refused_with_nothing_written(client, cam, fields, status):
    _camera, src, secret = cam
    response = send(client, src, secret, event_body(**fields))
    assert response.status_code == status, response.content
    assert nothing_written()


def test_a_camera_of_another_source_is_unknown(client, w, cam):
    _camera, _src, _secret = cam
    other, other_secret = source("vendor-b")
    response = send(client, other, other_secret, event_body())
    assert response.status_code == 404
    assert nothing_written()


def test_low_confidence_is_recorded_without_a_case(client, cam):
    _camera, src, secret = cam
    quarrel = CameraEventType.objects.get(code="quarrel")
    services.camera_event_type_save(actor=ACTOR, event_type=quarrel, code="quarrel", name="争吵",
                                    category=quarrel.category, min_confidence="0.95")
    response = send(client, src, secret, event_body(confidence=0.5))
    assert response.status_code == 200 and response.json()["outcome"] == "ignored"
    assert not Case.objects.exists() and CameraEvent.objects.get().outcome == "ignored"


def test_on_duty_falls_back_and_respects_time(w):
    now = timezone.now()
    services.duty_shift_save(actor=ACTOR, grid=w.grid_a, user=w.worker_a, start=now, end=now + dt.timedelta(hours=8))
    assert selectors.on_duty(grid=w.grid_a, at=now + dt.timedelta(hours=1)) == [w.worker_a]
    assert set(selectors.on_duty(grid=w.grid_a, at=now + dt.timedelta(hours=9))) == {w.worker_a, w.worker_a2}


def test_duty_shifts_are_checked_and_scoped(w):
    from gongzhi.core.errors import InvalidInput, NotFound

    now = timezone.now()
    with pytest.raises(InvalidInput):
        services.duty_shift_save(actor=ACTOR, grid=w.grid_a, user=w.worker_a, start=now, end=now)
    with pytest.raises(InvalidInput):
        services.duty_shift_save(actor=ACTOR, grid=w.grid_a, user=w.cstaff, start=now, end=now + dt.timedelta(hours=1))
    with pytest.raises(InvalidInput):
        services.duty_shift_save(actor=ACTOR, grid=w.building_a, user=w.worker_a, start=now,
                                 end=now + dt.timedelta(hours=1))
    from gongzhi.accounts.tests.factories import user
    from gongzhi.areas.tests.factories import child

    other_community_staff = user("community_staff", nodes=[child(w.street, name="另一个社区")])
    with pytest.raises(NotFound):
        services.duty_shift_save(actor=other_community_staff, grid=w.grid_a, user=w.worker_a, start=now,
                                 end=now + dt.timedelta(hours=1))
    shift = services.duty_shift_save(actor=w.cstaff, grid=w.grid_a, user=w.worker_a, start=now,
                                     end=now + dt.timedelta(hours=1))
    assert AuditEvent.objects.filter(action="integrations.duty_shift.save", object_id=str(shift.pk)).exists()


def test_the_on_duty_endpoint_for_staff(client, w):
    from gongzhi.accounts.tests.factories import PASSWORD

    client.login(username=w.cstaff.username, password=PASSWORD)
    response = client.get("/api/integrations/on-duty", {"grid_id": w.grid_a.pk})
    assert response.status_code == 200
    assert {u["username"] for u in response.json()} == {w.worker_a.username, w.worker_a2.username}
    client.login(username=w.worker_b.username, password=PASSWORD)
    assert client.get("/api/integrations/on-duty", {"grid_id": w.grid_a.pk}).status_code == 404


def test_the_demo_plays_seed_001(w):
    from gongzhi.core.actors import SystemActor
    from gongzhi.core.demo import DemoContext
    from gongzhi.integrations import demo

    ctx = DemoContext(seed=1, actor=SystemActor(label="command:demo"), verbose=False)
    ctx.data.update(buildings=[w.building_a, w.building_b], main_community=w.community,
                    grids={w.community.code: [w.grid_a, w.grid_b]},
                    users={"grid_worker": w.worker_a, "grid_worker_2": w.worker_b})
    demo.load(ctx)
    case = Case.objects.get(channel=Channel.CAMERA)
    assert case.category.code == "neighbour-dispute"
    assert [n.recipient for n in Notification.objects.filter(kind="integrations.camera_alert")] == [w.worker_a]


def test_a_body_over_the_upload_limit_is_413(client, cam, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    _camera, src, secret = cam
    response = send(client, src, secret, event_body(description="长" * 2000))
    assert response.status_code == 413
    assert nothing_written()
