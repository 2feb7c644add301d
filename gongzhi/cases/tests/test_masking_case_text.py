"""Numbers typed into a case's other free text — the address, the handler's result, the rating
comment, a whistle call's reason and a department's report — are masked like its title and
description: on the page and in the API for everyone but the requester, until a handler reveals
them (`POST /api/cases/{id}/reveal`, audited)."""

import pytest

from gongzhi.accounts.tests.factories import PASSWORD
from gongzhi.cases import services
from gongzhi.cases.models import Result
from gongzhi.cases.tests.factories import in_progress
from gongzhi.core.models import AuditEvent

pytestmark = pytest.mark.django_db

MOBILE, ID_NUMBER = "13912345678", "620102199001011234"


def login(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def rated(w):
    """A case whose address, result and rating comment carry numbers: filed, handled, rated."""
    case = in_progress(w, address=f"3号楼2单元，到了打{MOBILE}")
    services.case_record_contact(actor=w.worker_a, case=case, method="phone", note="已联系")
    services.case_resolve(actor=w.worker_a, case=case, result=Result.SOLVED,
                          feedback=f"已清运，物业负责人电话{MOBILE}")
    return services.case_rate(actor=w.resident, case=case, rating="satisfied", solved=True,
                              comment=f"谢谢，有事再打{MOBILE}，身份证{ID_NUMBER}")


@pytest.fixture
def called(w):
    """A street case with a whistle call whose reason and report carry a number."""
    case = in_progress(w, "market-order", title="早市占道", description="早市摊位占满人行道")
    [call] = services.case_whistle(actor=w.sstaff, case=case, departments=[w.departments["cg"]],
                                   reason=f"联合整治，现场联系人{MOBILE}")
    services.whistle_acknowledge(actor=w.cg, call=call)
    services.whistle_report(actor=w.cg, call=call, report=f"已清理，摊主电话{MOBILE}")
    return case


def test_staff_read_the_address_result_and_comment_masked_on_the_page_and_in_the_api(client, w, rated):
    login(client, w.worker_a)
    page = client.get(f"/cases/{rated.pk}/").content.decode()
    detail = client.get(f"/api/cases/{rated.pk}").json()
    for shown in (page, str(detail)):
        assert MOBILE not in shown and ID_NUMBER not in shown
    assert "139****5678" in detail["address"] and "139****5678" in detail["feedback"]
    assert "139****5678" in detail["rating_comment"] and ID_NUMBER not in detail["rating_comment"]


def test_the_requester_reads_their_own_words_as_typed(client, w, rated):
    login(client, w.resident)
    detail = client.get(f"/api/cases/{rated.pk}").json()
    assert MOBILE in detail["address"] and ID_NUMBER in detail["rating_comment"]
    assert MOBILE in client.get(f"/cases/{rated.pk}/").content.decode()


def test_whistle_call_reason_and_report_are_masked_for_the_department_and_the_street(client, w, called):
    for user in (w.sstaff, w.cg):
        login(client, user)
        answer = client.get(f"/api/cases/{called.pk}").json()
        [call] = answer["whistle_calls"]
        assert "139****5678" in call["reason"] and "139****5678" in call["report"] and MOBILE not in str(answer)
        page = client.get(f"/cases/{called.pk}/").content.decode()
        assert MOBILE not in page and "139****5678" in page


def test_the_handler_reveals_the_text_over_the_api_and_the_reveal_is_audited(client, w, called):
    # given the street staff handling the case
    login(client, w.sstaff)

    # when they reveal the numbers in its text, to call back
    response = client.post(f"/api/cases/{called.pk}/reveal", {"reason": "回访摊主"}, content_type="application/json")

    # then the case's calls read as typed, and the audit log says who and why, not the text
    assert response.status_code == 200
    call = response.json()["whistle_calls"][0]
    assert MOBILE in call["reason"] and MOBILE in call["report"]
    event = AuditEvent.objects.get(action="cases.case.reveal_text", object_id=str(called.pk))
    assert event.actor == w.sstaff and MOBILE not in event.note + str(event.after)


def test_who_does_not_handle_the_case_is_refused_and_another_grid_gets_404(client, w, rated):
    login(client, w.resident_2)
    assert client.post(f"/api/cases/{rated.pk}/reveal", {}, content_type="application/json").status_code == 404
    login(client, w.worker_b)
    outside = client.post(f"/api/cases/{rated.pk}/reveal", {}, content_type="application/json")
    absent = client.post("/api/cases/999999/reveal", {}, content_type="application/json")
    assert outside.status_code == absent.status_code == 404 and outside.json() == absent.json()
    login(client, w.inspector)
    refused = client.post(f"/api/cases/{rated.pk}/reveal", {}, content_type="application/json")
    assert refused.status_code in (403, 404) and MOBILE not in refused.content.decode()
    assert not AuditEvent.objects.filter(action="cases.case.reveal_text").exists()


def test_the_admin_change_page_shows_the_address_result_and_comment_masked(client, w, rated):
    client.force_login(w.admin)
    change = client.get(f"/admin/cases/case/{rated.pk}/change/")
    assert change.status_code == 200
    page = change.content.decode()
    assert MOBILE not in page and ID_NUMBER not in page and "139****5678" in page
    rated.refresh_from_db()
    assert MOBILE in rated.address  # the read-only admin never saves the masked copy


def test_the_called_department_reads_the_reason_masked_in_its_whistle_inbox(client, w):
    case = in_progress(w, "market-order", title="早市占道", description="早市摊位占满人行道")
    services.case_whistle(actor=w.sstaff, case=case, departments=[w.departments["cg"]],
                          reason=f"联合整治，现场联系人{MOBILE}")
    login(client, w.cg)
    inbox = client.get("/api/cases/whistle-calls").json()
    assert inbox["items"] and "139****5678" in inbox["items"][0]["reason"] and MOBILE not in str(inbox)
    page = client.get("/cases/", {"box": "whistle"}).content.decode()
    assert "139****5678" in page and MOBILE not in page
