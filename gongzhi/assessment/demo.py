"""Assessment demo (seed 001: grid workers' work is quantified and tied to their pay): a quarter of
scores — this month and the two before — for the demo street's grid workers, computed from the
events the other demos recorded (door visits, cases, care turns, meetings, inspectors' findings);
the two earlier months closed by the street. Then what people do with scores: the community asks
for a correction that the street approves, a worker appeals a line of a closed month and the
street decides it with a reason, and the other worker's appeal of this month waits for the street.
Everything goes through the services, as the staff and workers would do it."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from gongzhi.core.demo import DemoContext

from .models import AppealState, LineOrigin, ScoreLine, WorkerMonth, month_start
from .services import appeals as appeal_services
from .services import corrections as correction_services
from .services import scoring

CORRECTION_REASON = "18日晚协助物业处置3号楼燃气泄漏，连夜逐户敲门通知，系统里没有记录，申请补加分。"
CORRECTION_NOTE = "已向物业核实，情况属实。"
APPEALS = {
    "deduction": ("那户我当天去过，住户家老人记错了日子，我手机里有当天在楼道拍的照片，可以调出来看。",
                  "调取了走访照片和定位记录，当天确实上门了，扣分撤销。"),
    "points": ("这条记成了别人的走访，我那天在社区开会，不该算我的分，麻烦核一下。",
               "核实后是系统归错了人，这一条不计分。"),
}
PENDING_REASON = "这件事超期是因为等城管局回复，延期申请上周已经交给社区了，请街道再看一下。"


def _users() -> dict:
    names = ("wangge", "wangge2", "shequ", "jiedao", "shuji", "quadmin")
    return {u.username: u for u in get_user_model().objects.filter(username__in=names)}


def _months(today: dt.date) -> list[dt.date]:
    """This month and the two before it, oldest first."""
    current = month_start(today)
    previous = month_start(current - dt.timedelta(days=1))
    return [month_start(previous - dt.timedelta(days=1)), previous, current]


def _line_to_appeal(month: WorkerMonth | None) -> tuple[ScoreLine | None, str]:
    """A deduction of the month if there is one (what workers appeal), else a line with points."""
    if month is None:
        return None, ""
    rules = month.lines.filter(origin=LineOrigin.RULE).exclude(points=0)
    found = rules.filter(points__lt=0).order_by("occurred_at", "pk").first()
    if found is not None:
        return found, "deduction"
    found = rules.order_by("-occurred_at", "pk").first()
    return found, "points" if found is not None else ""


def load(ctx: DemoContext) -> None:
    street = ctx.data.get("street")
    if street is None:
        ctx.log("assessment: no demo street, skipped")
        return
    users = _users()
    actor = ctx.actor
    months = _months(timezone.localdate())
    for month in months:
        result = scoring.month_compute(actor=actor, month=month, node=street)
        ctx.log(f"assessment: {month:%Y-%m} computed for {result.workers} grid workers, {result.lines} lines")
    closer = users.get("jiedao") or actor
    for month in months[:2]:
        scoring.month_close(actor=closer, month=month, node=street)
    workers = [users[name] for name in ("wangge", "wangge2") if name in users]
    if not workers:
        ctx.log("assessment: no demo grid workers, no appeals or corrections")
        return
    street_staff = users.get("jiedao")
    community_staff = users.get("shequ") or users.get("shuji")
    first, second = workers[0], workers[-1]
    previous = months[1]

    # The community asks for a correction of the first worker's last month; the street approves it.
    month = WorkerMonth.objects.filter(worker=first, month=previous).first()
    if month is not None and community_staff is not None and street_staff is not None:
        correction = correction_services.correction_request(actor=community_staff, worker_month=month, points=2,
                                                             reason=CORRECTION_REASON)
        correction_services.correction_approve(actor=street_staff, correction=correction, note=CORRECTION_NOTE)

    # The second worker appeals a line of the closed month; the street decides with a reason.
    line, kind = _line_to_appeal(WorkerMonth.objects.filter(worker=second, month=previous).first())
    if line is not None and street_staff is not None:
        reason, decision = APPEALS[kind]
        appeal = appeal_services.appeal_file(actor=second, line=line, reason=reason)
        appeal_services.appeal_uphold(actor=street_staff, appeal=appeal, reason=decision)

    # The first worker's appeal of this month waits for the street.
    line, _kind = _line_to_appeal(WorkerMonth.objects.filter(worker=first, month=months[2]).first())
    if line is not None and not line.appeals.filter(state=AppealState.PENDING).exists():
        appeal_services.appeal_file(actor=first, line=line, reason=PENDING_REASON if line.points < 0
                                    else APPEALS["points"][0])
    ctx.log(f"assessment: a quarter of scores ({months[0]:%Y-%m} — {months[2]:%Y-%m}), two months closed, "
            "one correction approved, one appeal decided and one waiting")
