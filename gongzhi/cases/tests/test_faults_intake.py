"""Faults during intake (issue 12, item 9): PostgreSQL going away in the middle of filing a request,
and the media disk filling up during an upload. The user is told clearly (a translated 503/507,
beside the field where there is one), nothing is half-written, and sending the same request again
files it once (the API's `Idempotency-Key`, the form's submit token)."""

import errno
import os
import threading
import time

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.utils import translation

from gongzhi.accounts.tests.factories import PASSWORD
from gongzhi.cases.models import Case, CaseAttachment, CaseEvent
from gongzhi.cases.tests.factories import category, in_progress, world
from gongzhi.core.models import AuditEvent, IdempotencyKey

PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 64
KEY = "5f0c7a8e-2b1d-4c4e-9a57-0d8e6a1f3b21"


def login(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def api_body(w):
    return {"channel": "online", "category": "shared-bikes", "title": "楼下共享单车堆满了",
            "description": "单元门口堆了二十多辆共享单车，老人出入不便。", "location_id": w.building_a.pk,
            "answers": {"brand": "meituan"}}


def form_body(w, token, **extra):
    return {"submit_token": token, "channel": "online", "category": category("shared-bikes").pk,
            "title": "楼下共享单车堆满了", "description": "单元门口堆了二十多辆共享单车，老人出入不便。",
            "location": w.building_a.pk, "answer_brand": "meituan", **extra}


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return str(translation.gettext(text))


def nothing_filed():
    assert not Case.objects.exists()
    assert not CaseEvent.objects.exists()
    assert not CaseAttachment.objects.exists()
    assert not AuditEvent.objects.filter(action="cases.case.submit").exists()
    assert not IdempotencyKey.objects.exists()


def files_under(root) -> list[str]:
    return [os.path.join(d, f) for d, _, names in os.walk(root) for f in names]


# ---------------------------------------------------------------------------------------------
# The same submission twice files once (both databases)


@pytest.mark.django_db
def test_an_api_submission_sent_again_with_its_key_answers_the_case_it_filed(client, w):
    # given a resident whose phone lost the answer to their first try
    login(client, w.resident)
    first = client.post("/api/cases/", api_body(w), content_type="application/json", headers={"Idempotency-Key": KEY})
    assert first.status_code == 201 and "Idempotent-Replayed" not in first

    # when the app sends the same request again with the same key
    again = client.post("/api/cases/", api_body(w), content_type="application/json", headers={"Idempotency-Key": KEY})

    # then it answers the same case, says so, and nothing more was filed or audited
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"] and again.json()["reference"] == first.json()["reference"]
    assert Case.objects.count() == 1
    assert AuditEvent.objects.filter(action="cases.case.submit").count() == 1

    # and another account's key is its own: the same key files that resident's own case
    login(client, w.resident_2)
    other = client.post("/api/cases/", api_body(w), content_type="application/json", headers={"Idempotency-Key": KEY})
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]


@pytest.mark.django_db
def test_a_malformed_idempotency_key_is_refused_on_its_field(client, w):
    login(client, w.resident)
    response = client.post("/api/cases/", api_body(w), content_type="application/json",
                           headers={"Idempotency-Key": "a b"})
    assert response.status_code == 400
    assert set(response.json()) == {"code", "message", "fields"} and "idempotency_key" in response.json()["fields"]
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_the_form_sent_twice_files_once_and_says_it_was_already_filed(client, w):
    # given the new-request page, which names the submission with a token
    login(client, w.resident)
    page = client.get("/cases/new/").content.decode()
    token = page.split('name="submit_token" value="', 1)[1].split('"', 1)[0]
    assert len(token) == 32

    # when the resident presses "submit" twice (a double tap, or back and submit again)
    first = client.post("/cases/new/", form_body(w, token))
    second = client.post("/cases/new/", form_body(w, token), follow=True)

    # then one case is filed and the second press lands on it, told it was already filed
    [case] = Case.objects.all()
    assert first.status_code == 302 and first["Location"] == f"/cases/{case.pk}/"
    assert second.redirect_chain[-1][0] == f"/cases/{case.pk}/"
    assert case.reference in second.content.decode() and "已" in second.content.decode()


# ---------------------------------------------------------------------------------------------
# PostgreSQL restarted during intake: the intake's connection is terminated mid-request


class IntakeKiller:
    """Another connection that holds an advisory lock the intake's transaction is made to wait for
    (a trigger on the case events, so the case row is already written when it waits), terminates
    that backend with pg_terminate_backend — what a PostgreSQL restart does to every session — and
    then lets go."""

    LOCK = 912_012

    def __init__(self):
        import psycopg

        s = connection.settings_dict
        self.conn = psycopg.connect(host=s["HOST"] or None, port=s["PORT"] or None, dbname=s["NAME"],
                                    user=s["USER"] or None, password=s["PASSWORD"] or None, autocommit=True)
        self.killed: list[int] = []
        table = CaseEvent._meta.db_table
        self.conn.execute(f"""
            CREATE OR REPLACE FUNCTION fault_wait() RETURNS trigger AS $$
            BEGIN PERFORM pg_advisory_xact_lock({self.LOCK}); RETURN NEW; END $$ LANGUAGE plpgsql;
            CREATE TRIGGER fault_wait AFTER INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION fault_wait();
        """)  # noqa: S608 - fixed names
        self.conn.execute("SELECT pg_advisory_lock(%s)", [self.LOCK])
        self.thread = threading.Thread(target=self._kill_when_waiting, daemon=True)
        self.thread.start()

    def _kill_when_waiting(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            row = self.conn.execute(
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = %s",
                [self.LOCK]).fetchone()
            if row:
                self.conn.execute("SELECT pg_terminate_backend(%s)", [row[0]])
                self.killed.append(row[0])
                return
            time.sleep(0.02)

    def close(self):
        self.thread.join(timeout=35)
        self.conn.execute(f"DROP TRIGGER IF EXISTS fault_wait ON {CaseEvent._meta.db_table}")  # noqa: S608
        self.conn.execute("DROP FUNCTION IF EXISTS fault_wait()")
        self.conn.execute("SELECT pg_advisory_unlock_all()")
        self.conn.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: a session to terminate mid-request")
def test_the_database_going_away_mid_intake_answers_503_saves_nothing_and_the_retry_files_once(client):
    # given a resident filing a request over the API while the database restarts under it
    w = world()
    login(client, w.resident)
    killer = IntakeKiller()
    try:
        response = client.post("/api/cases/", api_body(w), content_type="application/json",
                               headers={"Idempotency-Key": KEY})
    finally:
        killer.close()

    # then the app hears a clear, translated "try again" in the uniform error body
    assert killer.killed, "the intake's connection was not terminated"
    assert response.status_code == 503 and response["Retry-After"]
    assert response.json() == {"code": "unavailable", "fields": {}, "message": zh(
        "The service is unavailable for a moment and nothing was saved. Please try again shortly.")}
    # and nothing of the half-done intake is left: no case, no event, no audit, no spent key
    nothing_filed()

    # when it sends the same request again, Django has a new connection and the case is filed once
    retry = client.post("/api/cases/", api_body(w), content_type="application/json", headers={"Idempotency-Key": KEY})
    assert retry.status_code == 201, retry.content
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] not in killer.killed
    again = client.post("/api/cases/", api_body(w), content_type="application/json", headers={"Idempotency-Key": KEY})
    assert again.json()["id"] == retry.json()["id"]
    assert Case.objects.count() == 1 and CaseEvent.objects.filter(action="submit").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: a session to terminate mid-request")
def test_the_database_going_away_while_the_form_is_sent_shows_a_page_saying_so(client):
    # given a resident on the new-request page
    w = world()
    login(client, w.resident)
    killer = IntakeKiller()
    try:
        response = client.post("/cases/new/", form_body(w, "retry-token-0001"))
    finally:
        killer.close()

    # then a translated page says nothing was saved and to send it again — not a server error
    page = response.content.decode()
    assert response.status_code == 503
    assert zh("The database could not be reached, so nothing was saved. "
              "Please go back and send the form again in a moment.") in page
    assert 'href="/cases/new/"' in page
    nothing_filed()

    # when they send the form again, it is filed, once
    assert client.post("/cases/new/", form_body(w, "retry-token-0001")).status_code == 302
    assert client.post("/cases/new/", form_body(w, "retry-token-0001")).status_code == 302
    assert Case.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# The media disk full during an upload (both databases)


class OneFileDisk(FileSystemStorage):
    """A media disk with room for one more file: the next write fails as a full disk does."""

    written = 0

    def _save(self, name, content):
        if OneFileDisk.written >= 1:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), name)
        OneFileDisk.written += 1
        return super()._save(name, content)


@pytest.fixture
def full_disk(settings):
    OneFileDisk.written = 0
    storages = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.OneFileDisk"}}
    with override_settings(STORAGES=storages):
        yield settings.MEDIA_ROOT


@pytest.mark.django_db
def test_a_full_disk_while_filing_with_photos_says_so_beside_the_photos_and_files_nothing(client, w, full_disk):
    # given a resident attaching two photos while the disk has room for one
    login(client, w.resident)
    photos = [SimpleUploadedFile(f"楼道{i}.png", PNG, content_type="image/png") for i in (1, 2)]

    # when they send the form
    response = client.post("/cases/new/", form_body(w, "disk-full-token-1", photos=photos))

    # then the page says, beside the photos, that the storage is full and nothing was saved
    page = response.content.decode()
    assert response.status_code == 507
    message = zh("The file storage is full, so your files and the request were not saved. "
                 "Please try again later or tell the administrator.")
    photos_field = page.split('id="photos"', 1)[1]
    assert message in photos_field.split("</label>", 1)[0]
    # and nothing is half-written: no case, no event, no attachment row, and the one photo that
    # fitted on the disk is removed again
    nothing_filed()
    assert OneFileDisk.written == 1 and files_under(full_disk) == []


@pytest.mark.django_db
def test_a_full_disk_while_adding_a_note_over_the_api_answers_507_and_saves_nothing(client, w, full_disk):
    # given a grid worker adding two site photos to their case over the API
    case = in_progress(w)
    events = CaseEvent.objects.filter(case=case).count()
    login(client, w.worker_a)
    photos = [SimpleUploadedFile(f"现场{i}.png", PNG, content_type="image/png") for i in (1, 2)]

    # when the disk fills up on the second photo
    response = client.post(f"/api/cases/{case.pk}/notes", {"note": "现场已清理", "files": photos})

    # then the uniform error body names the storage and the upload field, in Chinese
    assert response.status_code == 507
    body = response.json()
    assert body["code"] == "storage_full" and list(body["fields"]) == ["attachments"]
    assert body["message"] == zh("The file storage is full, so your files and the request were not saved. "
                                 "Please try again later or tell the administrator.")
    # and neither the note nor a file is left
    assert CaseEvent.objects.filter(case=case).count() == events
    assert not CaseAttachment.objects.exists() and files_under(full_disk) == []
