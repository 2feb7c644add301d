"""The needs demo on a small world: the community's units report in with their resources, the
needs from the seeds are raised, some claimed, one done, some confirmed."""

import pytest

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.cobuilding.demos import needs as demo
from gongzhi.cobuilding.models import Need, NeedState, Resource, UnitReport
from gongzhi.core.actors import SystemActor
from gongzhi.core.demo import DemoContext

from . import factories
from .factories_needs import resident_of

pytestmark = pytest.mark.django_db


def test_the_needs_demo():
    t = tree()
    units = [factories.unit(t["community"], name=name) for name in (
        "兰州安居物业服务有限公司", "七里河区第一小学", "西站社区卫生服务中心", "兰州银行西站支行", "国网七里河供电公司",
        "乐龄社会工作服务中心")]
    ctx = DemoContext(seed=1, actor=SystemActor(label="demo"), verbose=False)
    ctx.data.update(main_community=t["community"], units=units, buildings=[t["building_a"], t["building_b"]])
    user(Role.COMMUNITY_STAFF, nodes=[t["community"]], username="shequ")
    resident_of(t["household_a"], username="jumin")
    demo.load(ctx)
    assert UnitReport.objects.count() == 7  # and the supermarket the demo adds
    assert Resource.objects.filter(title="独居老人爱心午餐").get().used == 12
    states = dict(Need.objects.values_list("title", "state"))
    assert states["3号楼楼道灯维修"] == NeedState.CONFIRMED
    assert states["楼道线路老化检查"] == NeedState.DONE
    assert states["独居老人助餐"] == NeedState.CLAIMED
    assert states["想请人帮忙修一下家里的水龙头"] == NeedState.OPEN
    assert len(ctx.data["cobuilding_units"]) == 7 and "四点半课堂辅导" in ctx.data["cobuilding_needs"]
