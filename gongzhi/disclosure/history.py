"""How the open books' audit events read in a history (`gongzhi.core.history` reads this)."""

from django.utils.translation import gettext_lazy as _

DESCRIBE = {
    "disclosure.item.create": _("composed the notice"),
    "disclosure.item.compose": _("wrote the planned notice"),
    "disclosure.item.edit": _("changed the draft notice"),
    "disclosure.item.attach": _("attached files to the notice"),
    "disclosure.item.publish": _("published the notice"),
    "disclosure.item.correct": _("replaced the notice by a correction"),
    "disclosure.item.correct_version": _("published a corrected version"),
    "disclosure.item.remind": _("reminded the owners of notices due"),
    "disclosure.schedule.create": _("scheduled regular business"),
    "disclosure.schedule.plan": _("planned the notices of a schedule"),
    "disclosure.statement.create": _("drew up a financial statement"),
    "disclosure.statement.publish": _("published the financial statement"),
    "disclosure.fund.allocation": _("recorded an allocation to the service fund"),
    "disclosure.fund.spending": _("recorded a spending from the service fund"),
    "disclosure.fund.receipt": _("attached receipts to a fund entry"),
    "disclosure.election.record": _("recorded the supervision committee's election"),
    "disclosure.review.approve": _("approved the notice (supervision committee)"),
    "disclosure.review.question": _("questioned the notice (supervision committee)"),
    "disclosure.review.correct": _("demanded a correction (supervision committee)"),
    "disclosure.rectification.create": _("set a rectification with a deadline"),
    "disclosure.rectification.report": _("reported the rectification done"),
    "disclosure.rectification.accept": _("accepted and closed the rectification"),
    "disclosure.rectification.reject": _("sent the rectification back"),
    "disclosure.rectification.late": _("flagged the rectification as late"),
    "disclosure.question.ask": _("asked a question on the notice"),
    "disclosure.question.answer": _("answered a resident's question in public"),
    "disclosure.question.unanswered": _("flagged a question as unanswered"),
    "disclosure.figures.export": _("exported the open books figures"),
}

ACTORS = {
    "task:disclosure-plan": _("Automatic publication planner"),
    "task:disclosure-remind": _("Automatic publication reminders"),
    "task:disclosure-flag": _("Automatic late check"),
}
