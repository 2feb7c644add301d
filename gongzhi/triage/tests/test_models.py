"""Versioned models: training, activation (exactly one active, audited), the predictor swapping
versions without a restart, permissions, the cases hook."""

import pytest
from django.db import IntegrityError, transaction

from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.core.actors import SystemActor
from gongzhi.core.errors import Forbidden, InvalidInput
from gongzhi.core.models import AuditEvent
from gongzhi.triage import predictor, services
from gongzhi.triage.models import TriageModel

from . import factories

pytestmark = pytest.mark.django_db
ACTOR = SystemActor(label="test")


def train(*, labels=factories.LABELS, seed=0, activate=True, n=30):
    titles, texts, ys = factories.rows(n, seed=seed, labels=labels)
    return services.triage_model_train(actor=ACTOR, titles=titles, texts=texts, labels=ys, folds=3, activate=activate)


def test_training_stores_a_version_with_its_figures_and_activates_it(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        model = train()
    model.refresh_from_db()
    assert model.version == 1 and model.is_active
    assert model.labels == factories.LABELS
    assert model.n_train == 120
    assert model.evaluation["macro_f1"] >= 0.9
    assert set(model.evaluation["per_label"]["noise"]) >= {"precision", "recall", "f1"}
    assert model.evaluation["confusion_matrix"]["labels"] == factories.LABELS
    assert model.blob_size > 0 and len(model.blob_sha256) == 64
    assert AuditEvent.objects.filter(action="triage.model.create", object_id=str(model.pk)).exists()
    assert AuditEvent.objects.filter(action="triage.model.activate", object_id=str(model.pk)).exists()
    suggestion = predictor.suggest("", "楼道里的垃圾没人清运，异味很重")
    assert suggestion.model_version == 1
    assert suggestion.label == "sanitation"


def test_activating_a_new_version_swaps_the_predictor_without_restart(django_capture_on_commit_callbacks):
    # given version 1 (four categories) is active and has answered a suggestion in this process
    with django_capture_on_commit_callbacks(execute=True):
        train(seed=1)
    assert predictor.suggest("", "夜里广场舞音响太吵，噪音扰民").model_version == 1
    # when version 2, trained on two categories only, is activated
    with django_capture_on_commit_callbacks(execute=True):
        v2 = train(labels=["noise", "water"], seed=2, activate=False)
        services.triage_model_activate(actor=ACTOR, model=v2)
    # then the same process answers with version 2 at once
    suggestion = predictor.suggest("", "夜里广场舞音响太吵，噪音扰民")
    assert suggestion.model_version == 2
    assert {label for label, _ in suggestion.top3} == {"noise", "water"}


def test_a_version_activated_by_another_process_is_picked_up_within_the_check_interval(monkeypatch):
    v1 = train(seed=1)
    v2 = train(labels=["noise", "water"], seed=2, activate=False)
    assert predictor.suggest("", "水管爆管漏水").model_version == 1
    # another server activates version 2 (no callback reaches this process)
    TriageModel.objects.filter(pk=v1.pk).update(is_active=False)
    TriageModel.objects.filter(pk=v2.pk).update(is_active=True)
    clock = [predictor.time.monotonic()]
    monkeypatch.setattr(predictor.time, "monotonic", lambda: clock[0])
    assert predictor.suggest("", "水管爆管漏水").model_version == 1  # still within the interval
    clock[0] += predictor.CHECK_SECONDS + 0.1
    assert predictor.suggest("", "水管爆管漏水").model_version == 2


def test_exactly_one_model_is_active():
    v1 = train(seed=1)
    v2 = train(seed=2)
    v3 = train(seed=3, activate=False)
    assert list(TriageModel.objects.filter(is_active=True).values_list("version", flat=True)) == [2]
    services.triage_model_activate(actor=ACTOR, model=v1)
    assert list(TriageModel.objects.filter(is_active=True).values_list("pk", flat=True)) == [v1.pk]
    assert not TriageModel.objects.get(pk=v2.pk).is_active and not TriageModel.objects.get(pk=v3.pk).is_active
    # and the database refuses a second active row
    with pytest.raises(IntegrityError), transaction.atomic():
        TriageModel.objects.filter(pk=v3.pk).update(is_active=True)


def test_without_an_active_model_suggest_says_so():
    train(activate=False)
    with pytest.raises(predictor.NoActiveModel) as missing:
        predictor.suggest("", "垃圾没人清运")
    assert missing.value.status == 503


def test_only_district_administrators_train_and_activate():
    t = tree()
    street = user("street_staff", nodes=[t["street"]])
    admin = user("district_admin", nodes=[t["district"]])
    titles, texts, labels = factories.rows(10)
    with pytest.raises(Forbidden):
        services.triage_model_train(actor=street, titles=titles, texts=texts, labels=labels, folds=2)
    model = services.triage_model_train(actor=admin, titles=titles, texts=texts, labels=labels, folds=2)
    with pytest.raises(Forbidden):
        services.triage_model_activate(actor=street, model=model)
    services.triage_model_activate(actor=admin, model=model)
    event = AuditEvent.objects.get(action="triage.model.activate")
    assert event.actor == admin and event.after == {"active_version": 1}


def test_training_rows_are_checked_and_the_field_named():
    with pytest.raises(InvalidInput) as empty_text:
        services.triage_model_train(actor=ACTOR, texts=["垃圾", " "], labels=["a", "b"])
    assert "texts" in empty_text.value.fields
    with pytest.raises(InvalidInput) as one_label:
        services.triage_model_train(actor=ACTOR, texts=["垃圾", "噪音"], labels=["a", "a"])
    assert "labels" in one_label.value.fields
    assert not TriageModel.objects.exists()


def test_the_cases_hook_gives_no_rows_while_there_are_no_closed_cases():
    assert services.training_rows_from_cases() == []
