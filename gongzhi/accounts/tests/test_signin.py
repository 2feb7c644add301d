"""Sign-in that cannot be guessed: lock-out of accounts and addresses, token guessing, the password
policy, staff session expiry and two-factor sign-in with recovery codes."""

import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongzhi.accounts import services, sessions
from gongzhi.accounts.models import TokenGuessing, User
from gongzhi.accounts.tests.factories import PASSWORD, superuser, user
from gongzhi.accounts.tests.signin import code_for, enrolled, verified_login
from gongzhi.areas.tests.factories import tree
from gongzhi.core.actors import SystemActor
from gongzhi.core.demo import DEMO_PASSWORD
from gongzhi.core.models import AuditEvent

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _sign_in(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def _client(address="10.0.0.1"):
    return Client(REMOTE_ADDR=address)


# --- lock-out ---------------------------------------------------------------------------------


def test_wrong_passwords_lock_the_account_until_the_lock_expires(axes_on):
    # given a grid worker
    t = tree()
    user("grid_worker", nodes=[t["grid_a"]], username="wg")
    client = _client()
    # when someone tries five wrong passwords
    answers = [_sign_in(client, "wg", f"guess-{i}").status_code for i in range(5)]
    # then the first four are plain refusals and the fifth locks the account (429)
    assert answers[:4] == [200] * 4
    assert answers[4] == 429
    # and the right password is refused too, from this address and from any other
    locked_page = _sign_in(client, "wg", PASSWORD)
    assert locked_page.status_code == 429
    assert "登录已锁定" in locked_page.content.decode()
    other = _client("10.0.0.99")
    response = _sign_in(other, "wg", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in other.session
    # and the lock is in the audit log with the username and the address, without any password
    locked = AuditEvent.objects.get(action="accounts.signin.locked", after__address="10.0.0.1")
    assert locked.actor is None and locked.actor_label == "sign-in protection"
    assert locked.after["username"] == "wg" and locked.after["address"] == "10.0.0.1"
    assert "guess" not in str(locked.after) and PASSWORD not in str(locked.after)
    # when the lock has expired (15 minutes)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    # then the right password signs in, and the release is audited
    response = _sign_in(other, "wg", PASSWORD)
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="accounts.signin.released", after__username="wg").exists()


def test_wrong_passwords_from_one_address_lock_the_address(axes_on):
    t = tree()
    user("grid_worker", nodes=[t["grid_a"]], username="wg")
    attacker = _client("10.0.0.7")
    # when one address tries five different accounts
    for name in ["a1", "a2", "a3", "a4", "a5"]:
        _sign_in(attacker, name, "Password-guess")
    # then that address cannot sign in even with a right password
    assert _sign_in(attacker, "wg", PASSWORD).status_code == 429
    # while the account itself is not locked for everyone else
    assert _sign_in(_client("10.0.0.8"), "wg", PASSWORD).status_code == 302


def test_the_admin_login_is_locked_too(axes_on):
    superuser("root")
    client = _client()
    answers = [client.post("/admin/login/", {"username": "root", "password": f"x-{i}"}).status_code for i in range(5)]
    assert answers[-1] == 429
    assert client.post("/admin/login/", {"username": "root", "password": PASSWORD}).status_code == 429


# --- token guessing ---------------------------------------------------------------------------


def test_token_guessing_is_answered_429_after_the_limit():
    # given a worker's real token
    t = tree()
    worker = user("grid_worker", nodes=[t["grid_a"]])
    _token, raw = services.api_token_create(actor=worker, user=worker, name="app")
    client = _client("10.1.1.1")
    # when one address sends five wrong tokens
    answers = [client.get("/api/areas/nodes", HTTP_AUTHORIZATION=f"Bearer gz_guess{i}") for i in range(5)]
    # then the first four are 401 and the fifth 429, with the uniform error body
    assert [a.status_code for a in answers] == [401, 401, 401, 401, 429]
    assert answers[-1].json()["code"] == "too_many_attempts"
    assert set(answers[-1].json()) == {"code", "message", "fields"}
    # and while the lock lasts even the real token is refused from that address (a guess cannot be confirmed)
    assert client.get("/api/areas/nodes", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 429
    # but not from another address
    assert _client("10.1.1.2").get("/api/areas/nodes", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    locked = AuditEvent.objects.get(action="accounts.token_guessing.locked")
    assert locked.after["address"] == "10.1.1.1" and "gz_guess" not in str(locked.after)
    # when the lock expires, the real token works again and the release is audited
    TokenGuessing.objects.update(locked_until=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/areas/nodes", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    assert AuditEvent.objects.filter(action="accounts.token_guessing.released").exists()
    assert not TokenGuessing.objects.exists()


# --- password policy --------------------------------------------------------------------------


def test_a_weak_password_is_refused_with_the_message_on_the_field():
    t = tree()
    staff = user("community_staff", nodes=[t["community"]], username="sq")
    client = Client()
    client.force_login(staff)
    # a nine-character password is too short for staff
    response = client.post(
        "/accounts/security/password/",
        {"old_password": PASSWORD, "new_password1": "Qz7-kpw!x", "new_password2": "Qz7-kpw!x"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["new_password2"]
    assert any("10" in e for e in errors)
    # as are common and all-numeric passwords
    for weak in ["password123", "20262026202620"]:
        response = client.post(
            "/accounts/security/password/", {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak}
        )
        assert response.context["form"].errors["new_password2"]
    # a good one is taken
    response = client.post(
        "/accounts/security/password/",
        {"old_password": PASSWORD, "new_password1": "Gz-long-enough-26", "new_password2": "Gz-long-enough-26"},
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password("Gz-long-enough-26")


def test_residents_need_eight_characters_staff_ten_and_the_demo_password_passes():
    validate_password("Qz7-kpw!x", User(username="jm", role="resident"))
    with pytest.raises(ValidationError):
        validate_password("Qz7-kpw!x", User(username="wg", role="grid_worker"))
    with pytest.raises(ValidationError):
        validate_password("Qz7-kpw!x", User(username="root", is_superuser=True))
    for role in ["district_admin", "grid_worker", "resident"]:
        validate_password(DEMO_PASSWORD, User(username="quadmin", role=role))


def test_a_demo_account_signs_in_with_the_demo_password(axes_on):
    t = tree()
    services.user_create(actor=SystemActor(), username="wangge", password=DEMO_PASSWORD, role="grid_worker",
                         nodes=[t["grid_a"]])
    assert _sign_in(_client(), "wangge", DEMO_PASSWORD).status_code == 302


def test_the_admin_refuses_a_weak_password_for_a_new_account():
    t = tree()
    admin = user("district_admin", nodes=[t["district"]], username="qa")
    client = Client()
    client.force_login(admin)
    response = client.post(
        "/admin/accounts/user/add/",
        {"username": "new_wg", "password": "Short-pw1", "role": "grid_worker", "nodes": [t["grid_a"].pk],
         "is_active": "on"},
    )
    assert response.status_code == 200
    assert "password" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="new_wg").exists()


def test_createsuperuser_enforces_the_staff_policy(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Short-pw1")
    with pytest.raises(CommandError):
        call_command("createsuperuser", "--noinput", username="root2", email="r@example.org", verbosity=0)
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Gz-long-enough-26")
    call_command("createsuperuser", "--noinput", username="root2", email="r@example.org", verbosity=0)
    assert User.objects.get(username="root2").is_superuser


# --- staff sessions ---------------------------------------------------------------------------


def _age_session(client, *, idle_hours: float = 0, signed_in_hours: float = 0):
    session = client.session
    now = time.time()
    session[sessions.SEEN_AT] = now - idle_hours * 3600
    session[sessions.SIGNED_IN_AT] = now - max(signed_in_hours, idle_hours) * 3600
    session.save()


def test_an_idle_staff_session_expires_and_a_residents_does_not():
    t = tree()
    staff = user("community_staff", nodes=[t["community"]])
    resident = user("resident")
    staff_client, resident_client = Client(), Client()
    staff_client.force_login(staff)
    resident_client.force_login(resident)
    # given both were last seen three hours ago
    _age_session(staff_client, idle_hours=3)
    _age_session(resident_client, idle_hours=3)
    # then the staff member is signed out and sent to sign in again, the resident is not
    response = staff_client.get("/")
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert "_auth_user_id" not in staff_client.session
    assert resident_client.get("/").status_code == 200


def test_a_staff_session_ends_after_twelve_hours_however_busy():
    t = tree()
    staff = user("grid_worker", nodes=[t["grid_a"]])
    client = Client()
    client.force_login(staff)
    _age_session(client, idle_hours=0, signed_in_hours=13)
    response = client.get("/api/areas/nodes")
    assert response.status_code == 401
    assert response.json()["code"] == "session_expired"


def test_an_active_staff_session_goes_on():
    t = tree()
    staff = user("grid_worker", nodes=[t["grid_a"]])
    client = Client()
    client.force_login(staff)
    _age_session(client, idle_hours=1.5, signed_in_hours=5)
    assert client.get("/").status_code == 200
    assert time.time() - client.session[sessions.SEEN_AT] < 60  # the request counted as activity


# --- two-factor sign-in ----------------------------------------------------------------------


def test_a_district_admin_must_enrol_before_using_any_page_or_the_api(two_factor_on):
    t = tree()
    admin = user("district_admin", nodes=[t["district"]], username="qa")
    client = Client()
    client.force_login(admin)
    # pages send them to the enrolment, the API refuses the session
    response = client.get("/areas/")
    assert response.status_code == 302 and response.url.startswith("/accounts/security/two-factor/enrol/")
    assert client.get("/admin/").status_code == 302
    api = client.get("/api/areas/nodes")
    assert api.status_code == 403 and api.json()["code"] == "two_factor_required"
    # the enrolment page shows the secret as a QR code made here and as text
    page = client.get("/accounts/security/two-factor/enrol/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and page.context["secret"]
    assert "http" not in page.context["qr_svg"].split("xmlns")[0]
    # when they confirm with a code from the app
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    done = client.post("/accounts/security/two-factor/enrol/", {"code": code_for(device)})
    # then they see ten recovery codes once, and may use the pages and the API
    assert done.status_code == 200 and len(done.context["codes"]) == 10
    assert client.get("/areas/").status_code == 200
    assert client.get("/api/areas/nodes").status_code == 200
    assert AuditEvent.objects.filter(action="accounts.two_factor.enrol", actor=admin).exists()


def test_an_enrolled_district_admin_is_sent_to_the_code_and_a_correct_totp_lets_them_in(two_factor_on):
    t = tree()
    admin = user("district_admin", nodes=[t["district"]], username="qa")
    device = enrolled(admin)
    client = Client()
    client.force_login(admin)
    response = client.get("/areas/")
    assert response.status_code == 302 and response.url.startswith("/accounts/two-factor/")
    # and cannot replace the device knowing only the password
    assert client.get("/accounts/security/two-factor/enrol/").url.startswith("/accounts/two-factor/")
    # a wrong code is refused on the field and audited
    wrong = client.post("/accounts/two-factor/", {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and wrong.context["error"]
    assert AuditEvent.objects.filter(action="accounts.two_factor.failed", actor=admin).exists()
    assert client.get("/areas/").status_code == 302
    # the right code (after django-otp's short delay after a failure) lets them in, back where they were going
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    ok = client.post("/accounts/two-factor/", {"code": code_for(device), "next": "/areas/"})
    assert ok.status_code == 302 and ok.url == "/areas/"
    assert client.get("/areas/").status_code == 200


def test_a_recovery_code_works_once(two_factor_on, axes_on):
    t = tree()
    admin = user("district_admin", nodes=[t["district"]], username="qa")
    first = Client()
    verified_login(first, admin)
    codes = first.post("/accounts/security/recovery-codes/").context["codes"]
    assert len(codes) == 10
    # when they sign in on another device without their phone and use a recovery code
    second = _client()
    assert _sign_in(second, "qa", PASSWORD).status_code == 302
    assert second.post("/accounts/two-factor/", {"code": codes[0]}).status_code == 302
    assert second.get("/areas/").status_code == 200
    assert AuditEvent.objects.get(action="accounts.two_factor.recovery_used").after == {"codes_left": 9}
    # then the same code does not work a second time
    third = _client()
    _sign_in(third, "qa", PASSWORD)
    again = third.post("/accounts/two-factor/", {"code": codes[0]})
    assert again.status_code == 200 and again.context["error"]
    assert third.get("/areas/").status_code == 302
    assert StaticToken.objects.filter(device__user=admin).count() == 9


def test_tokens_are_not_asked_for_a_second_factor(two_factor_on):
    t = tree()
    admin = user("district_admin", nodes=[t["district"]], username="qa")
    _token, raw = services.api_token_create(actor=admin, user=admin, name="script")
    assert Client().get("/api/areas/nodes", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_a_superuser_must_use_two_factor_too(two_factor_on):
    root = superuser("root")
    client = Client()
    client.force_login(root)
    assert client.get("/admin/").url.startswith("/accounts/security/two-factor/enrol/")


def test_other_staff_may_turn_two_factor_on_and_off_and_it_is_then_asked_for(two_factor_on):
    t = tree()
    staff = user("community_staff", nodes=[t["community"]], username="sq")
    client = Client()
    client.force_login(staff)
    # two-factor is offered, not required
    page = client.get("/accounts/security/")
    assert page.status_code == 200 and page.context["offered"] and not page.context["required"]
    assert client.get("/areas/").status_code == 200
    # they turn it on
    client.get("/accounts/security/two-factor/enrol/")
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    client.post("/accounts/security/two-factor/enrol/", {"code": code_for(device)})
    # from the next sign-in on, the code is asked for
    later = Client()
    later.force_login(staff)
    assert later.get("/areas/").status_code == 302
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    assert later.post("/accounts/two-factor/", {"code": code_for(device)}).status_code == 302
    # and they may turn it off again
    assert later.post("/accounts/security/two-factor/disable/").status_code == 302
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert AuditEvent.objects.filter(action="accounts.two_factor.disable", actor=staff).exists()


def test_a_district_admin_cannot_turn_two_factor_off(two_factor_on):
    t = tree()
    admin = user("district_admin", nodes=[t["district"]], username="qa")
    client = Client()
    verified_login(client, admin)
    client.post("/accounts/security/two-factor/disable/")
    assert TOTPDevice.objects.filter(user=admin).exists()


def test_residents_have_a_security_page_without_two_factor():
    resident = user("resident")
    client = Client()
    client.force_login(resident)
    page = client.get("/accounts/security/")
    assert page.status_code == 200 and not page.context["offered"]
    assert client.get("/accounts/security/two-factor/enrol/").status_code == 403


def test_the_security_page_is_in_the_navigation():
    resident = user("resident")
    client = Client()
    client.force_login(resident)
    assert "/accounts/security/" in client.get("/").content.decode()


def test_the_demo_district_admin_has_the_documented_authenticator_key():
    from base64 import b32encode
    from binascii import unhexlify

    from gongzhi.accounts import demo

    assert b32encode(unhexlify(demo.DEMO_TOTP_KEY)).decode() == demo.DEMO_TOTP_BASE32
    assert TOTPDevice(key=demo.DEMO_TOTP_KEY).bin_key == unhexlify(demo.DEMO_TOTP_KEY)
