"""Test data for the case pipeline: a small world (district → street → community → grids A and B
with buildings, the ten departments, one user per role) and cases filed through the services."""

from __future__ import annotations

from dataclasses import dataclass, field

import factory

from gongzhi.accounts.tests.factories import user
from gongzhi.areas.models import AreaNode, Department
from gongzhi.areas.tests.factories import tree
from gongzhi.cases import catalogue_data, services
from gongzhi.cases.models import Case, Category, Channel
from gongzhi.core.actors import SystemActor

SYSTEM = SystemActor(label="test")

DEPARTMENTS = {
    "cg": "城管局", "zj": "住建局", "mz": "民政局", "rs": "人社局", "ga": "公安分局",
    "sf": "司法局", "wj": "卫健局", "sthj": "生态环境分局", "scjg": "市场监管局", "jy": "教育局",
}


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("district", "code")

    code = "cg"
    name = factory.LazyAttribute(lambda o: DEPARTMENTS.get(o.code, o.code))
    short_name = factory.LazyAttribute(lambda o: DEPARTMENTS.get(o.code, o.code)[:2])


@dataclass
class World:
    nodes: dict[str, AreaNode]
    departments: dict[str, Department]
    users: dict[str, object] = field(default_factory=dict)

    def __getattr__(self, name):
        if name in self.users:
            return self.users[name]
        if name in self.nodes:
            return self.nodes[name]
        raise AttributeError(name)


def world() -> World:
    # Transactional tests (browser, concurrency) flush the database, the seeded catalogue too.
    catalogue_data.load()
    nodes = tree()
    departments = {code: DepartmentFactory(district=nodes["district"], code=code) for code in DEPARTMENTS}
    w = World(nodes=nodes, departments=departments)
    w.users = {
        "resident": user("resident"),
        "resident_2": user("resident"),
        "worker_a": user("grid_worker", nodes=[nodes["grid_a"]]),
        "worker_a2": user("grid_worker", nodes=[nodes["grid_a"]]),
        "worker_b": user("grid_worker", nodes=[nodes["grid_b"]]),
        "cstaff": user("community_staff", nodes=[nodes["community"]]),
        "sstaff": user("street_staff", nodes=[nodes["street"]]),
        "admin": user("district_admin", nodes=[nodes["district"]]),
        "inspector": user("inspector", nodes=[nodes["street"]]),
        "cg": user("department_staff", department=departments["cg"]),
        "zj": user("department_staff", department=departments["zj"]),
    }
    return w


def category(code: str) -> Category:
    return Category.objects.get(code=code)


def submit(w: World, code: str = "shared-bikes", *, where: str = "building_a", actor=None, **extra) -> Case:
    values = {
        "channel": Channel.ONLINE,
        "title": "楼下共享单车堆满了",
        "description": "单元门口堆了二十多辆共享单车，老人出入不便。",
        "location": w.nodes[where],
    }
    values.update(extra)
    filed_at = values.pop("now", None)
    case = services.case_submit(actor=actor or w.resident, category=category(code), **values)
    if filed_at is not None:  # data loaded with an earlier filing time, as the demo does
        from gongzhi.cases.demo import backdate

        case = backdate(case, filed_at)
    return case


def dispatched(w: World, code: str = "shared-bikes", **extra) -> Case:
    case = submit(w, code, **extra)
    services.case_accept(actor=w.cstaff, case=case)
    return services.case_dispatch(actor=w.cstaff, case=case)


def in_progress(w: World, code: str = "shared-bikes", **extra) -> Case:
    case = dispatched(w, code, **extra)
    claimer = {"grid": w.worker_a, "community": w.cstaff, "street": w.sstaff}.get(case.level, SYSTEM)
    if case.level == "department":
        claimer = w.users.get(case.department.code, SYSTEM)
    return services.case_claim(actor=claimer, case=case)
