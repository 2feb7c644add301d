"""Inboxes read a page of cases in a fixed number of queries, however many rows the page holds:
no query per row on the page or in the API (an inbox row reads only `selectors.INBOX_ROW_FIELDS`
and its four joins; touching another field of a row would add a query per row and fail here)."""

from contextlib import contextmanager

import pytest
from django.db import connection

from gongzhi.accounts.tests.factories import PASSWORD
from gongzhi.cases import services
from gongzhi.cases.tests.factories import in_progress, submit

pytestmark = pytest.mark.django_db



@contextmanager
def counting():
    statements: list[str] = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield statements


def login(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def queries_of(client, box: str) -> tuple[int, int, str, dict]:
    client.get("/cases/", {"box": box})  # warm per-process caches (calendar, content types)
    with counting() as page_sql:
        page = client.get("/cases/", {"box": box})
    with counting() as api_sql:
        api = client.get("/api/cases/", {"box": box})
    assert page.status_code == 200 and api.status_code == 200
    return len(page_sql), len(api_sql), page.content.decode(), api.json()


def test_the_triage_inbox_does_not_query_per_row(client, w):
    submit(w, title="第一件")
    login(client, w.cstaff)
    page_one, api_one, _html, _body = queries_of(client, "triage")

    for n in range(5):
        submit(w, title=f"又一件 {n}", where="building_b")
    page_six, api_six, html, body = queries_of(client, "triage")

    assert body["count"] == 6 and html.count("又一件") == 5
    assert (page_six, api_six) == (page_one, api_one)
    assert {item["state_label"] for item in body["items"]} == {"已提交"}
    assert "已提交" in html


def test_a_workers_inbox_with_assignee_and_department_does_not_query_per_row(client, w):
    in_progress(w)
    login(client, w.worker_a)
    page_one, api_one, _html, _body = queries_of(client, "in_progress")

    for _ in range(4):
        in_progress(w)
    page_five, api_five, _html, body = queries_of(client, "in_progress")

    assert body["count"] == 5 and all(item["assignee"] for item in body["items"])
    assert (page_five, api_five) == (page_one, api_one)


def test_a_departments_inbox_shows_the_department_without_a_query_per_row(client, w):
    def to_cg():
        case = submit(w)
        services.case_accept(actor=w.cstaff, case=case)
        return services.case_dispatch(actor=w.cstaff, case=case, department=w.departments["cg"])

    to_cg()
    login(client, w.cg)
    page_one, api_one, _html, _body = queries_of(client, "to_claim")
    for _ in range(3):
        to_cg()
    page_four, api_four, html, body = queries_of(client, "to_claim")

    assert body["count"] == 4 and {item["department"] for item in body["items"]} == {"cg"}
    assert (page_four, api_four) == (page_one, api_one)
    assert "城管" in html
