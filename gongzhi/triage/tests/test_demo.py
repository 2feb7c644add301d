"""The demo's triage model learns from the demo's closed cases."""

import pytest

from gongzhi.cases.models import Case, State
from gongzhi.cases.tests.factories import submit, world
from gongzhi.core.actors import SystemActor
from gongzhi.core.demo import DemoContext
from gongzhi.triage import demo, predictor
from gongzhi.triage.models import TriageModel

pytestmark = pytest.mark.django_db


def test_the_demo_trains_and_activates_a_model_from_closed_cases(django_capture_on_commit_callbacks):
    # given closed cases of two matters
    w = world()
    for i in range(8):
        submit(w, "garbage-collection", title=f"垃圾没人清运{i}", description="垃圾站垃圾堆放满溢，异味很大，苍蝇多")
        submit(w, "street-lights", title=f"路灯不亮{i}", description="小区门口路灯坏了，晚上很黑，走路不安全")
    Case.objects.update(state=State.CLOSED)
    # when the triage demo loads
    with django_capture_on_commit_callbacks(execute=True):
        demo.load(DemoContext(seed=1, actor=SystemActor(label="demo"), verbose=False))
    # then a model is active and recognises a new request
    assert TriageModel.objects.get(is_active=True).n_train == 16
    assert predictor.suggest("", "楼下垃圾堆满了没人拉走").label == "garbage-collection"


def test_without_closed_cases_the_demo_trains_nothing():
    demo.load(DemoContext(seed=1, actor=SystemActor(label="demo"), verbose=False))
    assert not TriageModel.objects.exists()
