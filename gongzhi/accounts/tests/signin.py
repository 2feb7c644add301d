"""Test helpers for sign-in protection: turn on what the test settings leave off, and make TOTP
codes from a device's key as an authenticator app would."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongzhi.accounts.roles import TWO_FACTOR_ROLES


@pytest.fixture
def axes_on(settings):
    """django-axes counts and locks (the test settings leave it off: Django's test client signs in
    without a request, which axes refuses)."""
    settings.AXES_ENABLED = True
    yield settings


@pytest.fixture
def two_factor_on(settings):
    """The product's two-factor requirement (district admins and superusers), which the test
    settings leave off so that other apps' tests sign in with a password."""
    settings.ACCOUNTS_2FA_REQUIRED_ROLES = sorted(str(r) for r in TWO_FACTOR_ROLES)
    settings.ACCOUNTS_2FA_SUPERUSERS = True
    yield settings


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    device.refresh_from_db()
    value = totp(device.bin_key, step=device.step, t0=device.t0 - steps_ahead * device.step, digits=device.digits,
                 drift=device.drift)
    return str(value).zfill(device.digits)


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def verified_login(client, user) -> None:
    """Sign in and pass the second factor, as a district administrator does every morning."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or enrolled(user)
    client.force_login(user)
    response = client.post("/accounts/two-factor/", {"code": code_for(device)})
    assert response.status_code == 302, response.content.decode()[:500]
