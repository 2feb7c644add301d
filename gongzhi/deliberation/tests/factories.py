"""Test data for deliberation: a community with the district's default paths, staff of each level,
a supervision committee member, and residents whose accounts are linked to the registry."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.models import AreaNode
from gongzhi.areas.tests.factories import child, tree
from gongzhi.core.actors import SystemActor
from gongzhi.deliberation.models import ConsultationGroup, Path, ScopeKind, Topic, TopicSource
from gongzhi.deliberation.services import paths, steps, topics
from gongzhi.residents import services as residents
from gongzhi.residents.tests.factories import id_number, person

ACTOR = SystemActor(label="test")
_serial = itertools.count(1)


def resident(household: AreaNode, *, name: str | None = None, born=None, **extra):
    """A resident account linked to a living adult person of the registry in `household`."""
    import datetime as dt

    account = user(Role.RESIDENT, **extra)
    born = born or dt.date(1970, 5, 1)
    record = person(household, name=name or f"居民{next(_serial)}", birth_date=born, id_number=id_number(born=born))
    residents.person_link_account(actor=ACTOR, person=record, user=account)
    account.resident_record = record
    return account


def world(*, households: int = 3) -> SimpleNamespace:
    """tree() (district → street → community → grids A/B → building → unit → household) with the
    default paths, staff, a supervision committee member, and residents: one per household of
    building A (`households` of them, the first being tree()'s) and one in building B."""
    nodes = tree()
    paths.default_paths_install(actor=ACTOR, district=nodes["district"])
    homes = [nodes["household_a"]] + [child(nodes["unit_a"], name=f"{n}02室") for n in range(1, households)]
    w = SimpleNamespace(
        nodes=nodes,
        district=nodes["district"],
        community=nodes["community"],
        building=nodes["building_a"],
        homes=homes,
        cstaff=user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]]),
        sstaff=user(Role.STREET_STAFF, nodes=[nodes["street"]]),
        grid_worker=user(Role.GRID_WORKER, nodes=[nodes["grid_a"]]),
        supervisor=user(Role.SUPERVISION, nodes=[nodes["community"]]),
        admin=user(Role.DISTRICT_ADMIN, nodes=[nodes["district"]]),
        residents=[resident(home) for home in homes],
        outsider=None,
    )
    w.resident_b = resident(nodes["household_b"])
    return w


def path(w, key: str = "six_step") -> Path:
    return Path.objects.get(district=w.district, key=key)


def topic(w, *, key: str = "six_step", title: str = "加装电梯机房空调", open_now: bool = True, **extra) -> Topic:
    """A topic raised by the community staff (community scope for the six-step path, the building
    for the 楼院 path)."""
    scope_kind = {"six_step": ScopeKind.COMMUNITY, "building": ScopeKind.BUILDING}.get(key, ScopeKind.COMMUNITY)
    area = w.community if scope_kind == ScopeKind.COMMUNITY else w.building
    values = {
        "title": title, "description": "3号楼电梯机房夏天温度超过40度，电梯频繁停运，居民建议加装空调。",
        "scope_kind": scope_kind, "area": area, "group": ConsultationGroup.LIVELIHOOD, "source": TopicSource.GROUP,
        "path": path(w, key), "open_now": open_now,
    }
    values.update(extra)
    return topics.topic_raise(actor=w.cstaff, **values)


StepOutcome = steps.StepOutcome


# --- resolutions: a topic walked through its six steps to a published resolution ---


def resolved_topic(w, *, title: str = "加装电梯机房空调", publish: bool = True) -> Topic:
    """A six-step topic of the community taken through every step with held meetings with minutes
    and a closed, passed vote (30 of 35 attending, of 50); published unless `publish=False` (then
    it waits at the publication step)."""
    from gongzhi.meetings.models import BodyKind
    from gongzhi.meetings.tests import factories as mf
    from gongzhi.votes.models import Vote, VoteMethod, VoteResult, VoteState

    def held(kind):
        meeting = mf.held(mf.meeting(mf.body(w.community, kind=kind)))
        mf.minutes(meeting)
        return meeting

    made = topic(w, title=title)
    made = steps.step_complete(actor=w.cstaff, topic=made, given=StepOutcome(outcome="社区党委提议。"))
    made = steps.step_complete(actor=w.cstaff, topic=made, given=StepOutcome(meeting=held(BodyKind.TWO_COMMITTEES)))
    made = steps.step_complete(actor=w.cstaff, topic=made, given=StepOutcome(meeting=held(BodyKind.PARTY_BRANCH)))
    vote = Vote.objects.create(
        area=made.area, meeting=held(BodyKind.RESIDENTS_ASSEMBLY), reference=f"topic:{made.pk}", title=made.title,
        question=f"同意{title}", method=VoteMethod.SHOW_OF_HANDS, state=VoteState.CLOSED, result=VoteResult.PASSED,
        yes_count=30, no_count=2, abstain_count=3, attending_count=35, electorate_count=50, sealed_hash="ab" * 32,
    )
    made = steps.step_complete(actor=w.cstaff, topic=made, given=StepOutcome(vote=vote))
    made = steps.step_complete(actor=w.supervisor, topic=made, given=StepOutcome(outcome="程序合规，同意公示。"))
    if publish:
        made = steps.step_complete(actor=w.cstaff, topic=made, given=StepOutcome(outcome="已张贴公示栏"))
    return made
