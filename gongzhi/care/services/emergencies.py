"""Emergencies at the door (紧急情况): one button tells at once the household's emergency contacts
that use the app, the grid worker(s) and the community's staff covering the household, and opens
an urgent case (the matter `CARE_EMERGENCY_CATEGORY`) in the pipeline; the community marks it
handled (EMERGENCY_WORKFLOW). Who was told is kept on the emergency (`told`)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gongzhi.areas.models import AreaNode
from gongzhi.cases.models import Category, Channel
from gongzhi.cases.services.intake import case_submit
from gongzhi.core import audit
from gongzhi.core.actors import Actor, SystemActor, actor_user
from gongzhi.core.components import setting
from gongzhi.core.errors import InvalidInput
from gongzhi.core.notifications import notify
from gongzhi.core.permissions import role_q
from gongzhi.core.workflow import apply_transition, lock_visible

from ..models import CareVisit, Emergency
from ..permissions import COMMUNITY_ROLES
from ..workflow import EMERGENCY_WORKFLOW
from .inputs import field_error, object_id
from .visits import plan_for_visit

DESCRIPTION_MAX = 2000
EMERGENCIES_URL = "/care/emergencies/"


def covering_staff(household: AreaNode) -> list:
    """The grid workers and community staff bound to the household or an area above it."""
    steplen = AreaNode.steplen
    paths = [household.path[:i] for i in range(steplen, len(household.path) + 1, steplen)]
    User = get_user_model()
    return list(User.objects.filter(role_q(COMMUNITY_ROLES), area_bindings__node__path__in=paths, is_active=True)
                .distinct().order_by("pk"))


@transaction.atomic
def emergency_raise(*, actor: Actor, plan, description: str, visit=None) -> Emergency:
    row = plan_for_visit(actor, plan)
    text = (description or "").strip()
    if not text:
        raise field_error("description", _("Say what happened."))
    if len(text) > DESCRIPTION_MAX:
        raise field_error("description", _("At most %(n)d characters.") % {"n": DESCRIPTION_MAX})
    visit_row = None
    if object_id(visit) is not None:
        visit_row = CareVisit.objects.visible_to(actor).filter(pk=object_id(visit), plan=row).first()
        if visit_row is None:
            raise field_error("visit", _("No such visit at this household."))
    code = setting("CARE_EMERGENCY_CATEGORY")
    category = Category.objects.filter(code=code, is_active=True, parent__isnull=False).first()
    if category is None:
        raise InvalidInput(_("The matter for emergencies (%(code)s) is missing from the catalogue.") % {"code": code},
                           fields={"description": [_("The emergency could not be filed: ask the community.")]})
    household = row.household
    case = case_submit(actor=SystemActor(label="care:emergency", on_behalf_of=actor_user(actor)),
                       channel=Channel.VISIT, category=category,
                       title=(_("Emergency at %(address)s") % {"address": household.name})[:60],
                       description=text, location=household)
    contacts = list(row.contacts.select_related("user").order_by("pk"))
    contact_users = [c.user for c in contacts if c.user_id and c.user.is_active]
    staff = covering_staff(household)
    recipients = list({u.pk: u for u in contact_users + staff}.values())
    emergency = Emergency.objects.create(
        plan=row, visit=visit_row, description=text, raised_by=actor_user(actor), case=case,
        told={"contacts": [c.name for c in contacts if c.user_id and c.user.is_active],
              "users": [u.pk for u in recipients], "sms": 0})
    audit.record(actor=actor, action="care.emergency.raise", obj=emergency,
                 after={"plan": row.pk, "case": case.reference, "told": emergency.told})
    title = (_("Emergency at %(address)s: %(text)s") % {"address": household.name, "text": text})[:200]

    def tell() -> None:
        notify(recipients=recipients, kind="care.emergency", title=title, body=text[:500], obj=emergency,
               url=EMERGENCIES_URL)

    transaction.on_commit(tell)
    return emergency


@transaction.atomic
def emergency_handle(*, actor: Actor, emergency, note: str = "") -> Emergency:
    row = lock_visible(Emergency, actor=actor, pk=object_id(emergency))
    note = (note or "").strip()
    if not note:
        raise field_error("note", pgettext("care emergency", "Say what was done."))

    def update(obj: Emergency):
        from django.utils import timezone

        obj.handled_by = actor_user(actor)
        obj.handled_at = timezone.now()
        obj.handled_note = note[:300]
        return ["handled_by", "handled_at", "handled_note"]

    return apply_transition(EMERGENCY_WORKFLOW, actor=actor, obj=row, action="handle", update=update, locked=True,
                            note=note[:200])
