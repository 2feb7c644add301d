"""The case page as people use it: a called department's own forms work (with or without the call
named), the resident's rating starts empty and only they see it, staff record a callback (回访) of
their own that the 三率 page counts apart, and a handler reaches the requester (masked phone, one
audited click) unless the requester asked to stay anonymous to handlers."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.accounts.tests.factories import PASSWORD
from gongzhi.cases import services
from gongzhi.cases.models import RatingSource, Result, State, WhistleCall
from gongzhi.cases.tests.factories import in_progress, submit
from gongzhi.core.errors import Forbidden, NotFound
from gongzhi.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def as_user(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def resolved(w, **extra):
    case = in_progress(w, **extra)
    return services.case_resolve(actor=w.worker_a, case=case, result=Result.SOLVED, feedback="单车已清走")


def form_of(html: str, action: str) -> str:
    marker = f"/act/{action}/\""
    html = html[html.index("<main"):]  # not the language switch's "next" of this very address
    assert marker in html, f"no {action} form"
    start = html.index(marker)
    return html[start:html.index("</form>", start)]


# The whistle call's own forms


def test_a_department_reports_in_from_a_form_that_names_no_call(client, w):
    # given a street-level case the street called the city management department on
    case = in_progress(w, "market-order", title="早市占道", description="早市摊位占满人行道")
    [call] = services.case_whistle(actor=w.sstaff, case=case, departments=[w.departments["cg"]], reason="联合整治")
    # when the department's staff post 报到 and their report without naming the call
    as_user(client, w.cg)
    assert client.post(f"/cases/{case.pk}/act/acknowledge/", {"note": "收到"}).status_code == 302
    response = client.post(f"/cases/{case.pk}/act/report_part/", {"report": "已清理占道摊位"}, follow=True)
    # then both answer the department's call, and the page says so
    call.refresh_from_db()
    assert call.acknowledged_by == w.cg and call.report == "已清理占道摊位"
    assert "已完成" in response.content.decode()


def test_another_departments_call_is_not_found(client, w):
    case = in_progress(w, "market-order", title="早市占道", description="早市摊位占满人行道")
    [call] = services.case_whistle(actor=w.sstaff, case=case, departments=[w.departments["cg"]], reason="联合整治")
    as_user(client, w.zj)
    assert client.post(f"/cases/{case.pk}/act/acknowledge/", {"call": call.pk}).status_code == 404
    assert WhistleCall.objects.get(pk=call.pk).acknowledged_at is None


def test_the_department_sees_its_call_box_and_no_bare_actions(client, w):
    case = in_progress(w, "market-order", title="早市占道", description="早市摊位占满人行道")
    [call] = services.case_whistle(actor=w.sstaff, case=case, departments=[w.departments["cg"]], reason="联合整治")
    html = as_user(client, w.cg).get(f"/cases/{case.pk}/").content.decode()
    assert f'name="call" value="{call.pk}"' in form_of(html, "acknowledge")
    assert f'name="call" value="{call.pk}"' in form_of(html, "report_part")
    assert html.count("/act/acknowledge/") == 1 and html.count("/act/report_part/") == 1


# Ratings and callbacks


def test_the_requesters_rating_form_starts_empty(client, w):
    # given a resolved case
    case = resolved(w)
    # when the requester opens it
    form = form_of(as_user(client, w.resident).get(f"/cases/{case.pk}/").content.decode(), "rate")
    # then nothing is chosen for them: both questions start on "— 请选择 —" and must be answered
    assert "selected" not in form
    assert form.count('<option value="">') == 2 and form.count("required") >= 2


def test_staff_see_the_callback_form_not_the_residents(client, w):
    case = resolved(w)
    html = as_user(client, w.cstaff).get(f"/cases/{case.pk}/").content.decode()
    assert "/act/rate/" not in html
    assert "回访" in form_of(html, "callback")


def test_an_empty_rating_is_refused_beside_nothing_changed(client, w):
    case = resolved(w)
    as_user(client, w.resident)
    response = client.post(f"/cases/{case.pk}/act/rate/", {"rating": "", "solved": ""}, follow=True)
    case.refresh_from_db()
    assert case.state == State.AWAITING_RATING and case.rating == ""
    assert "满意" in response.content.decode()


def test_the_requester_rates_as_requester_and_staff_record_a_callback(client, w):
    # given two resolved cases
    own, called = resolved(w), resolved(w, title="门口共享单车又堆满了")
    # when the requester rates one and community staff record a callback on the other
    as_user(client, w.resident).post(f"/cases/{own.pk}/act/rate/", {"rating": "satisfied", "solved": "yes"})
    as_user(client, w.cstaff).post(f"/cases/{called.pk}/act/callback/",
                                   {"rating": "basic", "solved": "yes", "comment": "电话回访，居民说基本满意"})
    own.refresh_from_db()
    called.refresh_from_db()
    # then both close, each with who gave the rating, and the callback is audited as such
    assert own.state == called.state == State.CLOSED
    assert own.rating_source == RatingSource.REQUESTER and called.rating_source == RatingSource.CALLBACK
    event = AuditEvent.objects.for_object(called).get(action="cases.case.callback")
    assert event.actor == w.cstaff
    # and the case page labels the callback rating
    assert "回访" in as_user(client, w.resident).get(f"/cases/{called.pk}/").content.decode()


def test_staff_cannot_give_the_requesters_own_rating(w):
    case = resolved(w)
    with pytest.raises((Forbidden, NotFound)):
        services.case_rate(actor=w.cstaff, case=case, rating="satisfied", solved=True)
    with pytest.raises((Forbidden, NotFound)):
        services.record_callback(actor=w.resident, case=case, rating="satisfied", solved=True)


def test_the_figures_count_callback_ratings_apart(client, w):
    own, called = resolved(w), resolved(w, title="门口共享单车又堆满了")
    services.case_rate(actor=w.resident, case=own, rating="satisfied", solved=True)
    services.record_callback(actor=w.cstaff, case=called, rating="basic", solved=True)
    today = timezone.localdate()
    html = as_user(client, w.cstaff).get(
        "/cases/figures/", {"node": w.community.pk, "start": (today - dt.timedelta(days=1)).isoformat(),
                            "end": today.isoformat()}).content.decode()
    start = html.index('id="callback-count"')
    assert "1" in html[start:html.index("</span>", start)] and "回访" in html[start:html.index("</span>", start)]


# Reaching the requester


def test_a_handler_sees_a_masked_phone_and_reveals_it_with_one_audited_click(client, w):
    # given a request a caller phoned in, held by grid A
    case = submit(w, actor=w.cstaff, channel="hotline", caller_name="李桂兰", caller_phone="13912345678")
    services.case_accept(actor=w.cstaff, case=case)
    case = services.case_dispatch(actor=w.cstaff, case=case)
    as_user(client, w.worker_a)
    # when the grid worker opens the case: the number is masked
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "139****5678" in html and "13912345678" not in html
    # and one click shows it, logged with who
    revealed = client.post(f"/cases/{case.pk}/act/reveal_contact/", {}).content.decode()
    assert 'href="tel:13912345678"' in revealed
    assert AuditEvent.objects.for_object(case).filter(action="cases.case.reveal_contact", actor=w.worker_a).exists()
    # then the next visit masks it again
    assert "13912345678" not in client.get(f"/cases/{case.pk}/").content.decode()


def test_a_requester_who_asked_to_stay_anonymous_is_not_reachable(client, w):
    w.resident.phone = "13800001111"
    w.resident.save()
    case = submit(w, anonymous=True)
    services.case_accept(actor=w.cstaff, case=case)
    case = services.case_dispatch(actor=w.cstaff, case=case)
    as_user(client, w.worker_a)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "匿名" in html and "138****1111" not in html and "/act/reveal_contact/" not in html
    client.post(f"/cases/{case.pk}/act/reveal_contact/", {})
    assert not AuditEvent.objects.filter(action="cases.case.reveal_contact").exists()
    with pytest.raises(Forbidden):
        services.case_reveal_contact(actor=w.worker_a, case=case)


def test_only_handlers_may_reveal_the_requesters_phone(w):
    w.resident.phone = "13800001111"
    w.resident.save()
    case = submit(w)
    services.case_accept(actor=w.cstaff, case=case)
    case = services.case_dispatch(actor=w.cstaff, case=case)
    with pytest.raises((Forbidden, NotFound)):
        services.case_reveal_contact(actor=w.worker_b, case=case)
    assert services.case_reveal_contact(actor=w.worker_a, case=case) == "13800001111"


# Errors people understand


def test_a_five_thousand_character_title_is_refused_not_cut(client, w):
    as_user(client, w.resident)
    from gongzhi.cases.models import Case, Category

    drain = Category.objects.get(code="blocked-drain")
    long_title = "楼道漏水" * 1250
    response = client.post("/cases/new/", {"channel": "online", "category": drain.pk, "title": long_title,
                                           "description": "三楼楼道天花板一直滴水", "location": w.building_a.pk})
    html = response.content.decode()
    assert response.status_code == 400 and not Case.objects.exists()
    assert "标题最多 200 个字，现在有 5000 个字" in html
    assert "三楼楼道天花板一直滴水" in html  # what was typed stays


def test_every_problem_of_the_filing_form_shows_at_once(client, w):
    as_user(client, w.resident)
    response = client.post("/cases/new/", {"channel": "online", "category": "", "title": "", "description": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert html.count('class="error"') >= 3


def test_a_figures_period_that_ends_before_it_starts_is_refused(client, w):
    as_user(client, w.cstaff)
    response = client.get("/cases/figures/", {"node": w.community.pk, "start": "2026-12-01", "end": "2026-11-01"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="end-error"' in html and 'value="2026-11-01"' in html and 'id="callback-count"' not in html


def test_merge_accepts_the_case_reference(client, w):
    master, duplicate = submit(w), submit(w, actor=w.resident_2)
    as_user(client, w.cstaff)
    client.post(f"/cases/{duplicate.pk}/act/merge/", {"master": master.reference.lower()})
    duplicate.refresh_from_db()
    assert duplicate.state == State.MERGED and duplicate.master == master


def test_merge_with_an_unknown_reference_says_so(client, w):
    duplicate = submit(w)
    as_user(client, w.cstaff)
    response = client.post(f"/cases/{duplicate.pk}/act/merge/", {"master": "GZ202001010999999"}, follow=True)
    duplicate.refresh_from_db()
    assert duplicate.state == State.SUBMITTED
    assert "没有编号为 GZ202001010999999 的诉求" in response.content.decode()


def test_a_refused_action_keeps_what_was_typed_and_says_what_is_wrong_beside_it(client, w):
    # given a grid worker resolving a case they hold
    case = in_progress(w)
    as_user(client, w.worker_a)
    # when they send the resolve dialog without a valid result
    response = client.post(f"/cases/{case.pk}/act/resolve/", {"result": "", "feedback": "单车已全部清走，通道恢复"})
    html = response.content.decode()
    # then the case page comes back with that dialog open, their words still in it, the problem beside the result
    case.refresh_from_db()
    assert case.state == State.IN_PROGRESS
    dialog = form_of(html, "resolve")
    assert "单车已全部清走，通道恢复</textarea>" in dialog
    assert 'class="error"' in dialog


def test_the_api_reveals_the_requesters_phone_to_the_handler_only(client, w):
    case = submit(w, actor=w.cstaff, channel="hotline", caller_name="李桂兰", caller_phone="13912345678")
    services.case_accept(actor=w.cstaff, case=case)
    case = services.case_dispatch(actor=w.cstaff, case=case)
    as_user(client, w.worker_b)
    assert client.post(f"/api/cases/{case.pk}/requester-contact", {}, content_type="application/json").status_code == 404
    as_user(client, w.worker_a)
    response = client.post(f"/api/cases/{case.pk}/requester-contact", {"reason": "回电"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json() == {"phone": "13912345678"}
    assert AuditEvent.objects.filter(action="cases.case.reveal_contact", actor=w.worker_a).count() == 1


def test_the_api_merges_by_reference_too(client, w):
    master, duplicate = submit(w), submit(w, actor=w.resident_2)
    as_user(client, w.cstaff)
    url = f"/api/cases/{duplicate.pk}/merge"
    refused = client.post(url, {"master_reference": "GZ1"}, content_type="application/json")
    assert refused.status_code == 400 and "master_reference" in refused.json()["fields"]
    response = client.post(url, {"master_reference": master.reference}, content_type="application/json")
    assert response.status_code == 200
    duplicate.refresh_from_db()
    assert duplicate.master == master
