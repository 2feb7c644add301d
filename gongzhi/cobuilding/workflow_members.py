"""The states of a member's registration and of a quarterly report (run by `gongzhi.core.workflow`).

    registration:  pending ─confirm─▶ active ─end─▶ ended
                   pending ─refuse──▶ refused
                   pending ─end─────▶ ended          (withdrawn by the member or the community)
    quarter report: draft ─send─▶ sent ─acknowledge─▶ received
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.core.workflow import Transition, Workflow, bind

from .models import MemberReport, QuarterReport, QuarterReportState, ReportInState

R = ReportInState
Q = QuarterReportState

MEMBER_REPORT_WORKFLOW = bind(
    Workflow(
        "cobuilding.member_report",
        (
            Transition("confirm", _("Confirm the registration"), (R.PENDING,), (R.ACTIVE,),
                       permission="cobuilding.confirm_for_employer"),
            Transition("refuse", _("Do not confirm"), (R.PENDING,), (R.REFUSED,),
                       permission="cobuilding.confirm_for_employer"),
            Transition("end", _("End the registration"), (R.PENDING, R.ACTIVE), (R.ENDED,),
                       permission="cobuilding.report_in"),
        ),
    ),
    MemberReport,
)

QUARTER_REPORT_WORKFLOW = bind(
    Workflow(
        "cobuilding.quarter_report",
        (
            Transition("send", _("Send to the employer"), (Q.DRAFT,), (Q.SENT,),
                       permission="cobuilding.keep_registrations"),
            Transition("acknowledge", _("Confirm receipt"), (Q.SENT,), (Q.RECEIVED,),
                       permission="cobuilding.confirm_for_employer"),
        ),
    ),
    QuarterReport,
)
