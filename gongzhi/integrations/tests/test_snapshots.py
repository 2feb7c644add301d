"""Camera snapshots are stored under random names and served only to staff whose area holds the
camera (the same image reaches the case page as a scoped case attachment); the admin links the
scoped view."""

import re

import pytest

from gongzhi.accounts.tests.factories import PASSWORD
from gongzhi.cases.models import CaseAttachment
from gongzhi.integrations.models import CameraEvent

from .factories import JPEG, camera, event_body, signed_headers, source

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert(client, w):
    """A quarrel alert with an inline snapshot from the camera at building A1 (grid A)."""
    src, secret = source()
    camera(src, w.building_a)
    body = event_body(event_id="evt-20261122-0001", snapshot=True)
    response = client.post("/api/integrations/camera-events", body, content_type="application/json",
                           **signed_headers(src.code, secret, body))
    assert response.status_code == 201, response.content
    return CameraEvent.objects.get()


def as_user(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_snapshot_names_are_random_not_derived_from_the_vendors_event_id(alert):
    assert re.fullmatch(r"integrations/camera/[0-9a-f]{32}\.jpg", alert.snapshot.name), alert.snapshot.name
    attachment = CaseAttachment.objects.get(case=alert.case)
    assert re.fullmatch(r"cases/[0-9a-f]{32}\.jpg", attachment.file.name), attachment.file.name


def test_staff_of_the_cameras_area_open_the_snapshot_others_get_404(client, w, alert):
    url = f"/integrations/camera-events/{alert.pk}/snapshot/"

    # the community's staff (the camera is in their subtree) get the image, inline and not sniffed
    response = as_user(client, w.cstaff).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == JPEG
    assert response["Content-Type"] == "image/jpeg" and response["X-Content-Type-Options"] == "nosniff"

    # grid B's worker and a resident get nothing
    for user in (w.worker_b, w.resident):
        response = as_user(client, user).get(url)
        assert response.status_code == 404 and JPEG not in response.content

    # signed out: sent to sign in
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and JPEG not in response.content


def test_the_admin_links_the_scoped_snapshot_not_the_media_url(client, w, alert):
    page = as_user(client, w.cstaff).get(f"/admin/integrations/cameraevent/{alert.pk}/change/")

    assert page.status_code == 200
    html = page.content.decode()
    assert f"/integrations/camera-events/{alert.pk}/snapshot/" in html
    assert "/media/" not in html
