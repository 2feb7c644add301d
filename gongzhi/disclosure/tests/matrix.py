"""The open books' objects for the role × endpoint matrix (gongzhi.core.tests.matrix): in each
district a draft item of the community (drafts are seen only by the area's staff and committee, so
district 2's is outside for every role); district 1's are inside."""

from __future__ import annotations

from gongzhi.accounts.roles import Role
from gongzhi.core.tests.matrix import Param, World
from gongzhi.disclosure.tests import factories

# Who reads a community's items, figures and money in scope (permissions.READER_ROLES).
SEEN_BY = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_ADMIN, Role.SUPERVISION, Role.INSPECTOR})


def _district(nodes: dict) -> dict:
    return {"item": factories.draft(nodes["community"], title="2026年度城乡低保对象名单公示"),
            "public_item": factories.published(nodes["community"], title="2026年第四季度居务公开")}


def objects(world: World) -> dict[str, Param]:
    inside, outside = _district(world.d1), _district(world.d2)

    def param(key: str, seen: frozenset = SEEN_BY) -> Param:
        return Param(inside=inside[key].pk, outside=outside[key].pk, seen_by=seen)

    return {
        "item_id": param("item"),
        # The public pages (no login; everyone sees a published item): district 1's community in the
        # path; district 2's published item named under it is outside (404 like an absent id).
        "public.community_code": Param.fixed(world.d1["community"].code),
        "public.item_id": param("public_item", frozenset(Role)),
    }
