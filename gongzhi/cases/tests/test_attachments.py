"""Case attachments are served only after a scope check: the holder and the requester open a
photo, a grid worker of another grid and an anonymous visitor get nothing, a requester does not
open an internal note's file, the media folder is not served, and stored names say nothing."""

import importlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import clear_url_caches

from gongzhi.accounts.tests.factories import PASSWORD
from gongzhi.cases import services
from gongzhi.cases.tests.factories import in_progress

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 64
PDF = b"%PDF-1.4\n% internal report\n" + b"\x02" * 64



@pytest.fixture
def case(w):
    return in_progress(w)  # held by grid A's worker, filed by w.resident at building A


def as_user(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def photo_on(case, actor, *, internal=False, name="现场.png", content=PNG, content_type="image/png"):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    event = services.case_add_note(actor=actor, case=case, note="现场照片", attachments=[upload], internal=internal)
    return event.attachments.get()


def test_the_holder_and_the_requester_open_the_photo(client, w, case):
    # given a photo the grid worker attached to the case
    photo = photo_on(case, w.worker_a)

    for user in (w.worker_a, w.resident):
        # when the holder, then the requester, open it
        response = as_user(client, user).get(f"/cases/attachments/{photo.pk}/")

        # then they get the very bytes, shown inline as the stored type, never sniffed
        assert response.status_code == 200
        assert body(response) == PNG
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("inline")


def test_a_pdf_is_downloaded_not_shown(client, w, case):
    pdf = photo_on(case, w.worker_a, name="报告.pdf", content=PDF, content_type="application/pdf")

    response = as_user(client, w.resident).get(f"/cases/attachments/{pdf.pk}/")

    assert response.status_code == 200 and body(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")


def test_an_anonymous_visitor_is_sent_to_sign_in_and_never_gets_the_bytes(client, w, case):
    photo = photo_on(case, w.worker_a)

    response = client.get(f"/cases/attachments/{photo.pk}/")

    assert response.status_code == 302 and "/login" in response["Location"]
    assert PNG not in response.content


def test_a_grid_worker_of_another_grid_gets_404(client, w, case):
    photo = photo_on(case, w.worker_a)

    response = as_user(client, w.worker_b).get(f"/cases/attachments/{photo.pk}/")

    assert response.status_code == 404
    assert PNG not in response.content


def test_the_requester_does_not_open_an_internal_notes_file_but_staff_do(client, w, case):
    # given an internal note with a file
    secret = photo_on(case, w.worker_a, internal=True, name="内部.pdf", content=PDF, content_type="application/pdf")

    # when the requester asks for it, then it does not exist for them
    response = as_user(client, w.resident).get(f"/cases/attachments/{secret.pk}/")
    assert response.status_code == 404 and PDF not in response.content

    # and the community staff above the grid do open it
    response = as_user(client, w.cstaff).get(f"/cases/attachments/{secret.pk}/")
    assert response.status_code == 200 and body(response) == PDF


def test_an_unknown_attachment_is_404(client, w, case):
    assert as_user(client, w.admin).get("/cases/attachments/999999/").status_code == 404


def test_stored_names_are_random_and_say_nothing_of_the_case(w, case):
    first = photo_on(case, w.worker_a)
    second = photo_on(case, w.worker_a)

    for attachment in (first, second):
        assert re.fullmatch(r"cases/[0-9a-f]{32}\.png", attachment.file.name), attachment.file.name
        assert f"/{case.pk}/" not in attachment.file.name
    assert first.file.name != second.file.name


def test_the_media_folder_is_not_served_even_with_debug(client, w, case, settings):
    # given a stored photo and a server running with DEBUG on
    photo = photo_on(case, w.worker_a)
    settings.DEBUG = True
    import gongzhi.urls

    importlib.reload(gongzhi.urls)
    clear_url_caches()
    try:
        # when anyone (even the holder) asks for the file's media URL, or the old guessable path
        as_user(client, w.worker_a)
        direct = client.get(photo.file.url)
        old = client.get(f"/media/cases/{case.pk}/1-1.png")
    finally:
        settings.DEBUG = False
        importlib.reload(gongzhi.urls)
        clear_url_caches()

    # then nothing is served from the media folder
    assert direct.status_code == 404 and PNG not in direct.content
    assert old.status_code == 404


def test_the_case_page_links_the_scoped_url(client, w, case):
    photo = photo_on(case, w.worker_a)

    page = as_user(client, w.resident).get(f"/cases/{case.pk}/").content.decode()

    assert f'src="/cases/attachments/{photo.pk}/"' in page
    assert "/media/" not in page and photo.file.name not in page


def test_the_api_gives_the_scoped_url_and_serves_it_within_scope_only(client, w, case):
    photo = photo_on(case, w.worker_a)
    secret = photo_on(case, w.worker_a, internal=True, name="内部.pdf", content=PDF, content_type="application/pdf")

    # the requester sees the photo's scoped API URL, not the internal file, and opens the photo
    as_user(client, w.resident)
    listed = [a for e in client.get(f"/api/cases/{case.pk}").json()["timeline"] for a in e["attachments"]]
    assert [a["url"] for a in listed] == [f"/api/cases/attachments/{photo.pk}"]
    response = client.get(listed[0]["url"])
    assert response.status_code == 200 and body(response) == PNG
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/api/cases/attachments/{secret.pk}").status_code == 404

    # another grid's worker gets the API's 404 body, not the file
    as_user(client, w.worker_b)
    response = client.get(f"/api/cases/attachments/{photo.pk}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"

    # signed out: 401, no bytes
    client.logout()
    response = client.get(f"/api/cases/attachments/{photo.pk}")
    assert response.status_code == 401 and PNG not in response.content
