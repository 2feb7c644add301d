"""Behind nginx the audit log names the client, not the proxy: the address comes from the header
the operator's proxy sets (SIGNIN_IP_HEADERS), else from the connection."""

import pytest
from django.test import Client

from gongzhi.accounts.tests.factories import user
from gongzhi.core.models import AuditEvent
from gongzhi.residents.tests.factories import world

pytestmark = pytest.mark.django_db


def _reveal(client, w):
    client.post(f"/residents/people/{w['person_a'].pk}/reveal/", {"reason": "核对户籍"},
                HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="127.0.0.1")
    return AuditEvent.objects.filter(action="residents.person.reveal").latest("pk")


def test_behind_the_proxy_the_audit_records_the_address_nginx_saw(settings):
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    w = world()
    client = Client()
    client.force_login(user("community_staff", nodes=[w["community"]]))
    assert _reveal(client, w).ip == "203.0.113.9"


def test_without_the_setting_a_header_the_client_sends_is_not_believed(settings):
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
    w = world()
    client = Client()
    client.force_login(user("community_staff", nodes=[w["community"]]))
    assert _reveal(client, w).ip == "127.0.0.1"
