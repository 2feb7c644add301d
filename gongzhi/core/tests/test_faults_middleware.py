"""The database gone before any view runs — while a middleware loads the signed-in user — is answered
like the same fault in a view: a translated 503 page (JSON for the API) saying nothing was saved,
not the generic 500."""

import pytest
from django.db.utils import OperationalError
from django.test import Client

from gongzhi.accounts.tests.factories import user

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_gone_at_sign_in(monkeypatch):
    # The user is loaded lazily by AuthenticationMiddleware through django.contrib.auth.get_user;
    # a dropped connection surfaces there as OperationalError, before the URL's view is reached.
    import django.contrib.auth.middleware as auth_middleware

    def gone(request):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(auth_middleware, "get_user", gone)


def test_a_page_answers_503_with_the_translated_page(database_gone_at_sign_in):
    client = Client(raise_request_exception=False)
    client.force_login(user("resident"))
    response = client.get("/cases/")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "本次提交未保存" in response.content.decode()


def test_the_api_answers_503_in_its_error_shape(database_gone_at_sign_in):
    client = Client(raise_request_exception=False)
    response = client.get("/api/cases/")
    assert response.status_code == 503
    assert response.json()["code"] == "unavailable"
