"""The signed-in user's home page, and the Security page: one's password and two-factor sign-in."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.areas.selectors import area_roots_for
from gongzhi.core import components, permissions
from gongzhi.core.errors import InvalidInput
from gongzhi.core.permissions import page_requires

from . import two_factor
from .permissions import two_factor_required
from .roles import role_blurb


@login_required
def home(request):
    """The signed-in user's home page. Apps above add panels through the extension point
    "accounts.home.panels": `(*, user) -> dict | None`, {"title", "template", "context"} (None:
    nothing to show), e.g. the duty sheet of the user's role."""
    panels = [p for provide in components.extensions("accounts.home.panels") if (p := provide(user=request.user))]
    return render(
        request,
        "accounts/home.html",
        {"bound_nodes": area_roots_for(user=request.user), "role_blurb": role_blurb(request.user), "panels": panels},
    )


def _next(request, default: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(default)


def _may_use_two_factor(user) -> bool:
    return two_factor_required(user) or permissions.can(user, "accounts.use_two_factor", user)


@page_requires("accounts.manage_own_security")
def security(request):
    user = request.user
    return render(
        request,
        "accounts/security.html",
        {
            "offered": _may_use_two_factor(user),
            "required": two_factor_required(user),
            "enrolled": two_factor.is_enrolled(user),
            "codes_left": two_factor.recovery_codes_left(user),
        },
    )


@page_requires("accounts.manage_own_security")
def password_change(request):
    user = request.user
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)
        messages.success(request, _("Your password has been changed."))
        return redirect("security")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
def two_factor_enrol(request):
    user = request.user
    if not _may_use_two_factor(user):
        raise PermissionDenied
    if two_factor.is_enrolled(user) and not user.is_verified():
        # Someone who knows only the password must not replace the enrolled device.
        return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': request.get_full_path()})}")
    device = two_factor.pending_device(user)
    error = ""
    if request.method == "POST":
        try:
            codes = two_factor.confirm_enrolment(request, request.POST.get("code", ""))
        except InvalidInput as exc:
            error = exc.fields.get("code", [exc.message])[0]
        else:
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request, "security")})
    return render(
        request,
        "accounts/two_factor_enrol.html",
        {
            "qr_svg": two_factor.qr_svg(device),
            "secret": two_factor.secret_text(device),
            "required": two_factor_required(user),
            "error": error,
            "next": request.POST.get("next") or request.GET.get("next", ""),
        },
    )


@login_required
def two_factor_verify(request):
    user = request.user
    if user.is_verified():
        return redirect(_next(request))
    if not two_factor.is_enrolled(user):
        return redirect("two_factor_enrol")
    error = ""
    if request.method == "POST":
        try:
            two_factor.verify(request, request.POST.get("code", ""))
        except InvalidInput as exc:
            error = exc.fields.get("code", [exc.message])[0]
        else:
            return redirect(_next(request))
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"error": error, "next": request.POST.get("next") or request.GET.get("next", "")},
    )


@page_requires("accounts.manage_own_security")
@require_POST
def two_factor_disable(request):
    try:
        two_factor.disable(request)
    except InvalidInput as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Two-factor sign-in is off."))
    return redirect("security")


@page_requires("accounts.manage_own_security")
@require_POST
def recovery_codes_regenerate(request):
    user = request.user
    try:
        codes = two_factor.regenerate_recovery_codes(user)
    except InvalidInput as exc:
        messages.error(request, exc.message)
        return redirect("security")
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": reverse("security")})
