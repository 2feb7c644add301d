"""403, 404 and 500 are the site's own pages: translated, in the shell (navigation, the user's
name), with DEBUG on as well as off; the API keeps its JSON errors."""

import pytest
from django.test import Client, override_settings

from gongzhi.accounts.tests.factories import user

pytestmark = [pytest.mark.django_db, pytest.mark.urls("gongzhi.core.tests.error_urls")]


def page(response) -> str:
    return response.content.decode()


def in_the_shell(html: str) -> bool:
    return 'class="topbar"' in html and "共治" in html


@pytest.mark.parametrize("debug", [False, True])
def test_a_missing_page_is_a_translated_404_in_the_shell(client, debug):
    # given a signed-in resident
    worker = user("resident", display_name="王秀英")
    client.force_login(worker)
    # when they open an address that does not exist (DEBUG on, as the demo runs, and off)
    with override_settings(DEBUG=debug):
        response = client.get("/no-such-page/")
    # then they get the site's own page, in Chinese, with their name and the way home
    assert response.status_code == 404
    html = page(response)
    assert in_the_shell(html) and "王秀英" in html
    assert "页面不存在" in html and "返回首页" in html
    assert "Not Found" not in html and "Using the URLconf" not in html


@pytest.mark.parametrize("debug", [False, True])
def test_a_case_outside_scope_is_the_same_404(client, debug):
    resident = user("resident")
    client.force_login(resident)
    with override_settings(DEBUG=debug):
        response = client.get("/cases/999999/")
    assert response.status_code == 404
    assert "页面不存在" in page(response) and "Http404" not in page(response)


@pytest.mark.parametrize("debug", [False, True])
def test_a_refused_page_is_a_translated_403_in_the_shell(client, debug):
    # given a resident, who may not open the residents registry
    client.force_login(user("resident"))
    with override_settings(DEBUG=debug):
        response = client.get("/residents/")
    assert response.status_code == 403
    html = page(response)
    assert in_the_shell(html) and "无权打开此页面" in html and "403 Forbidden" not in html


@pytest.mark.parametrize("debug", [False, True])
def test_a_bug_is_a_translated_500_without_a_traceback(debug):
    client = Client(raise_request_exception=False)
    client.force_login(user("resident"))
    with override_settings(DEBUG=debug):
        response = client.get("/boom/")
    assert response.status_code == 500
    html = page(response)
    assert in_the_shell(html) and "出了问题" in html
    assert "Traceback" not in html and "RuntimeError" not in html and "a bug in a view" not in html


def test_an_expired_form_is_explained(db):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user("resident"))
    response = client.post("/messages/", {})
    assert response.status_code == 403
    assert "表单已过期" in page(response)


def test_the_api_keeps_its_json_errors(client):
    client.force_login(user("resident"))
    response = client.get("/api/cases/999999")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
