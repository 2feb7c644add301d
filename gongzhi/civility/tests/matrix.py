"""Civility's objects for the role × endpoint matrix (gongzhi.core.tests.matrix): in each district a
check (with a photo) at household A of building A, the community's bonus of last year and the
household's stars. Seen by the roles whose area scope covers them and who may read civility points."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongzhi.civility.models import BonusFormula, BonusRun, Check, CheckPhoto, HouseholdStar, Standard
from gongzhi.core import scope
from gongzhi.core.permissions import can
from gongzhi.core.tests.matrix import Param, World

from .factories import PNG


def _side(nodes: dict) -> dict:
    household = nodes["household_a"]
    standard = Standard.objects.filter(area__isnull=True).first()
    today = timezone.localdate()
    check = Check.objects.create(household=household, standard=standard, code=standard.code,
                                 checked_on=today - dt.timedelta(days=1), met=True, points=standard.points_met)
    photo = CheckPhoto.objects.create(record=check, file=SimpleUploadedFile("m.png", PNG, content_type="image/png"),
                                      content_type="image/png", size=len(PNG))
    run = BonusRun.objects.create(community=nodes["community"], year=today.year - 1,
                                  formula=BonusFormula.objects.filter(area__isnull=True).first())
    star = HouseholdStar.objects.create(household=household, year=today.year - 1, points=0, proposed=0)
    return {"check": check, "photo": photo, "run": run, "star": star, "household": household,
            "building": nodes["building_a"]}


def objects(world: World) -> dict[str, Param]:
    inside, outside = _side(world.d1), _side(world.d2)

    def seen(node) -> frozenset:
        return frozenset(role for role, u in world.users.items()
                         if can(u, "civility.view") and scope.covers_path(u, node.path))

    near = seen(inside["household"])
    community = seen(world.d1["community"])
    return {
        "household_id": Param(inside=inside["household"].pk, outside=outside["household"].pk, seen_by=near),
        "building_id": Param(inside=inside["building"].pk, outside=outside["building"].pk, seen_by=near),
        "check_id": Param(inside=inside["check"].pk, outside=outside["check"].pk, seen_by=near),
        "photo_id": Param(inside=inside["photo"].pk, outside=outside["photo"].pk, seen_by=near),
        "run_id": Param(inside=inside["run"].pk, outside=outside["run"].pk, seen_by=community),
        "star_id": Param(inside=inside["star"].pk, outside=outside["star"].pk, seen_by=near),
        "public.building_code": Param.fixed(world.d1["building_a"].code),
    }
