"""Each delivery channel (SMS, WeChat template message, e-mail, log) behind the one adapter
interface, with fake gateways put in through the settings: who gets what, at which number, and
phone numbers never unmasked in the logs."""

import logging

import pytest
from django.core import mail
from django.db.models import Model

from gongzhi.accounts import services as account_services
from gongzhi.accounts.tests.factories import user
from gongzhi.core import notifications
from gongzhi.core.actors import SystemActor
from gongzhi.core.models import Notification
from gongzhi.residents.models import Person
from gongzhi.residents.tests.factories import person, tree

pytestmark = pytest.mark.django_db

STAFF_PHONE = "13812345678"
RESIDENT_PHONE = "13987654321"
ALL = [
    "gongzhi.core.notifications.LoggingAdapter",
    "gongzhi.core.notifications.SmsAdapter",
    "gongzhi.core.notifications.WeChatTemplateAdapter",
    "gongzhi.core.notifications.EmailAdapter",
]


class FakeSmsGateway:
    """Stands in for the SMS vendor's client: records what it was asked to send."""

    def __init__(self):
        self.sent: list[tuple[str, str]] = []
        self.fail = False

    def __call__(self, phone: str, text: str) -> None:
        if self.fail:
            raise RuntimeError(f"vendor error 1016: number {phone} is blacklisted")
        self.sent.append((phone, text))


class FakeWeChat:
    def __init__(self):
        self.sent: list[tuple[int, str, str, str]] = []

    def __call__(self, user: Model, title: str, body: str, url: str) -> None:
        self.sent.append((user.pk, title, body, url))


SMS = FakeSmsGateway()
WECHAT = FakeWeChat()


@pytest.fixture(autouse=True)
def gateways(settings):
    SMS.sent.clear()
    SMS.fail = False
    WECHAT.sent.clear()
    settings.NOTIFICATION_ADAPTERS = ALL
    settings.NOTIFICATION_SMS_GATEWAY = f"{__name__}.SMS"
    settings.NOTIFICATION_WECHAT_SENDER = f"{__name__}.WECHAT"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def send(recipient, title="您的诉求已办结", body="请评价", url="/cases/1/") -> Notification:
    [row] = notifications.notify(recipients=[recipient], title=title, body=body, url=url)
    assert notifications.deliver.call([row.pk]) == 1
    row.refresh_from_db()
    return row


def test_staff_are_texted_at_their_own_mobile_and_reached_on_every_channel(caplog):
    staff = user("community_staff", nodes=[tree()["community"]], phone=STAFF_PHONE)
    staff.email = "shequ@example.cn"
    staff.save(update_fields=["email"])
    with caplog.at_level(logging.INFO):
        row = send(staff)
    assert SMS.sent == [(STAFF_PHONE, "您的诉求已办结 请评价")]
    assert WECHAT.sent == [(staff.pk, "您的诉求已办结", "请评价", "/cases/1/")]
    assert [(m.subject, m.to) for m in mail.outbox] == [("您的诉求已办结", ["shequ@example.cn"])]
    assert f"notification {row.pk} to user {staff.pk}: 您的诉求已办结" in caplog.text  # the log channel
    assert row.delivered_at is not None
    assert "138****5678" in caplog.text and STAFF_PHONE not in caplog.text


def test_a_resident_account_is_texted_at_the_phone_of_its_resident_record():
    nodes = tree()
    resident = user("resident")
    record = person(nodes["household_a"], phone=RESIDENT_PHONE)
    Person.objects.filter(pk=record.pk).update(user=resident)
    send(resident)
    assert SMS.sent == [(RESIDENT_PHONE, "您的诉求已办结 请评价")]
    # a number on the account itself comes first
    account_services.user_update(actor=SystemActor(label="test"), user=resident, role="resident", nodes=[],
                                 phone="+86 138-1234-5678")
    send(resident)
    assert SMS.sent[-1][0] == STAFF_PHONE


def test_without_a_number_the_sms_is_skipped_and_the_other_channels_still_send(caplog):
    nobody = user("resident")
    with caplog.at_level(logging.INFO, logger="gongzhi.core.notifications"):
        row = send(nobody)
    assert SMS.sent == [] and len(WECHAT.sent) == 1 and row.delivered_at is not None
    assert f"sms skipped for notification {row.pk} (user {nobody.pk} has no phone)" in caplog.text


def test_a_failing_gateway_is_logged_with_the_number_masked_and_the_rest_still_sends(caplog):
    staff = user("grid_worker", nodes=[tree()["grid_a"]], phone=STAFF_PHONE)
    SMS.fail = True
    with caplog.at_level(logging.DEBUG):
        row = send(staff, title=f"回电 {RESIDENT_PHONE} 的居民")
    assert "sms adapter failed" in caplog.text and "vendor error 1016" in caplog.text
    assert "138****5678" in caplog.text
    # neither the recipient's number (in the gateway's error) nor one quoted in the title leaks
    assert STAFF_PHONE not in caplog.text and RESIDENT_PHONE not in caplog.text
    assert len(WECHAT.sent) == 1 and row.delivered_at is not None


def test_phones_on_accounts_are_stored_encrypted_and_checked():
    from django.db import connection

    from gongzhi.core.errors import InvalidInput

    staff = user("street_staff", nodes=[tree()["street"]], phone="138 1234 5678")
    assert staff.phone == STAFF_PHONE and staff.phone_masked == "138****5678"
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM accounts_user WHERE id = %s", [staff.pk])
        stored = cursor.fetchone()[0]
    assert STAFF_PHONE not in stored
    with pytest.raises(InvalidInput) as error:
        user("street_staff", nodes=[tree()["street"]], phone="12345")
    assert "phone" in error.value.fields
