"""Residents' objects for the role × endpoint matrix (gongzhi.core.tests.matrix): in household A
of each district a person with a tag, a visit with a photo; an import job of the user under test
(another user's is outside: imports are the uploader's own; a role that may not import is
given a grid worker's job, which it must not see)."""


from django.core.files.base import ContentFile
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.core.actors import SystemActor
from gongzhi.core.tests.matrix import Param, World
from gongzhi.residents import services
from gongzhi.residents.models import ImportJob, VisitPhoto
from gongzhi.residents.tests.factories import person

ACTOR = SystemActor(label="matrix")
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

# Who works with residents' records (grid workers, community and street staff, inspectors, the
# district admin); the supervision committee, departments, units, residents and party members do not.
VIEWERS = frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.INSPECTOR, Role.DISTRICT_ADMIN})
EDITORS = VIEWERS - {Role.INSPECTOR}


def _district(nodes: dict, visitor) -> dict:
    household = nodes["household_a"]
    someone = person(household, relation="head")
    tag = services.person_tag_add(actor=ACTOR, person=someone, kind="elderly_alone",
                                  start_on=timezone.localdate())
    visit = services.visit_create(actor=visitor, household=household, findings="测试")
    photo = VisitPhoto.objects.create(visit=visit, file=ContentFile(PNG, name="p.png"), content_type="image/png",
                                      size=len(PNG))
    return {"household": household, "person": someone, "tag": tag, "visit": visit, "photo": photo}


def _job(owner) -> ImportJob:
    job = ImportJob.objects.create(created_by=owner, file_name="people.xlsx", status=ImportJob.Status.REJECTED)
    job.report.save("report.xlsx", ContentFile(b"PK\x03\x04report"), save=True)
    return job


def objects(world: World) -> dict[str, Param]:
    inside = _district(world.d1, world.users[Role.GRID_WORKER])
    outside = _district(world.d2, user(Role.GRID_WORKER, nodes=[world.d2["grid_a"]]))
    stranger = user(Role.COMMUNITY_STAFF, nodes=[world.d2["community"]])
    world.stash["visit"] = inside["visit"]

    def param(key: str, seen_by=VIEWERS) -> Param:
        return Param(inside=inside[key].pk, outside=outside[key].pk, seen_by=seen_by)

    people, households, tags = param("person"), param("household"), param("tag")
    visits, photos = param("visit"), param("photo")
    # An import is its uploader's own: the user under test's, when the role may import at all.
    owner = world.user if world.role in EDITORS else world.users[Role.GRID_WORKER]
    jobs = Param(inside=_job(owner).pk, outside=_job(stranger).pk, seen_by=EDITORS)
    return {
        "person_id": people,
        "people.pk": people,
        "action": Param.fixed("move-out"),
        "household_id": households,
        "households.pk": households,
        "household_pk": households,
        "tag_id": tags,
        "tags.pk": tags,
        "visit_id": visits,
        "visits.pk": visits,
        "photos.pk": photos,
        "job_id": jobs,
        "import.pk": jobs,
    }
