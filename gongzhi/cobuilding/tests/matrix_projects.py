"""Matrix objects of co-building: projects (with a partner, a milestone and a signed agreement)
and units' problems, one of each in each district's community, owned by / raised for the district's
unit. The community's staff and those above, and the unit's liaison, see district 1's; a grid
worker (bound to a grid below the community) does not."""

from django.core.files.base import ContentFile
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.core.tests.matrix import Param, World

from ..models import Milestone, Problem, ProblemKind, Project, ProjectPartner

SEEN = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_ADMIN, Role.INSPECTOR, Role.SUPERVISION,
                  Role.UNIT_LIAISON})


def _project(nodes, unit) -> tuple[Project, ProjectPartner, Milestone]:
    today = timezone.localdate()
    project = Project.objects.create(area=nodes["community"], title="加装路灯", owner_unit=unit, term_start=today,
                                     term_end=today.replace(year=today.year + 1))
    project.agreement_file.save("agreement.pdf", ContentFile(b"%PDF-1.4\n% matrix\n"), save=True)
    partner = ProjectPartner.objects.create(project=project, unit=unit, duties="安装维护")
    milestone = Milestone.objects.create(project=project, title="完成选址", due_on=today)
    return project, partner, milestone


def objects(world: World) -> dict[str, Param]:
    inside = _project(world.d1, world.unit1)
    outside = _project(world.d2, world.unit2)
    problem_in = Problem.objects.create(unit=world.unit1, area=world.d1["community"], kind=ProblemKind.PARKING,
                                        title="员工停车难")
    problem_out = Problem.objects.create(unit=world.unit2, area=world.d2["community"], kind=ProblemKind.PARKING,
                                         title="员工停车难")
    return {
        "project_id": Param(inside=inside[0].pk, outside=outside[0].pk, seen_by=SEEN),
        "partner_id": Param(inside=inside[1].pk, outside=outside[1].pk, seen_by=SEEN),
        "milestone_id": Param(inside=inside[2].pk, outside=outside[2].pk, seen_by=SEEN),
        "problem_id": Param(inside=problem_in.pk, outside=problem_out.pk, seen_by=SEEN),
    }
