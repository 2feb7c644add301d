"""Small helpers shared by the honours services."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from gongzhi.accounts.models import AreaBinding
from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core.errors import InvalidInput
from gongzhi.core.permissions import role_q
from gongzhi.votes.models import ancestor_paths

from ..permissions import KEEPER_ROLES


def field_error(name: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={name: [message]})


def community_of(node: AreaNode) -> AreaNode | None:
    """The community (or village) a node lies in — itself when it is one."""
    if node.kind == AreaKind.COMMUNITY:
        return node
    return AreaNode.objects.filter(kind=AreaKind.COMMUNITY, path__in=ancestor_paths(node.path)).first()


def keepers_of(node: AreaNode):
    """The active staff whose scope covers `node` (its community's, street's and district's staff)."""
    return get_user_model().objects.filter(
        role_q(KEEPER_ROLES), is_active=True,
        pk__in=AreaBinding.objects.filter(node__path__in=ancestor_paths(node.path)).values("user_id"),
    )


def text(value: str | None, name: str, *, required: str = "", limit: int) -> str:
    value = (value or "").strip()
    if required and not value:
        raise field_error(name, required)
    if len(value) > limit:
        from django.utils.translation import gettext as _

        raise field_error(name, _("At most %(n)d characters.") % {"n": limit})
    return value
