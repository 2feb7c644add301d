"""The deliberation app's objects for the role × endpoint matrix (gongzhi.core.tests.matrix): in
each district the default paths and a six-step topic of the community raised by its staff;
district 1's are inside, district 2's outside. Each concern adds its own objects below."""

from gongzhi.accounts.roles import AREA_ROLES, Role
from gongzhi.core.actors import SystemActor
from gongzhi.core.tests.matrix import Param, World
from gongzhi.deliberation.models import ConsultationGroup, Path, ScopeKind, TopicSource
from gongzhi.deliberation.services import paths, topics

ACTOR = SystemActor(label="matrix")


def _district(nodes: dict) -> dict:
    paths.default_paths_install(actor=ACTOR, district=nodes["district"])
    topic = topics.topic_raise(
        actor=ACTOR, title="增设非机动车棚", description="小区电动车乱停乱放，居民建议在西侧空地增设车棚。",
        scope_kind=ScopeKind.COMMUNITY, area=nodes["community"], group=ConsultationGroup.URBAN_MANAGEMENT,
        source=TopicSource.GROUP,
    )
    return {
        "topic": topic,
        "path": Path.objects.get(district=nodes["district"], key="six_step"),
        # --- resolutions, supervision: add here ---
        # --- hearings: add here ---
        **_hearing(nodes, topic),
    }


def _hearing(nodes: dict, topic) -> dict:
    """A hearing on the topic (next week, registration open) with one person registered by phone."""
    import datetime as dt

    from django.utils import timezone

    from gongzhi.deliberation.services import hearings

    now = timezone.now()
    hearing = hearings.hearing_call(
        actor=ACTOR, topic=topic, starts_at=now + dt.timedelta(days=7), location="社区二楼会议室",
        registration_closes_at=now + dt.timedelta(days=5), seats=30, speakers_limit=5,
    )
    registration = hearings.hearing_register(actor=ACTOR, hearing=hearing, on_behalf=True, name="王秀兰",
                                             phone="13912345678", affiliation="业委会", wants_to_speak=True)
    return {"hearing": hearing, "registration": registration}


def objects(world: World) -> dict[str, Param]:
    inside, outside = _district(world.d1), _district(world.d2)
    # The topic belongs to the community: a grid worker's scope lies below it.
    seen = AREA_ROLES - {Role.GRID_WORKER}

    def param(key: str, seen_by=seen) -> Param:
        return Param(inside=inside[key].pk, outside=outside[key].pk, seen_by=seen_by)

    return {
        "topic_id": param("topic"),
        "path_id": param("path", seen_by=frozenset(Role)),
        "district_id": Param(inside=world.d1["district"].pk, outside=world.d2["district"].pk,
                             seen_by=frozenset({Role.DISTRICT_ADMIN})),
        "node_id": Param(inside=world.d1["community"].pk, outside=world.d2["community"].pk, seen_by=seen),
        # --- resolutions, supervision: add here ---
        # --- hearings: add here ---
        "hearing_id": param("hearing"),
        "registration_id": param("registration"),
    }
