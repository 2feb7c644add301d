"""Notifications: an inbox row per recipient, delivery through the configured adapters after
commit (never before), and a failing channel does not stop the others."""

import pytest

from gongzhi.accounts.tests.factories import user
from gongzhi.core import notifications
from gongzhi.core.models import Notification

pytestmark = pytest.mark.django_db

SENT: list[tuple[str, int]] = []


class RecordingAdapter(notifications.Adapter):
    channel = "test"

    def send(self, notification):
        SENT.append((self.channel, notification.pk))


class BrokenAdapter(notifications.Adapter):
    channel = "broken"

    def send(self, notification):
        raise RuntimeError("gateway down")


@pytest.fixture(autouse=True)
def adapters(settings):
    SENT.clear()
    settings.NOTIFICATION_ADAPTERS = [
        "gongzhi.cases.tests.test_notifications.BrokenAdapter",
        "gongzhi.cases.tests.test_notifications.RecordingAdapter",
    ]


def test_notify_writes_inbox_rows_and_delivers_after_commit(django_capture_on_commit_callbacks):
    alice, bob = user("resident"), user("party_member")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rows = notifications.notify(recipients=[alice, bob, alice], title="您的诉求已办结", body="请评价")
    assert len(rows) == 2 and SENT == []  # nothing sent before the commit
    for callback in callbacks:
        callback()
    assert sorted(pk for _, pk in SENT) == sorted(r.pk for r in rows)
    assert Notification.objects.filter(delivered_at__isnull=False).count() == 2


def test_the_inbox_counts_and_marks_read_only_the_users_own():
    alice, bob = user("resident"), user("resident")
    notifications.notify(recipients=[alice], title="一")
    notifications.notify(recipients=[alice, bob], title="二")
    assert notifications.unread_count(user=alice) == 2
    assert notifications.mark_read(user=bob, ids=list(notifications.inbox(user=alice).values_list("pk", flat=True))) == 0
    assert notifications.mark_read(user=alice) == 2
    assert notifications.unread_count(user=alice) == 0 and notifications.unread_count(user=bob) == 1


def test_the_logging_adapter_is_the_default(settings, caplog):
    del settings.NOTIFICATION_ADAPTERS
    [row] = notifications.notify(recipients=[user("resident")], title="测试")
    with caplog.at_level("INFO", logger="gongzhi.core.notifications"):
        notifications.deliver.call([row.pk])
    assert "测试" in caplog.text
