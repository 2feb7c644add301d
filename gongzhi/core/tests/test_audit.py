"""The audit log: append-only in the application and (on PostgreSQL) in the database, read-only and
area-scoped in the admin, and stamped with the request it came from."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from gongzhi.accounts.tests import factories as users
from gongzhi.areas.tests import factories as areas
from gongzhi.core import audit, calendar
from gongzhi.core.actors import SystemActor
from gongzhi.core.models import AuditEvent, AuditEventImmutable

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the database-level guard is a PostgreSQL trigger"
)


@pytest.fixture(autouse=True)
def _fresh_calendar():
    calendar.clear_cache()
    yield
    calendar.clear_cache()


@pytest.fixture
def event():
    return audit.record(actor=SystemActor(label="test"), action="test.thing.happen", note="as it was")


# --- append-only --------------------------------------------------------------------------------


def test_an_event_cannot_be_saved_again(event):
    event.note = "rewritten"
    with pytest.raises(AuditEventImmutable):
        event.save()
    event.refresh_from_db()
    assert event.note == "as it was"


def test_an_event_cannot_be_deleted(event):
    with pytest.raises(AuditEventImmutable):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_events_cannot_be_updated_or_deleted_in_bulk(event):
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.filter(pk=event.pk).update(note="rewritten")
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.all().delete()
    event.refresh_from_db()
    assert event.note == "as it was"


@on_postgresql
def test_raw_sql_cannot_update_an_event_on_postgresql(event):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE core_auditevent SET note = %s WHERE id = %s", ["rewritten", event.pk])
    event.refresh_from_db()
    assert event.note == "as it was"


@on_postgresql
def test_raw_sql_cannot_delete_an_event_on_postgresql(event):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


# --- the admin ----------------------------------------------------------------------------------


def test_the_admin_shows_events_but_offers_no_way_to_change_them(client, event):
    # given a superuser in the admin
    client.force_login(users.superuser())
    # when they open the audit log, then it lists the event, with no add button and no actions
    changelist = client.get(reverse("admin:core_auditevent_changelist"))
    assert changelist.status_code == 200
    assert event in changelist.context["cl"].result_list
    assert reverse("admin:core_auditevent_add") not in changelist.content.decode()
    assert changelist.context["action_form"] is None
    # and the event's page shows it without a save or delete button
    page = client.get(reverse("admin:core_auditevent_change", args=[event.pk]))
    assert page.status_code == 200
    assert "as it was" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert reverse("admin:core_auditevent_delete", args=[event.pk]) not in page.content.decode()
    # and adding, changing and deleting are refused outright
    assert client.get(reverse("admin:core_auditevent_add")).status_code == 403
    assert (
        client.post(reverse("admin:core_auditevent_change", args=[event.pk]), {"note": "x"}).status_code
        == 403
    )
    assert (
        client.post(reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    client.post(
        reverse("admin:core_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    event.refresh_from_db()
    assert event.note == "as it was"


def test_the_admin_filters_events_by_action_and_searches_by_object(client, event):
    client.force_login(users.superuser())
    other = audit.record(actor=SystemActor(label="test"), action="test.other.happen")
    url = reverse("admin:core_auditevent_changelist")
    by_action = client.get(url, {"action": "test.thing.happen"}).context["cl"].result_list
    assert list(by_action) == [event]
    by_actor = client.get(url, {"q": "test"}).context["cl"].result_list
    assert {event, other} <= set(by_actor)


def test_a_community_worker_sees_only_the_events_of_their_community(client):
    # given two communities of one street, each with a grid created (and so audited)
    nodes = areas.tree()
    other_community = areas.child(nodes["street"], name="另一社区")
    other_grid = areas.child(other_community, name="另一网格")
    own_event = AuditEvent.objects.for_object(nodes["grid_a"]).get()
    other_event = AuditEvent.objects.for_object(other_grid).get()
    # and a community worker bound to the first community
    client.force_login(users.user("community_staff", nodes=[nodes["community"]]))
    # when they open the audit log
    response = client.get(reverse("admin:core_auditevent_changelist"))
    # then they see their community's events and no other
    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    assert own_event in shown
    assert other_event not in shown
    assert all(e.area_path.startswith(nodes["community"].path) for e in shown)
    # and the other community's event cannot be opened either
    response = client.get(reverse("admin:core_auditevent_change", args=[other_event.pk]))
    assert response.status_code == 302
    assert str(other_grid) not in client.get(response.url).content.decode()


def test_a_resident_cannot_open_the_audit_log(client):
    client.force_login(users.user("resident"))
    response = client.get(reverse("admin:core_auditevent_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response.url


# --- where an event came from -------------------------------------------------------------------


def test_an_event_written_during_a_web_request_carries_its_request_id_and_ip(client):
    # given a superuser in the admin
    root = users.superuser()
    client.force_login(root)
    # when they add a holiday, in a request with an X-Request-ID, from 10.20.30.40
    response = client.post(
        reverse("admin:core_calendarday_add"),
        {"date": "2026-03-16", "kind": "holiday", "name": "Local holiday"},
        HTTP_X_REQUEST_ID="req-abc12345",
        REMOTE_ADDR="10.20.30.40",
    )
    assert response.status_code == 302
    assert response["X-Request-ID"] == "req-abc12345"
    # then the event says who, from where, in which request
    event = AuditEvent.objects.get(action="core.calendar_day.create")
    assert event.request_id == "req-abc12345"
    assert event.ip == "10.20.30.40"
    assert event.source == "web"
    assert event.actor == root
    assert event.after == {"date": "2026-03-16", "kind": "holiday", "name": "Local holiday"}


def test_a_request_without_a_usable_request_id_gets_one(client):
    client.force_login(users.superuser())
    client.post(
        reverse("admin:core_calendarday_add"),
        {"date": "2026-03-16", "kind": "holiday", "name": ""},
        HTTP_X_REQUEST_ID="bad id; drop table",
    )
    event = AuditEvent.objects.get(action="core.calendar_day.create")
    assert event.request_id and event.request_id != "bad id; drop table"
