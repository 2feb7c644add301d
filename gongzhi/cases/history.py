"""How the case pipeline's audit events read in a history (`gongzhi.core.history` reads this):
each action as the end of a sentence whose subject is who did it, the system actors the pipeline
writes as, and the keys of its events that are not fields of the case."""

from django.utils.translation import gettext_lazy as _


def _yes_no(value) -> str:
    from django.utils.translation import gettext

    return gettext("yes") if value else gettext("no")


def _departments(codes) -> str:
    from gongzhi.areas.models import Department

    names = dict(Department.objects.filter(code__in=list(codes or ())).values_list("code", "name"))
    return "、".join(names.get(code, "—") for code in codes or ())


def _call_department(pk) -> str:
    from .models import WhistleCall

    call = WhistleCall.objects.select_related("department").filter(pk=pk).first()
    return call.department.name if call else "—"


def _case_reference(pk) -> str:
    from .models import Case

    case = Case.objects.filter(pk=pk).only("pk", "created_at").first()
    return case.reference if case else "—"


def _stage(value) -> str:
    from .models import DisputeStage

    return str(dict(DisputeStage.choices).get(value, value))


def _outcome(value) -> str:
    from .models import DisputeOutcome

    return str(dict(DisputeOutcome.choices).get(value, value))


def _role(value) -> str:
    from .models import PartyRole

    return str(dict(PartyRole.choices).get(value, value))


DESCRIBE = {
    "cases.case.submit": _("filed the request"),
    "cases.case.accept": _("accepted the request"),
    "cases.case.reject": _("rejected the request"),
    "cases.case.merge": _("merged the request into another case"),
    "cases.case.recategorise": _("changed the request's matter"),
    "cases.case.dispatch": _("dispatched the request"),
    "cases.case.claim": _("claimed the request"),
    "cases.case.return": _("returned the request to the dispatcher"),
    "cases.case.escalate": _("escalated the request to the level above"),
    "cases.case.respond": _("first contacted the requester"),
    "cases.case.contact": _("recorded contact with the requester"),
    "cases.case.note": _("added a note"),
    "cases.case.request_extension": _("asked for more time"),
    "cases.case.extension": _("decided on the request for more time"),
    "cases.case.approve_extension": _("approved more time"),
    "cases.case.resolve": _("resolved the request"),
    "cases.case.verify_pass": _("verified the result and passed it"),
    "cases.case.verify_fail": _("verified the result and sent it back"),
    "cases.case.rate": _("rated the result"),
    "cases.case.callback": _("called the requester back and recorded their rating"),
    "cases.case.reopen": _("took the reopened request up again"),
    "cases.case.auto_close": _("closed the request without a rating (time limit passed)"),
    "cases.case.whistle": _("called departments to the request (吹哨)"),
    "cases.case.acknowledge": _("reported in for the department (报到)"),
    "cases.case.report_part": _("reported the department's part"),
    "cases.case.reveal_text": _("looked at the numbers in the request's text"),
    "cases.case.reveal_contact": _("looked at the requester's phone number"),
    "cases.dispute.party": _("added a party to the dispute"),
    "cases.dispute.session": _("recorded a mediation session"),
    "cases.dispute.escalate": _("moved the dispute on"),
    "cases.category.save": _("saved the matter in the catalogue"),
    "cases.sla.sweep": _("checked the time limits"),
}

ACTORS = {
    "triage": _("Smart triage"),
    "task:sla-sweep": _("Automatic time-limit check"),
}

FIELDS = {
    "departments": (_("departments called"), _departments),
    "call": (_("department"), _call_department),
    "late": (_("reported in late"), _yes_no),
    "solved": (_("solved"), _yes_no),
    "approved": (_("approved"), _yes_no),
    "attachments": (_("photos"), None),
    "master": (_("merged into"), _case_reference),
    "stage": (_("stage"), _stage),
    "outcome": (_("outcome"), _outcome),
    "role": (_("role"), _role),
    "name": (_("name"), None),
}

HIDDEN = {"event", "callback", "fields", "count", "ids", "handling_warn_at"}
