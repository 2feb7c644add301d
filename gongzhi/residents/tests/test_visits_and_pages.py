"""Door visits, the grid roster (not visited in N days), the household card and person pages."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongzhi.core.errors import InvalidInput
from gongzhi.residents import selectors, services
from gongzhi.residents.models import Visit, VisitPhoto

from .factories import person

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_grid_worker_records_a_visit_with_photo_from_the_page(client, w):
    client.force_login(w["grid_worker_a"])
    household = w["household_a"]
    form = client.get(f"/residents/households/{household.pk}/visits/new/")
    assert form.status_code == 200 and 'name="photos"' in form.content.decode()
    response = client.post(
        f"/residents/households/{household.pk}/visits/new/",
        {"people_met": [str(w["person_a"].pk)], "findings": "屋顶漏水，需要维修", "follow_up_needed": "on",
         "photos": [SimpleUploadedFile("roof.png", PNG, content_type="image/png")]},
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.visitor == w["grid_worker_a"] and visit.follow_up_needed
    assert list(visit.people_met.all()) == [w["person_a"]]
    photo = visit.photos.get()
    assert photo.content_type == "image/png" and "roof" not in photo.file.name
    # the photo is served through the scope only
    assert client.get(f"/residents/photos/{photo.pk}/").status_code == 200
    client.force_login(w["grid_worker_b"])
    assert client.get(f"/residents/photos/{photo.pk}/").status_code == 404
    # and it waits to be turned into a request
    assert list(selectors.visits_needing_follow_up(user=w["community_staff"])) == [visit]
    services.visit_link_case(actor=w["community_staff"], visit=visit, case_ref="MQ-2026-0001")
    assert not selectors.visits_needing_follow_up(user=w["community_staff"]).exists()


def test_photos_must_be_images_of_limited_size(w):
    fake = SimpleUploadedFile("x.png", b"MZ\x90\x00 not an image", content_type="image/png")
    with pytest.raises(InvalidInput):
        services.visit_create(actor=w["grid_worker_a"], household=w["household_a"], findings="x", photos=[fake])
    big = SimpleUploadedFile("x.png", PNG + b"\x00" * (8 * 1024 * 1024), content_type="image/png")
    with pytest.raises(InvalidInput):
        services.visit_create(actor=w["grid_worker_a"], household=w["household_a"], findings="x", photos=[big])
    assert not Visit.objects.exists() and not VisitPhoto.objects.exists()


def test_roster_lists_households_not_visited_in_n_days(client, w):
    from gongzhi.areas.tests.factories import child

    second = child(w["unit_a"], name="102室")
    person(second)
    services.visit_create(actor=w["grid_worker_a"], household=w["household_a"], findings="一切正常")
    old = services.visit_create(actor=w["grid_worker_a"], household=second, findings="老人身体不好",
                                visited_at=timezone.now() - datetime.timedelta(days=45))
    assert old.pk
    worker = w["grid_worker_a"]
    not_visited = selectors.households_visible(user=worker, not_visited_days=30)
    assert list(not_visited) == [second]
    assert list(selectors.households_visible(user=worker, not_visited_days=60)) == []
    client.force_login(worker)
    page = client.get("/residents/", {"not_visited": "1", "days": "30"}).content.decode()
    assert "102室" in page and "101室" not in page
    api = client.get("/api/residents/households", {"not_visited_days": 30}).json()
    assert [h["id"] for h in api["items"]] == [second.pk]


def test_roster_filters_by_tag_and_search(client, w):
    services.person_tag_add(actor=w["community_staff"], person=w["person_b"], kind="subsistence")
    client.force_login(w["community_staff"])
    page = client.get("/residents/", {"tag": "subsistence"}).content.decode()
    assert "B1号楼" in page and "A1号楼" not in page
    page = client.get("/residents/", {"q": "zs"}).content.decode()
    assert "A1号楼" in page and "B1号楼" not in page


def test_household_card_shows_members_tags_visits_and_saves_dwelling(client, w):
    staff = w["community_staff"]
    services.person_tag_add(actor=staff, person=w["person_a"], kind="disabled")
    services.visit_create(actor=w["grid_worker_a"], household=w["household_a"], findings="门口堆放杂物")
    client.force_login(staff)
    url = f"/residents/households/{w['household_a'].pk}/"
    page = client.get(url).content.decode()
    assert "张三" in page and "门口堆放杂物" in page and w["person_a"].id_number_masked in page
    response = client.post(url, {"tenure": "rented", "floor_area": "65.5", "notes": "出租户"})
    assert response.status_code == 302
    assert w["household_a"].household_card.tenure == "rented"


def test_person_page_actions(client, w):
    staff = w["community_staff"]
    client.force_login(staff)
    p = w["person_a"]
    assert client.post(f"/residents/people/{p.pk}/tag/", {"kind": "veteran"}).status_code == 302
    bad = client.post(f"/residents/people/{p.pk}/death/", {"date": "2999-01-01"})
    assert bad.status_code == 400
    assert client.post(f"/residents/people/{p.pk}/transfer/", {"household_code": w["household_b"].code}).status_code == 302
    p.refresh_from_db()
    assert p.household == w["household_b"]
    page = client.get(f"/residents/people/{p.pk}/").content.decode()
    assert "veteran" in page or "退役军人" in page
    assert client.post(f"/residents/people/{p.pk}/move-out/", {"place": "上海"}).status_code == 302
    p.refresh_from_db()
    assert p.status == "moved_out"


def test_register_and_edit_a_person_from_the_pages(client, w):
    from .factories import id_number

    client.force_login(w["grid_worker_a"])
    number = id_number(born=datetime.date(2015, 3, 3), male=True)
    response = client.post(
        f"/residents/households/{w['household_a'].pk}/people/new/",
        {"name": "张小明", "id_number": number, "phone": "", "residence_type": "registered", "relation": "child"},
    )
    assert response.status_code == 302
    kid = selectors.people_visible(user=w["grid_worker_a"], q="zxm").get()
    assert kid.birth_date == datetime.date(2015, 3, 3) and kid.gender == "male"
    response = client.post(
        f"/residents/people/{kid.pk}/edit/",
        {"name": "张小明", "residence_type": "registered", "relation": "child", "occupation": "学生"},
    )
    assert response.status_code == 302
    kid.refresh_from_db()
    assert kid.occupation == "学生" and kid.id_number == number  # empty ID field keeps the number


def test_api_create_update_tags_and_visits(client, w):
    client.force_login(w["grid_worker_a"])
    created = client.post(
        "/api/residents/people",
        {"household_id": w["household_a"].pk, "name": "王五", "relation": "spouse", "phone": "13700000001"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["phone"] == "137****0001"
    pk = body["id"]
    assert client.patch(f"/api/residents/people/{pk}", {"occupation": "司机"}, content_type="application/json").json()[
        "occupation"
    ] == "司机"
    tag = client.post(f"/api/residents/people/{pk}/tags", {"kind": "unemployed"}, content_type="application/json")
    assert tag.status_code == 201
    ended = client.post(f"/api/residents/tags/{tag.json()['id']}/end", {}, content_type="application/json")
    assert ended.json()["end_on"] == str(timezone.localdate())
    visit = client.post(
        f"/api/residents/households/{w['household_a'].pk}/visits",
        {"people_met": [pk], "findings": "失业，想找工作", "follow_up_needed": True}, content_type="application/json",
    )
    assert visit.status_code == 201, visit.content
    photos = client.post(f"/api/residents/visits/{visit.json()['id']}/photos",
                         {"photos": [SimpleUploadedFile("a.png", PNG)]})
    assert photos.status_code == 201 and len(photos.json()["photos"]) == 1
    card = client.get(f"/api/residents/households/{w['household_a'].pk}").json()
    assert {p["name"] for p in card["residents"]} == {"张三", "王五"} and len(card["visits"]) == 1


def test_visit_findings_become_a_request_in_the_case_pipeline(client, w):
    from gongzhi.cases.models import Case
    from gongzhi.residents.views import _case_categories

    category = next(iter(_case_categories()), None)
    if category is None:
        pytest.skip("the case catalogue is not seeded")
    visit = services.visit_create(actor=w["grid_worker_a"], household=w["household_a"], people_met=[w["person_a"]],
                                  findings="楼顶漏水，雨天渗到卧室", follow_up_needed=True)
    client.force_login(w["grid_worker_a"])
    card = client.get(f"/residents/households/{w['household_a'].pk}/").content.decode()
    assert f"/residents/visits/{visit.pk}/raise/" in card
    response = client.post(f"/residents/visits/{visit.pk}/raise/", {"category": category.pk})
    assert response.status_code == 302
    visit.refresh_from_db()
    case = Case.objects.get()
    assert visit.case_ref == case.reference and not visit.follow_up_needed
    assert case.channel == "visit" and case.location == w["household_a"]
    card = client.get(f"/residents/households/{w['household_a'].pk}/").content.decode()
    assert case.reference in card
    _no_leak = w["person_a"]
    assert _no_leak.phone not in card and _no_leak.id_number not in card


def _png(name="p.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def test_a_visit_holds_at_most_nine_photos_and_each_added_photo_is_audited(w):
    from gongzhi.core.models import AuditEvent

    worker = w["grid_worker_a"]
    visit = services.visit_create(actor=worker, household=w["household_a"], findings="墙皮脱落",
                                  photos=[_png() for _ in range(8)])
    photo = services.visit_photo_add(actor=worker, visit=visit, file=_png("门口.png"))
    assert photo.visit == visit and "门口" not in photo.file.name
    event = AuditEvent.objects.get(action="residents.visit.photo_add")
    assert event.actor == worker and event.object_id == str(visit.pk) and event.after["photo"] == photo.pk
    with pytest.raises(InvalidInput) as refused:  # the tenth
        services.visit_photo_add(actor=worker, visit=visit, file=_png())
    assert "photos" in refused.value.fields
    with pytest.raises(InvalidInput):  # several at once: all or none
        services.visit_photos_add(actor=w["community_staff"], visit=visit, files=[_png()])
    assert visit.photos.count() == 9
    assert AuditEvent.objects.filter(action="residents.visit.photo_add").count() == 1


def test_visit_photos_outside_the_scope_or_by_a_viewer_are_refused(w):
    from gongzhi.core.errors import Forbidden, NotFound

    from .factories import user

    visit = services.visit_create(actor=w["grid_worker_a"], household=w["household_a"], findings="x")
    with pytest.raises(NotFound):
        services.visit_photo_add(actor=w["grid_worker_b"], visit=visit, file=_png())
    inspector = user("inspector", nodes=[w["community"]])
    with pytest.raises(Forbidden):
        services.visit_photo_add(actor=inspector, visit=visit, file=_png())
    assert not VisitPhoto.objects.exists()


def test_the_photo_api_writes_through_the_service(client, w):
    from gongzhi.core.models import AuditEvent

    visit = services.visit_create(actor=w["grid_worker_a"], household=w["household_a"], findings="x",
                                  photos=[_png() for _ in range(8)])
    client.force_login(w["grid_worker_a"])
    response = client.post(f"/api/residents/visits/{visit.pk}/photos", {"photos": [_png(), _png()]})
    assert response.status_code == 400 and response.json()["fields"]["photos"]
    response = client.post(f"/api/residents/visits/{visit.pk}/photos", {"photos": [_png()]})
    assert response.status_code == 201 and len(response.json()["photos"]) == 9
    assert AuditEvent.objects.filter(action="residents.visit.photo_add", actor=w["grid_worker_a"]).count() == 1


def _with_extensions(monkeypatch, points: dict):
    from gongzhi.core import components

    real = components.extensions
    monkeypatch.setattr(components, "extensions", lambda point: points[point] if point in points else real(point))


def test_without_the_case_pipeline_no_request_can_be_raised_from_a_visit(client, w, monkeypatch):
    _with_extensions(monkeypatch, {"residents.visit.raise_case": [], "residents.household.cases": [],
                                   "residents.visit.case_categories": []})
    visit = services.visit_create(actor=w["grid_worker_a"], household=w["household_a"], findings="漏水",
                                  follow_up_needed=True)
    client.force_login(w["grid_worker_a"])
    page = client.get(f"/residents/households/{w['household_a'].pk}/")
    assert page.status_code == 200 and f"/residents/visits/{visit.pk}/raise/" not in page.content.decode()
    assert client.post(f"/residents/visits/{visit.pk}/raise/", {"category": "1"}).status_code == 404


def test_raising_a_request_goes_through_the_extension_point(client, w, monkeypatch):
    from types import SimpleNamespace

    from django.contrib.messages import get_messages

    calls = []

    def raise_case(*, actor, visit, category_id, title):
        calls.append((actor, visit.pk, category_id, title))
        if not category_id:
            raise InvalidInput("Choose the matter of the request.", fields={"category": ["Choose the matter of the request."]})
        services.visit_link_case(actor=actor, visit=visit, case_ref="MQ-TEST-1")
        return SimpleNamespace(reference="MQ-TEST-1")

    _with_extensions(monkeypatch, {"residents.visit.raise_case": [raise_case]})
    visit = services.visit_create(actor=w["grid_worker_a"], household=w["household_a"], findings="漏水",
                                  follow_up_needed=True)
    client.force_login(w["grid_worker_a"])
    url = f"/residents/visits/{visit.pk}/raise/"
    response = client.post(url, {})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Choose the matter of the request."]
    response = client.post(url, {"category": "7", "title": "屋顶漏水"})
    assert response.status_code == 302 and response.url == f"/residents/households/{w['household_a'].pk}/"
    assert calls[-1] == (w["grid_worker_a"], visit.pk, 7, "屋顶漏水")
    visit.refresh_from_db()
    assert visit.case_ref == "MQ-TEST-1" and not visit.follow_up_needed
    client.force_login(w["grid_worker_b"])  # outside the scope: 404, the provider is not asked
    assert client.post(url, {"category": "7"}).status_code == 404 and len(calls) == 2


def test_the_household_page_shows_the_card_changes_in_its_history(client, w):
    staff = w["community_staff"]
    services.household_card_save(actor=staff, household=w["household_a"], tenure="rented", notes="出租户")
    services.household_card_save(actor=staff, household=w["household_a"], tenure="rented", notes="出租户")  # no change
    client.force_login(staff)
    response = client.get(f"/residents/households/{w['household_a'].pk}/")
    actions = [e.action for e in response.context["events"]]
    assert actions.count("residents.household.save") == 1
