"""/api/triage/: suggestions for staff, model versions for district administrators."""

import pytest

from gongzhi.accounts import services as accounts
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import DepartmentFactory, tree
from gongzhi.core.actors import SystemActor
from gongzhi.triage import services
from gongzhi.triage.models import TriageModel

from . import factories

pytestmark = pytest.mark.django_db


def bearer(u) -> dict:
    _token, raw = accounts.api_token_create(actor=u, user=u, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def people():
    t = tree()
    return {
        "grid": user("grid_worker", nodes=[t["grid_a"]]),
        "department": user("department_staff", department=DepartmentFactory(district=t["district"])),
        "resident": user("resident"),
        "street": user("street_staff", nodes=[t["street"]]),
        "admin": user("district_admin", nodes=[t["district"]]),
    }


def trained(activate=True, seed=0):
    titles, texts, labels = factories.rows(25, seed=seed)
    return services.triage_model_train(
        actor=SystemActor(label="test"), titles=titles, texts=texts, labels=labels, folds=3, activate=activate
    )


def test_staff_get_three_categories_with_probabilities_words_and_version(client, people):
    trained()
    for who in ("grid", "department", "admin"):
        response = client.post(
            "/api/triage/suggest",
            {"title": "停车难", "text": "小区电动车乱停，占道挡住车库出口"},
            content_type="application/json",
            **bearer(people[who]),
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["model_version"] == 1
        assert len(body["top3"]) == 3
        assert body["top3"][0]["label"] == "parking"
        assert 0 < body["top3"][0]["probability"] <= 1
        assert body["explanation"] and {"term", "weight"} <= set(body["explanation"][0])


def test_residents_cannot_ask_for_suggestions(client, people):
    trained()
    response = client.post(
        "/api/triage/suggest", {"text": "垃圾没人清运"}, content_type="application/json", **bearer(people["resident"])
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_empty_text_is_a_clear_error_naming_the_field(client, people):
    trained()
    response = client.post(
        "/api/triage/suggest", {"title": "标题", "text": "  "}, content_type="application/json", **bearer(people["grid"])
    )
    assert response.status_code == 400
    assert "text" in response.json()["fields"]


def test_a_very_long_text_is_classified_not_refused(client, people):
    trained()
    text = "楼下垃圾站的垃圾没人清运，异味很大。" + "情况说明" * 30_000
    response = client.post(
        "/api/triage/suggest", {"text": text}, content_type="application/json", **bearer(people["grid"])
    )
    assert response.status_code == 200
    assert response.json()["top3"][0]["label"] == "sanitation"


def test_without_an_active_model_the_answer_says_so(client, people):
    response = client.post(
        "/api/triage/suggest", {"text": "垃圾没人清运"}, content_type="application/json", **bearer(people["grid"])
    )
    assert response.status_code == 503
    assert response.json()["code"] == "no_active_model"


def test_district_administrators_list_versions_with_figures_and_activate_one(client, people, django_capture_on_commit_callbacks):
    v1 = trained(seed=1)
    trained(seed=2)
    listing = client.get("/api/triage/models", **bearer(people["admin"]))
    assert listing.status_code == 200
    items = listing.json()["items"]
    assert [m["version"] for m in items] == [2, 1]
    assert items[0]["is_active"] and not items[1]["is_active"]
    assert {"macro_f1", "accuracy", "per_label", "confusion_matrix", "n_train"} <= set(items[0]["evaluation"])
    assert "blob" not in items[0]
    with django_capture_on_commit_callbacks(execute=True):
        activated = client.post(f"/api/triage/models/{v1.pk}/activate", **bearer(people["admin"]))
    assert activated.status_code == 200 and activated.json()["is_active"]
    assert TriageModel.objects.get(is_active=True).pk == v1.pk
    suggestion = client.post(
        "/api/triage/suggest", {"text": "水管漏水"}, content_type="application/json", **bearer(people["grid"])
    )
    assert suggestion.json()["model_version"] == 1


def test_other_staff_cannot_list_or_activate_models(client, people):
    model = trained(activate=False)
    assert client.get("/api/triage/models", **bearer(people["street"])).status_code == 403
    assert client.post(f"/api/triage/models/{model.pk}/activate", **bearer(people["street"])).status_code == 403
    assert client.post("/api/triage/models/999999/activate", **bearer(people["admin"])).status_code == 404
    assert not TriageModel.objects.filter(is_active=True).exists()
