"""The deliberation app's objects for the role × endpoint matrix (gongzhi.core.tests.matrix): in
each district the default paths and a six-step topic of the community raised by its staff;
district 1's are inside, district 2's outside. Each concern adds its own objects below."""

from gongzhi.accounts.roles import AREA_ROLES, Role
from gongzhi.core.actors import SystemActor
from gongzhi.core.tests.matrix import Param, World
from gongzhi.deliberation.models import ConsultationGroup, Path, ScopeKind, TopicSource
from gongzhi.deliberation.services import paths, topics

ACTOR = SystemActor(label="matrix")


# --- resolutions, supervision: a published resolution of the community with an owner, a milestone,
# a rectification and a progress photo ---


def _resolution_side(nodes: dict) -> dict:
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from gongzhi.deliberation.models import (
        Milestone,
        Rectification,
        Resolution,
        ResolutionOwner,
        ResolutionPhoto,
        ResolutionUpdate,
    )

    topic = topics.topic_raise(
        actor=ACTOR, title="路灯维修", description="小区东门路灯损坏多日，夜间出行不便。", scope_kind=ScopeKind.COMMUNITY,
        area=nodes["community"], group=ConsultationGroup.URBAN_MANAGEMENT, source=TopicSource.GROUP,
    )
    resolution = Resolution.objects.create(topic=topic, text="更换东门路灯6盏", budget_fen=360000,
                                           published_at=timezone.now())
    owner = ResolutionOwner.objects.create(resolution=resolution, name="瓜州物业公司")
    update = ResolutionUpdate.objects.create(resolution=resolution, text="已更换3盏", progress=50)
    photo = ResolutionPhoto(update=update, name="现场.png", content_type="image/png", size=67)
    photo.file.save("matrix.png", ContentFile(bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c49444154789c63f8cfc000000301"
        "0100c9fe92ef0000000049454e44ae426082")), save=False)
    photo.save()
    return {
        "resolution": resolution, "owner": owner, "photo": photo,
        "milestone": Milestone.objects.create(resolution=resolution, title="采购灯具", due_on=timezone.localdate()),
        "rectification": Rectification.objects.create(resolution=resolution, problem="灯具型号与方案不符",
                                                      owner_name=owner.name, deadline=timezone.localdate()),
        "code": nodes["community"].code,
    }


def _district(nodes: dict) -> dict:
    paths.default_paths_install(actor=ACTOR, district=nodes["district"])
    topic = topics.topic_raise(
        actor=ACTOR, title="增设非机动车棚", description="小区电动车乱停乱放，居民建议在西侧空地增设车棚。",
        scope_kind=ScopeKind.COMMUNITY, area=nodes["community"], group=ConsultationGroup.URBAN_MANAGEMENT,
        source=TopicSource.GROUP,
    )
    # --- topics: a document of the topic ---
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gongzhi.deliberation.services import documents

    pdf = SimpleUploadedFile("车棚方案.pdf", b"%PDF-1.4\n%matrix\n", content_type="application/pdf")
    document = documents.documents_add(actor=ACTOR, topic=topic, files=[pdf])[0]
    return {
        "topic": topic,
        "document": document,
        "path": Path.objects.get(district=nodes["district"], key="six_step"),
        # --- resolutions, supervision: add here ---
        **_resolution_side(nodes),
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
        # Paths are read by everyone of the district (bound there, living there, of its departments
        # and units); the resident and party member of the world live nowhere.
        "path_id": param("path", seen_by=AREA_ROLES | {Role.DEPARTMENT_STAFF, Role.UNIT_LIAISON}),
        "document_id": param("document"),
        "district_id": Param(inside=world.d1["district"].pk, outside=world.d2["district"].pk,
                             seen_by=frozenset({Role.DISTRICT_ADMIN})),
        "node_id": Param(inside=world.d1["community"].pk, outside=world.d2["community"].pk, seen_by=seen),
        # --- resolutions, supervision: add here ---
        "resolution_id": param("resolution"),
        "milestone_id": param("milestone"),
        "owner_id": param("owner"),
        "rectification_id": param("rectification"),
        "photo_id": param("photo"),
        # The public pages answer everyone, for every community: nothing lies outside.
        "public.code": Param(inside=inside["code"], seen_by=frozenset(Role), missing="000"),
        "public.resolution_id": Param(inside=inside["resolution"].pk, seen_by=frozenset(Role)),
        "public.photo_id": Param(inside=inside["photo"].pk, seen_by=frozenset(Role)),
        # --- hearings: add here ---
        "hearing_id": param("hearing"),
        "registration_id": param("registration"),
    }
