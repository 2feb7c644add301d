"""The projects demo on a small world of its own: the seeds' projects with partners, milestones,
the 双向服务协议书 as a real PDF, the resident's evaluations, and two problems taken up by the
street."""

import pytest

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.cobuilding.demos import projects as demo
from gongzhi.cobuilding.models import Problem, ProblemState, Project, ProjectState
from gongzhi.cobuilding.tests import factories
from gongzhi.cobuilding.tests.factories_projects import alliance_decision, resident_of
from gongzhi.core.actors import SystemActor
from gongzhi.core.demo import DemoContext

pytestmark = pytest.mark.django_db


def test_the_projects_demo():
    nodes = tree()
    units = [factories.unit(nodes["community"], name=name) for name in (
        "兰州安居物业服务有限公司", "中铁建物业管理有限公司", "七里河区第一小学", "西站社区卫生服务中心", "瓜州路农贸市场")]
    decision = alliance_decision(nodes["community"])
    resident = resident_of(nodes["household_a"])
    user(Role.UNIT_LIAISON, unit=units[2])
    ctx = DemoContext(seed=1, actor=SystemActor(label="demo"), verbose=False)
    demo.load(ctx)  # nothing to build on: nothing
    assert not Project.objects.exists()
    ctx.data.update(main_community=nodes["community"], street=nodes["street"], units=units)
    demo.load(ctx)
    lights = Project.objects.get(title="瓜州路小区加装路灯")
    assert lights.owner_unit.name == "兰州安居物业服务有限公司" and lights.decision == decision
    assert lights.state == ProjectState.ACTIVE and lights.milestones.filter(done_on__isnull=False).count() == 2
    assert Project.objects.get(title="四点半课堂").owner_unit.name == "七里河区第一小学"
    micro = Project.objects.get(title="铁建丽苑红色微家")
    with micro.agreement_file.open("rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF-") and content.count(b"/Type /Page\n") + content.count(b"/Type /Page ") >= 1
    assert b"STSong-Light" in content and micro.agreement_signed_on == micro.term_start
    assert lights.evaluations.get().user == resident
    problems = {p.title: p for p in Problem.objects.all()}
    assert set(problems) == {"员工停车难", "招工难"}
    assert all(p.state == ProblemState.TAKEN_UP for p in problems.values())
    assert problems["员工停车难"].unit == units[2] and problems["员工停车难"].updates.exists()
