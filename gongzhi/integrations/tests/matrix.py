"""Integrations' objects for the role × endpoint matrix (gongzhi.core.tests.matrix): a camera alert
with a snapshot on a camera in each district's grid A; Open311's public identifiers (formats,
service codes, request ids) for its key-authenticated pages."""

from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.cases.models import Category, Channel
from gongzhi.cases.tests.factories import submit
from gongzhi.core.tests.matrix import Param, World
from gongzhi.integrations.models import CameraEvent, CameraEventType
from gongzhi.integrations.tests.factories import JPEG, camera, source

STAFF = frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.INSPECTOR, Role.SUPERVISION,
                   Role.DISTRICT_ADMIN})


def _event(src, nodes: dict, code: str) -> CameraEvent:
    kind, _created = CameraEventType.objects.get_or_create(
        code="quarrel", defaults={"name": "争吵", "category": Category.objects.order_by("pk").first()}
    )
    cam = camera(src, nodes["grid_a"], code=code)
    event = CameraEvent(source=src, event_id=f"evt-{code}", camera=cam, event_type=kind, occurred_at=timezone.now(),
                        outcome=CameraEvent._meta.get_field("outcome").choices[0][0])
    event.snapshot.save("snap.jpg", ContentFile(JPEG), save=False)
    event.save()
    return event


def objects(world: World) -> dict[str, Param]:
    src, _secret = source()
    # Open311 shows the public-space channels (patrol, camera) to anyone: a patrol report per district.
    case = submit(SimpleNamespace(nodes=world.d1), "shared-bikes", where="building_a",
                  actor=world.users[Role.GRID_WORKER], channel=Channel.PATROL)
    return {
        "pk": Param(inside=_event(src, world.d1, "CAM-1").pk, outside=_event(src, world.d2, "CAM-2").pk, seen_by=STAFF),
        "fmt": Param.fixed("json"),
        "service_code": Param.fixed(Category.objects.filter(is_active=True).order_by("pk").first().code),
        "service_request_id": Param(inside=case.reference, seen_by=frozenset(Role), missing="GZ-0"),
        "token": Param(inside="missing-token", missing="missing-token-2"),
        "rest": Param.fixed("nothing-here"),
    }
