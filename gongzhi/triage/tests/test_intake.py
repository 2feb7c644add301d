"""Triage plugs into the case intake (extension point "cases.intake.suggest"): the active model suggests the matter, routes what it is sure of, leaves the rest
to the dispatcher with its reasons; the dispatcher's correction is the label it learns from; possible
duplicates are offered for merging."""

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.utils import timezone

from gongzhi.cases import selectors, services
from gongzhi.cases.models import Case, CaseEvent, Channel, State
from gongzhi.cases.tests.factories import SYSTEM, category, submit, world
from gongzhi.cases.tests.test_api import HOTLINE_FILING, login
from gongzhi.core.actors import SystemActor
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput
from gongzhi.core.models import AuditEvent
from gongzhi.triage import services as triage_services
from gongzhi.triage.services import training_rows_from_cases

pytestmark = pytest.mark.django_db

# Catalogue matters with words of their own, for a small synthetic model (never real data).
VOCABULARY = {
    "garbage-collection": ["垃圾", "清运", "垃圾桶", "异味", "垃圾站", "堆放", "苍蝇", "满溢"],
    "neighbour-noise": ["噪音", "扰民", "吵闹", "睡不着", "音响", "半夜", "敲打", "跺脚"],
    "illegal-parking": ["停车", "乱停", "车位", "挡住", "占道", "堵住", "违停", "私家车"],
    "water-supply": ["停水", "水压", "自来水", "没水", "水管", "水龙头", "供水", "缺水"],
}
FILLER = ["居民反映", "希望尽快处理", "已经持续很久", "麻烦看一下", "影响生活", "谢谢"]


def texts(n_per_matter: int = 30, seed: int = 0):
    rng = random.Random(seed)
    titles, bodies, labels = [], [], []
    for _ in range(n_per_matter):
        for code, words in VOCABULARY.items():
            parts = rng.sample(words, 4) + rng.sample(FILLER, 2)
            rng.shuffle(parts)
            titles.append("")
            bodies.append("，".join(parts))
            labels.append(code)
    return titles, bodies, labels


def active_model():
    titles, bodies, labels = texts()
    return triage_services.triage_model_train(
        actor=SystemActor(label="test"), titles=titles, texts=bodies, labels=labels, folds=3, activate=True
    )


GARBAGE = {"title": "垃圾没人清运", "description": "楼下垃圾站垃圾堆放满溢，异味很大，苍蝇很多，垃圾桶也满了"}


def test_a_request_without_a_matter_gets_triages_choice_and_is_routed_when_sure(settings):
    # given an active model and a threshold it clears
    w = world()
    active_model()
    settings.CASES_TRIAGE_AUTO_ROUTE_CONFIDENCE = 0.5
    # when a resident files without choosing a matter
    case = services.case_submit(actor=w.resident, channel=Channel.ONLINE, category=None,
                                location=w.building_a, **GARBAGE)
    # then triage chose the matter, routed it to the grid and kept its reasons
    case.refresh_from_db()
    assert case.category.code == "garbage-collection"
    assert case.auto_routed and case.state == State.DISPATCHED and case.area == w.grid_a
    assert case.triage["requested"] == "" and case.triage["top3"][0]["label"] == "garbage-collection"
    assert len(case.triage["top3"]) == 3 and case.triage["explanation"]
    events = list(CaseEvent.objects.filter(case=case).order_by("id").values_list("action", "actor_label"))
    assert events == [("submit", w.resident.username), ("accept", "triage"), ("dispatch", "triage")]


def test_below_the_threshold_the_request_waits_for_a_dispatcher(settings):
    w = world()
    active_model()
    settings.CASES_TRIAGE_AUTO_ROUTE_CONFIDENCE = 1.01  # never sure enough
    case = services.case_submit(actor=w.resident, channel=Channel.ONLINE, category=None,
                                location=w.building_a, **GARBAGE)
    assert case.state == State.SUBMITTED and not case.auto_routed
    assert case.category.code == "garbage-collection"  # the best guess, for the dispatcher to confirm
    assert case in selectors.inbox(user=w.cstaff, box="triage")


def test_a_requesters_own_choice_is_never_overridden_by_triage(settings):
    w = world()
    active_model()
    settings.CASES_TRIAGE_AUTO_ROUTE_CONFIDENCE = 0.5
    case = services.case_submit(actor=w.resident, channel=Channel.ONLINE, category=category("neighbour-noise"),
                                location=w.building_a, **GARBAGE)
    assert case.category.code == "neighbour-noise" and case.state == State.SUBMITTED and not case.auto_routed
    shown = selectors.triage_display(case)
    assert shown["requested"] == "neighbour-noise" and shown["top3"][0]["code"] == "garbage-collection"


def test_without_a_model_the_matter_must_be_chosen():
    w = world()
    with pytest.raises(InvalidInput) as error:
        services.case_submit(actor=w.resident, channel=Channel.ONLINE, category=None,
                             location=w.building_a, **GARBAGE)
    assert "category" in error.value.fields
    assert not Case.objects.exists()


def test_the_dispatchers_correction_changes_the_rules_and_becomes_the_training_label():
    # given a request filed under the wrong matter
    w = world()
    case = submit(w, "neighbour-noise", **GARBAGE)
    old_due = case.handling_due
    # when the community corrects it
    case = services.case_recategorise(actor=w.cstaff, case=case, category=category("garbage-collection"),
                                      note="实为垃圾清运")
    # then the case runs by the new matter's rules, with an event and an audit entry
    assert case.category.code == "garbage-collection" and case.rule.category.code == "garbage-collection"
    assert case.handling_due != old_due
    event = CaseEvent.objects.filter(case=case, action="recategorise").get()
    assert event.params["from"] == "neighbour-noise" and event.params["to"] == "garbage-collection"
    assert AuditEvent.objects.filter(action="cases.case.recategorise", object_id=str(case.pk)).exists()
    # and once closed, the corrected matter is what triage trains on
    Case.objects.filter(pk=case.pk).update(state=State.CLOSED)
    assert [row.label for row in training_rows_from_cases()] == ["garbage-collection"]


def test_only_triage_staff_change_the_matter_and_only_before_dispatch():
    w = world()
    case = submit(w, "neighbour-noise", **GARBAGE)
    with pytest.raises(Forbidden):
        services.case_recategorise(actor=w.resident, case=case, category=category("garbage-collection"))
    with pytest.raises(InvalidInput) as error:
        services.case_recategorise(actor=w.cstaff, case=case, category=category("neighbour-noise"))
    assert "category" in error.value.fields
    services.case_accept(actor=w.cstaff, case=case)
    services.case_dispatch(actor=w.cstaff, case=case)
    with pytest.raises(Conflict):
        services.case_recategorise(actor=w.cstaff, case=case, category=category("garbage-collection"))
    assert Case.objects.get(pk=case.pk).category.code == "neighbour-noise"


def test_similar_open_requests_nearby_are_offered_as_duplicates():
    # given an open request about rubbish at building A1
    w = world()
    first = submit(w, "garbage-collection", title="A1楼下垃圾堆放", description="A1号楼下垃圾堆放好几天没人清运，异味很大")
    unrelated = submit(w, "street-lights", title="路灯不亮", description="小区门口路灯坏了一个星期")
    other_grid = submit(w, "garbage-collection", where="building_b", title="B1楼下垃圾",
                        description="B1号楼下垃圾堆放好几天没人清运，异味很大")
    # when another resident reports the same
    second = submit(w, "garbage-collection", actor=w.resident_2, title="垃圾没人清运",
                    description="A1号楼下垃圾堆放了好几天，一直没人清运，味道很大")
    # then the community sees the first (and the same matter in its other grid), not the unrelated one
    found = selectors.similar_open_cases(user=w.cstaff, case=second)
    cases = [item["case"] for item in found]
    assert cases[0] == first and unrelated not in cases and other_grid in cases
    assert found[0]["similarity"] > found[-1]["similarity"] or len(found) == 1
    # a grid worker of grid B sees nothing of grid A
    assert first not in [item["case"] for item in selectors.similar_open_cases(user=w.worker_b, case=other_grid)]
    # and merging follows the offer
    services.case_merge(actor=w.cstaff, case=second, master=first)
    assert Case.objects.get(pk=second.pk).master == first


def test_the_case_page_shows_the_suggestion_and_duplicates_to_staff_only(client, settings):
    w = world()
    active_model()
    settings.CASES_TRIAGE_AUTO_ROUTE_CONFIDENCE = 1.01
    first = submit(w, "garbage-collection", **GARBAGE)
    case = services.case_submit(actor=w.resident_2, channel=Channel.ONLINE, category=None,
                                location=w.building_a, **GARBAGE)
    client.force_login(w.cstaff)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="triage"' in page and 'id="similar"' in page and first.reference in page
    assert "/act/recategorise/" in page
    client.force_login(w.resident_2)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="triage"' not in page and 'id="similar"' not in page


def test_the_form_offers_recognition_and_the_page_recategorises(client, settings):
    w = world()
    active_model()
    settings.CASES_TRIAGE_AUTO_ROUTE_CONFIDENCE = 1.01
    client.force_login(w.resident)
    assert 'value="auto"' in client.get("/cases/new/").content.decode()
    response = client.post("/cases/new/", {"channel": "online", "category": "auto", "location": w.building_a.pk,
                                           **GARBAGE})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.category.code == "garbage-collection" and case.triage["requested"] == ""
    client.force_login(w.cstaff)
    client.post(f"/cases/{case.pk}/act/recategorise/", {"category": category("water-supply").pk, "note": "x"})
    assert Case.objects.get(pk=case.pk).category.code == "water-supply"


def test_the_api_files_without_a_matter_and_shows_triage_to_staff(client, settings):
    w = world()
    active_model()
    settings.CASES_TRIAGE_AUTO_ROUTE_CONFIDENCE = 0.5
    client.force_login(w.resident)
    response = client.post("/api/cases/", {"channel": "online", "location_id": w.building_a.pk, **GARBAGE},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    filed = response.json()
    assert filed["category"] == "garbage-collection" and filed["auto_routed"] is True
    assert filed["state"] == State.DISPATCHED
    assert client.get(f"/api/cases/{filed['id']}").json()["triage"] is None  # the requester's view
    client.force_login(w.cstaff)
    detail = client.get(f"/api/cases/{filed['id']}").json()
    assert detail["triage"]["top3"][0]["label"] == "garbage-collection"


def test_the_api_recategorises_and_lists_similar_cases(client):
    w = world()
    first = submit(w, "garbage-collection", **GARBAGE)
    second = submit(w, "neighbour-noise", actor=w.resident_2, **GARBAGE)
    client.force_login(w.cstaff)
    similar = client.get(f"/api/cases/{second.pk}/similar").json()
    assert [row["case"]["id"] for row in similar] == [first.pk]
    bad = client.post(f"/api/cases/{second.pk}/recategorise", {"category": "nonsense"},
                      content_type="application/json")
    assert bad.status_code == 400 and "category" in bad.json()["fields"]
    done = client.post(f"/api/cases/{second.pk}/recategorise", {"category": "garbage-collection"},
                       content_type="application/json")
    assert done.status_code == 200 and done.json()["category"] == "garbage-collection"
    client.force_login(w.worker_b)
    assert client.get(f"/api/cases/{second.pk}/similar").status_code == 404


def test_a_system_actor_may_file_without_a_matter_only_with_a_model():
    w = world()
    with pytest.raises(InvalidInput):
        services.case_submit(actor=SYSTEM, channel=Channel.PATROL, category=None, location=w.building_a, **GARBAGE)


def test_how_triage_did_is_counted_from_closed_cases_on_page_and_api(client, settings):
    # given three closed cases triage suggested for: one routed by itself, one corrected by the
    # dispatcher to its second guess, one corrected to a matter outside its three
    w = world()
    active_model()
    settings.CASES_TRIAGE_AUTO_ROUTE_CONFIDENCE = 0.5
    routed = services.case_submit(actor=w.resident, channel=Channel.ONLINE, category=None,
                                  location=w.building_a, **GARBAGE)
    settings.CASES_TRIAGE_AUTO_ROUTE_CONFIDENCE = None
    second = services.case_submit(actor=w.resident, channel=Channel.ONLINE, category=None,
                                  location=w.building_a, **GARBAGE)
    second_guess = second.triage["top3"][1]["label"]
    services.case_recategorise(actor=w.cstaff, case=second, category=category(second_guess))
    outside = services.case_submit(actor=w.resident, channel=Channel.ONLINE, category=None,
                                   location=w.building_a, **GARBAGE)
    services.case_recategorise(actor=w.cstaff, case=outside, category=category("street-lights"))
    open_case = services.case_submit(actor=w.resident, channel=Channel.ONLINE, category=None,
                                     location=w.building_a, **GARBAGE)
    Case.objects.exclude(pk=open_case.pk).update(state=State.CLOSED)
    # when the community reads the figures
    today = timezone.localdate(routed.created_at)
    data = selectors.triage_outcomes(user=w.cstaff, node=w.community, start=routed.created_at.replace(hour=0),
                                     end=routed.created_at.replace(hour=0) + dt.timedelta(days=2))
    # then only closed cases count, each the way it went
    assert data["closed_with_suggestion"] == 3 and data["auto_routed"] == 1
    assert data["first_guess_right"] == Decimal("0.3333") and data["within_three"] == Decimal("0.6667")
    assert data["auto_routed_kept"] == Decimal("1.0000")
    client.force_login(w.cstaff)
    api = client.get("/api/cases/triage-outcomes", {"node_id": w.community.pk, "start": today, "end": today}).json()
    assert api["closed_with_suggestion"] == 3 and api["within_three"] == 0.6667
    page = client.get("/cases/figures/", {"node": w.community.pk, "start": today, "end": today}).content.decode()
    assert 'id="triage-outcomes"' in page and "33.3%" in page and "66.7%" in page
    # and grid B's worker cannot read grid A's community
    client.force_login(w.worker_b)
    assert client.get("/api/cases/triage-outcomes",
                      {"node_id": w.community.pk, "start": today, "end": today}).status_code in (403, 404)


def test_the_duplicates_list_costs_the_same_queries_for_one_or_many(client, django_assert_max_num_queries):
    # given a request and similar ones already claimed by a grid worker
    w = world()
    case = submit(w, "garbage-collection", **GARBAGE)
    for _ in range(4):
        other = submit(w, "garbage-collection", actor=w.resident_2, **GARBAGE)
        services.case_accept(actor=w.cstaff, case=other)
        services.case_dispatch(actor=w.cstaff, case=other)
        services.case_claim(actor=w.worker_a, case=other)
    client.force_login(w.cstaff)
    client.get(f"/api/cases/{case.pk}/similar")  # warm up
    # when the community lists the duplicates, then the rows come with their holders in the same query
    with django_assert_max_num_queries(8):
        rows = client.get(f"/api/cases/{case.pk}/similar").json()
    assert len(rows) == 4 and all(row["case"]["assignee"] for row in rows)


def test_leaving_the_matter_to_triage_without_a_description_asks_for_the_description():
    w = world()
    active_model()
    with pytest.raises(InvalidInput) as error:
        services.case_submit(actor=w.resident, channel=Channel.ONLINE, category=None, location=w.building_a,
                             title="垃圾", description="  ")
    assert "description" in error.value.fields
    assert not Case.objects.exists()


def test_the_filing_answer_shows_triage_to_staff_but_not_to_the_requester(client):
    w = world()
    active_model()
    login(client, w.resident)
    mine = client.post("/api/cases/", {"channel": "online", "category": "garbage-collection",
                                       "location_id": w.building_a.pk, **GARBAGE}, content_type="application/json")
    assert mine.status_code == 201, mine.content
    assert mine.json()["triage"] is None
    login(client, w.cstaff)
    theirs = client.post("/api/cases/", {**HOTLINE_FILING, "category": "garbage-collection", **GARBAGE,
                                         "answers": {}, "location_id": w.building_a.pk},
                         content_type="application/json")
    assert theirs.status_code == 201, theirs.content
    assert theirs.json()["triage"]["top3"][0]["label"] == "garbage-collection"
