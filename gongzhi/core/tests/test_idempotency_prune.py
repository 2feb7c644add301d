"""Idempotency keys are remembered for a while, then forgotten by the daily prune."""

import datetime

import pytest
from django.utils import timezone

from gongzhi.accounts.tests.factories import user
from gongzhi.core import idempotency
from gongzhi.core.models import IdempotencyKey

pytestmark = pytest.mark.django_db


def test_the_prune_forgets_old_keys_and_keeps_recent_ones(settings):
    # Given a key sent three days ago and one sent an hour ago
    settings.IDEMPOTENCY_KEEP_HOURS = 48
    someone = user("resident")
    old = IdempotencyKey.objects.create(user=someone, scope="cases.intake", key="old-key-0001")
    recent = IdempotencyKey.objects.create(user=someone, scope="cases.intake", key="new-key-0001")
    IdempotencyKey.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=3))
    IdempotencyKey.objects.filter(pk=recent.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))

    # When the daily prune runs (as the worker runs it)
    removed = idempotency.prune.call(batch=1)

    # Then the old key is gone, the recent one still answers a retry
    assert removed == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new-key-0001"]
