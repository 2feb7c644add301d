"""Disputes (矛盾纠纷) over the API and the case page: parties with masked phones, mediation
sessions with mediators picked from people who exist (or named volunteers), the agreement,
escalation to collective mediation; scope as 404; bad input names the field."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.accounts.tests.factories import PASSWORD
from gongzhi.cases.models import Dispute, MediationSession
from gongzhi.cases.tests.factories import in_progress, world
from gongzhi.party.models import OrgKind
from gongzhi.party.tests.factories import member, organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    w = world()
    district = organization(None, kind=OrgKind.DISTRICT_COMMITTEE, area=w.district, name="区委")
    street = organization(district, kind=OrgKind.STREET_WORKING_COMMITTEE, area=w.street, name="街道党工委")
    committee = organization(street, kind=OrgKind.COMMUNITY_COMMITTEE, area=w.community, name="社区党委")
    branch_a = organization(committee, kind=OrgKind.BRANCH, area=w.grid_a, is_grid_branch=True, name="A网格党支部")
    w.users["member_a"] = member(branch_a, name="张党员")
    other_street = organization(district, kind=OrgKind.STREET_WORKING_COMMITTEE, area=w.street, name="另一党工委")
    w.users["member_elsewhere"] = member(
        organization(other_street, kind=OrgKind.BRANCH, area=w.grid_b, name="B网格党支部"), name="钱外人")
    return w


@pytest.fixture
def case(w):
    return in_progress(w, "neighbour-dispute", title="楼上漏水纠纷", description="楼上漏水损坏楼下吊顶")


def login(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def an_hour_ago() -> str:
    return (timezone.now() - dt.timedelta(hours=1)).replace(microsecond=0).isoformat()


def test_parties_a_session_with_an_agreement_and_escalation_over_the_api(client, w, case):
    login(client, w.worker_a)
    base = f"/api/cases/{case.pk}/dispute"
    assert client.get(base).json()["stage"] == "mediation"

    added = post(client, f"{base}/parties", {"role": "applicant", "name": "李建国", "phone": "13900001111",
                                             "household_id": w.household_a.pk})
    assert added.status_code == 201, added.content
    assert post(client, f"{base}/parties", {"role": "respondent", "name": "赵敏"}).status_code == 201

    offered = client.get(f"{base}/mediators").json()
    names = {p["name"]: p["kind"] for p in offered["people"]}
    assert names[str(w.worker_a2)] == "grid_worker" and names["张党员"] == "party_member"
    assert str(w.worker_b) not in names and "钱外人" not in names
    assert {k["kind"] for k in offered["named_kinds"]} == {"volunteer", "representative", "lawyer"}

    held = an_hour_ago()
    session = post(client, f"{base}/sessions", {
        "held_at": held, "place": "社区调解室", "summary": "双方同意由楼上赔偿", "outcome": "agreed",
        "agreement": "楼上赔偿修复费用800元",
        "mediators": [{"user_id": w.worker_a2.pk}, {"party_member_id": w.member_a.pk},
                      {"name": "王志愿", "kind": "volunteer"}],
    })
    assert session.status_code == 201, session.content
    body = session.json()
    assert body["outcome"] == "agreed" and body["agreement"] == "楼上赔偿修复费用800元"
    assert body["agreement_signed_at"] is not None
    recorded = body["sessions"][0]
    assert dt.datetime.fromisoformat(recorded["held_at"]) == dt.datetime.fromisoformat(held)
    assert [(m["name"], m["kind"]) for m in recorded["mediators"]] == [
        (str(w.worker_a2), "grid_worker"), ("张党员", "party_member"), ("王志愿", "volunteer")]
    assert recorded["mediators"][0]["user_id"] == w.worker_a2.pk
    assert recorded["mediators"][1]["party_member_id"] == w.member_a.pk

    moved = post(client, f"{base}/escalate", {"stage": "collective", "reason": "到议事站集体劝解"})
    assert moved.status_code == 200, moved.content
    assert moved.json()["stage"] == "collective" and moved.json()["outcome"] == "pending"

    shown = client.get(base).json()
    parties = {p["name"]: p for p in shown["parties"]}
    assert parties["李建国"]["phone_masked"] == "139****1111" and parties["李建国"]["role"] == "applicant"
    assert parties["李建国"]["household_id"] == w.household_a.pk
    assert "13900001111" not in client.get(base).content.decode()
    assert len(shown["sessions"]) == 1 and shown["agreement"] == "楼上赔偿修复费用800元"
    timeline = [e["action"] for e in client.get(f"/api/cases/{case.pk}").json()["timeline"]]
    assert timeline[-4:] == ["dispute_party", "dispute_party", "mediation", "dispute_escalate"]


def test_another_grids_worker_gets_404_for_the_dispute(client, w, case):
    login(client, w.worker_b)
    base = f"/api/cases/{case.pk}/dispute"
    responses = [
        client.get(base), client.get(f"{base}/mediators"),
        post(client, f"{base}/parties", {"role": "applicant", "name": "李建国"}),
        post(client, f"{base}/sessions", {"held_at": an_hour_ago(), "summary": "x", "outcome": "failed",
                                          "mediators": [{"name": "王志愿", "kind": "volunteer"}]}),
        post(client, f"{base}/escalate", {"stage": "collective", "reason": "x"}),
    ]
    assert [r.status_code for r in responses] == [404] * 5
    assert {r.json()["code"] for r in responses} == {"not_found"}
    assert not Dispute.objects.get(case=case).parties.exists()
    assert not MediationSession.objects.exists()


@pytest.mark.parametrize(("change", "field"), [
    ({"held_at": "FUTURE"}, "held_at"),
    ({"held_at": "2026-01-01T10:00:00"}, "held_at"),  # no time zone
    ({"mediators": []}, "mediators"),
    ({"mediators": [{"name": "网格员", "kind": "grid_worker"}]}, "mediators"),  # a grid worker is picked, not typed
    ({"mediators": [{"user_id": "WORKER_B"}]}, "mediators"),  # not of this area
    ({"mediators": [{"party_member_id": "ELSEWHERE"}]}, "mediators"),
    ({"outcome": "agreed", "agreement": ""}, "agreement"),
    ({"summary": " "}, "summary"),
])
def test_bad_session_input_names_the_field_and_records_nothing(client, w, case, change, field):
    body = {"held_at": an_hour_ago(), "summary": "双方各执一词", "outcome": "failed",
            "mediators": [{"name": "王志愿", "kind": "volunteer"}], **change}
    if body["held_at"] == "FUTURE":
        body["held_at"] = (timezone.now() + dt.timedelta(hours=2)).isoformat()
    ids = {"WORKER_B": w.worker_b.pk, "ELSEWHERE": w.member_elsewhere.pk}
    body["mediators"] = [{k: ids.get(v, v) for k, v in m.items()} for m in body["mediators"]]
    login(client, w.worker_a)
    response = post(client, f"/api/cases/{case.pk}/dispute/sessions", body)
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"] and response.json()["message"]
    assert not MediationSession.objects.exists()


def test_escalation_names_the_stage_and_a_case_that_is_no_dispute_has_none(client, w, case):
    login(client, w.worker_a)
    backwards = post(client, f"/api/cases/{case.pk}/dispute/escalate", {"stage": "mediation", "reason": "x"})
    assert backwards.status_code == 400 and "stage" in backwards.json()["fields"]
    other = in_progress(w)
    assert client.get(f"/api/cases/{other.pk}/dispute").status_code == 404


def test_the_case_page_records_a_session_with_picked_and_named_mediators(client, w, case):
    login(client, w.worker_a)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'value="user:{w.worker_a2.pk}"' in page and f'value="member:{w.member_a.pk}"' in page
    assert f'value="user:{w.worker_b.pk}"' not in page and 'type="datetime-local"' in page

    held = timezone.localtime() - dt.timedelta(hours=2)
    response = client.post(f"/cases/{case.pk}/act/mediation/", {
        "mediator": [f"user:{w.worker_a2.pk}", f"member:{w.member_a.pk}"],
        "other_name": ["刘代表", ""], "other_kind": ["representative", "volunteer"],
        "held_at": held.strftime("%Y-%m-%dT%H:%M"), "place": "议事厅", "summary": "初次调解",
        "outcome": "failed", "agreement": "",
    }, follow=True)
    assert response.status_code == 200
    session = MediationSession.objects.get()
    assert session.held_at == held.replace(second=0, microsecond=0)
    assert [(m["name"], m["kind"]) for m in session.mediators] == [
        (str(w.worker_a2), "grid_worker"), ("张党员", "party_member"), ("刘代表", "representative")]
    shown = response.content.decode()
    assert "初次调解" in shown and "刘代表" in shown and held.strftime("%Y-%m-%d %H:%M") in shown


def test_the_case_page_refuses_a_session_in_the_future(client, w, case):
    login(client, w.worker_a)
    later = timezone.localtime() + dt.timedelta(days=1)
    response = client.post(f"/cases/{case.pk}/act/mediation/", {
        "other_name": ["王志愿"], "other_kind": ["volunteer"], "held_at": later.strftime("%Y-%m-%dT%H:%M"),
        "summary": "x", "outcome": "failed",
    }, follow=True)
    assert [str(m) for m in response.context["messages"]]
    assert not MediationSession.objects.exists()


def test_disputes_in_the_admin_are_read_only_scoped_and_mask_phones(client, w, case):
    from gongzhi.cases import services
    from gongzhi.cases.tests.factories import dispatched

    services.dispute_add_party(actor=w.worker_a, case=case, role="applicant", name="李建国", phone="13900001111")
    services.dispute_record_session(actor=w.worker_a, case=case, held_at=timezone.now(), summary="初次调解",
                                    outcome="failed", mediators=[{"name": "王志愿", "kind": "volunteer"}])
    elsewhere = dispatched(w, "neighbour-dispute", where="building_b")
    mine, other = Dispute.objects.get(case=case), Dispute.objects.get(case=elsewhere)

    login(client, w.worker_a)
    listing = client.get("/admin/cases/dispute/")
    assert listing.status_code == 200
    assert {d.pk for d in listing.context["cl"].result_list} == {mine.pk}
    page = client.get(f"/admin/cases/dispute/{mine.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "李建国" in html and "139****1111" in html and "13900001111" not in html
    assert "王志愿" in html and "初次调解" in html
    assert client.get(f"/admin/cases/dispute/{other.pk}/change/").status_code == 404
    assert client.post(f"/admin/cases/dispute/{mine.pk}/change/", {"stage": "judicial"}).status_code == 403
    assert client.get("/admin/cases/dispute/add/").status_code == 403
    mine.refresh_from_db()
    assert mine.stage == "mediation"


def test_a_dispute_sent_to_the_judicial_office_does_not_go_back_and_the_docs_list_the_endpoints(client, w, case):
    login(client, w.worker_a)
    base = f"/api/cases/{case.pk}/dispute"
    assert post(client, f"{base}/escalate", {"stage": "judicial", "reason": "议事站调解未果"}).json()["stage"] == "judicial"
    again = post(client, f"{base}/escalate", {"stage": "collective", "reason": "退回"})
    assert again.status_code == 400 and "stage" in again.json()["fields"]
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/cases/{case_id}/dispute", "/api/cases/{case_id}/dispute/parties",
            "/api/cases/{case_id}/dispute/sessions", "/api/cases/{case_id}/dispute/escalate",
            "/api/cases/{case_id}/dispute/mediators"} <= set(paths)


def test_a_party_from_a_household_outside_the_handlers_area_or_with_a_bad_phone_is_refused(w, case):
    from gongzhi.cases import services
    from gongzhi.cases.models import DisputeParty
    from gongzhi.core.errors import InvalidInput

    # given grid A's worker handling the dispute
    # when they name a party living in grid B's household, or a household that is no household
    for household in (w.household_b, w.building_a):
        with pytest.raises(InvalidInput) as error:
            services.dispute_add_party(actor=w.worker_a, case=case, role="applicant", name="王某",
                                       household=household)
        assert "household_id" in error.value.fields
    # or a phone that is no phone
    with pytest.raises(InvalidInput) as error:
        services.dispute_add_party(actor=w.worker_a, case=case, role="applicant", name="王某", phone="123")
    assert "phone" in error.value.fields
    # then nothing was written
    assert not DisputeParty.objects.exists()
    # and a household of grid A is taken
    services.dispute_add_party(actor=w.worker_a, case=case, role="applicant", name="王某", phone="13900001111",
                               household=w.household_a)
    assert DisputeParty.objects.get().household == w.household_a
