"""Two-factor sign-in (TOTP through django-otp) and its recovery codes.

After the password, an account that must use a second factor (`permissions.two_factor_required`)
or that has enrolled one verifies a code before any page or session API call
(`middleware.SignInPolicyMiddleware`). Enrolment shows the secret as a QR code (an SVG made here,
no outside service) and as text, and is confirmed with a code; it hands out 10 recovery codes,
shown once, each usable once. Every enrolment, disable, recovery-code use and failed code is
audited. The codes themselves are never written to the audit log."""

from __future__ import annotations

from base64 import b32encode

import django_otp
import qrcode
import qrcode.image.svg
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongzhi.core import audit
from gongzhi.core.errors import DomainError, InvalidInput

from .permissions import two_factor_required

RECOVERY_CODES = 10
HAS_DEVICE_SESSION_KEY = "_gz_2fa_enrolled"
DEVICE_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"


class TwoFactorRequired(DomainError):
    status = 403
    default_code = "two_factor_required"
    default_message = gettext_lazy("Verify your sign-in with a code from your authenticator app first.")


# --- state --------------------------------------------------------------------------------------


def totp_device(user, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-pk").first()


def is_enrolled(user) -> bool:
    return user_has_device(user, confirmed=True)


def remember_enrolment(request) -> bool:
    """Note in the session whether the signed-in account has a second factor (read once per sign-in
    and after each change, so ordinary requests cost no query)."""
    enrolled = is_enrolled(request.user)
    request.session[HAS_DEVICE_SESSION_KEY] = enrolled
    return enrolled


def needed(request) -> bool:
    """The signed-in account must verify a second factor in this session."""
    user = request.user
    if not user.is_authenticated:
        return False
    if two_factor_required(user):
        return True
    enrolled = request.session.get(HAS_DEVICE_SESSION_KEY)
    return remember_enrolment(request) if enrolled is None else enrolled


def pending(request) -> bool:
    """Signed in with a password, a second factor needed, not yet verified."""
    user = request.user
    return user.is_authenticated and not _verified(user) and needed(request)


def _verified(user) -> bool:
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


# --- enrolment ----------------------------------------------------------------------------------


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device of an enrolment under way (made on first call, kept until confirmed,
    so reloading the page shows the same secret)."""
    device = totp_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it by hand: base32, in groups of four."""
    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code, made here (no outside service)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")


def confirm_enrolment(request, code: str) -> list[str]:
    """Confirm the pending device with a code from the app; returns the new recovery codes."""
    user = request.user
    device = totp_device(user, confirmed=False)
    if device is None:
        raise InvalidInput(_("Start the enrolment again."), fields={"code": [_("Start the enrolment again.")]})
    if not device.verify_token(_digits(code)):
        _failed(user, "enrol")
        raise InvalidInput(_("That code is not right."), fields={"code": [_("That code is not right; try the current one.")]})
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
        audit.record(actor=user, action="accounts.two_factor.enrol", obj=user, after={"device": "totp"})
    django_otp.login(request, device)
    remember_enrolment(request)
    return codes


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes


def regenerate_recovery_codes(user) -> list[str]:
    if not is_enrolled(user):
        raise InvalidInput(_("Turn on two-factor sign-in first."))
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        audit.record(actor=user, action="accounts.two_factor.recovery_regenerate", obj=user,
                     after={"codes": RECOVERY_CODES})
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def disable(request) -> None:
    """Remove the account's second factor (not allowed where it is required)."""
    user = request.user
    if two_factor_required(user):
        raise InvalidInput(_("Your account must use two-factor sign-in; it cannot be turned off."))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit.record(actor=user, action="accounts.two_factor.disable", obj=user, before={"device": "totp"})
    request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
    remember_enrolment(request)


# --- verification after the password ------------------------------------------------------------


def verify(request, code: str) -> None:
    """Check a TOTP code, or else a recovery code (used up); mark the session verified."""
    user = request.user
    code = (code or "").strip()
    device = totp_device(user)
    if device is None:
        raise InvalidInput(_("Set up two-factor sign-in first."))
    digits = _digits(code)
    if digits.isdigit() and len(digits) == device.digits:
        allowed, _info = device.verify_is_allowed()
        if not allowed:
            _failed(user, "throttled")
            raise InvalidInput(_("Too many wrong codes; wait a moment and try again."),
                               fields={"code": [_("Too many wrong codes; wait a moment and try again.")]})
        if device.verify_token(digits):
            django_otp.login(request, device)
            return
    else:
        recovery = code.replace(" ", "").lower()
        for static in StaticDevice.objects.filter(user=user, confirmed=True):
            if static.verify_token(recovery):
                audit.record(actor=user, action="accounts.two_factor.recovery_used", obj=user,
                             after={"codes_left": recovery_codes_left(user)})
                django_otp.login(request, static)
                return
    _failed(user, "verify")
    raise InvalidInput(_("That code is not right."), fields={"code": [_("That code is not right; try the current one.")]})


def _digits(code: str) -> str:
    return "".join((code or "").split())


def _failed(user, step: str) -> None:
    audit.record(actor=user, action="accounts.two_factor.failed", obj=user, note=step)
