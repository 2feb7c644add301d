"""The duties demo on a small world: the district's sheets for grid workers, community staff and
street staff, and one accountability record from a supervised demo case."""

import pytest

from gongzhi.accounts.roles import Role
from gongzhi.core.actors import SystemActor
from gongzhi.core.demo import DemoContext
from gongzhi.duties import demo
from gongzhi.duties.models import AccountabilityRecord, DutySheet, Section
from gongzhi.duties.selectors.sheets import section_blocks, sheet_of_user, version_on

from . import factories as f

pytestmark = pytest.mark.django_db


def test_the_duties_demo():
    # given the cases' world with a case the grid worker took on
    w = f.world()
    from gongzhi.cases.tests import factories as case_factories

    case = case_factories.in_progress(w)
    ctx = DemoContext(seed=3, actor=SystemActor(label="demo"), verbose=False)
    ctx.data["users"] = {Role.DISTRICT_ADMIN: w.admin}
    # when the duties demo loads
    demo.load(ctx)
    # then three sheets are in force, each with tasks, red lines and rules
    assert set(DutySheet.objects.values_list("role", flat=True)) == {
        Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_STAFF}
    grid = sheet_of_user(w.worker_a)
    blocks = {b["key"]: b["items"] for b in section_blocks(version_on(grid))}
    assert all(blocks[s] for s in Section.values)
    # and the grid worker has one accountability record from the supervised case
    record = AccountabilityRecord.objects.get()
    assert record.person == w.worker_a and case.title in record.summary and record.rule.number == 1
