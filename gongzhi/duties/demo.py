"""Duties demo (seed 001: the key tasks of 扫黑除恶、土地征收、环境保护、安全生产、违建治理 and the
accountability rules printed on a "明白纸" for every village and community cadre; accountability on
the principle 有权必有责、权责必相等、失职必追究, never 属地式、强压式 or "背锅式"): the district's sheets for
grid workers, community staff and street staff, the outcomes each maps to a rule, and one
accountability record from a supervision (督办) of a demo case that was still not handled."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.areas.models import AreaNode
from gongzhi.cases.models import OPEN_STATES, Case, Level, Supervision, SupervisionKind

from .models import Section
from .selectors.sources import DEDUCTION
from .services import records as record_services
from .services import sheets as sheet_services

UNHEEDED, RESPONSE_MISSED = "supervision.unheeded", "supervision.response_missed"

SHEETS = {
    Role.GRID_WORKER: ("网格员明白纸", {
        Section.KEY_TASKS: [
            "每月对网格内住户至少入户走访一遍，独居老人、困难家庭等重点人群每月不少于两次，走访情况当天录入系统。",
            "巡查中发现的安全生产隐患、违章搭建、环境卫生问题当天上报，能当场劝导处理的当场处理。",
            "配合做好扫黑除恶线索摸排，发现涉黑涉恶线索第一时间报告社区，不得私下处理。",
            "认领派到本网格的群众诉求，按时限联系诉求人、办理并反馈，办结后请群众评价。",
            "参加社区每周网格例会，按时报送网格民情台账。",
        ],
        Section.RED_LINES: [
            "不得瞒报、漏报、迟报安全生产隐患和矛盾纠纷。",
            "不得泄露居民个人信息，不得把居民电话、住址转给无关人员。",
            "不得虚报走访记录、伪造照片或代群众评价。",
            "不得对群众诉求推诿扯皮、敷衍应付。",
            "不得借工作之便吃拿卡要、收受好处。",
        ],
        Section.ACCOUNTABILITY: [
            "诉求被督办后三个工作日内仍未办理的，由街道约谈网格员，记入问责记录，当月考核按规则扣分。",
            "诉求未在响应时限内联系诉求人的，由社区提醒谈话；一个月内累计三次的，由街道约谈。",
            "月度考核扣分经确认（月度关账或申诉被驳回）的，记入问责记录，作为年度评优的参考。",
            "虚报走访、伪造记录的，取消当月绩效；情节严重的予以解聘。",
            "因客观原因未能完成且已如实报告的，不予问责。",
        ],
    }, {UNHEEDED: 1, RESPONSE_MISSED: 2, DEDUCTION: 3}),
    Role.COMMUNITY_STAFF: ("社区工作者明白纸", {
        Section.KEY_TASKS: [
            "统筹本社区扫黑除恶、安全生产、环境保护、违建治理等重点工作，任务分解到网格、责任落实到人。",
            "受理群众诉求当日分派，跟踪网格和部门办理进度，超时的及时协调或上报街道。",
            "每月至少召开一次网格例会，听取网格员民情汇报，研究解决重点难点问题。",
            "做好困难群众关爱和矛盾纠纷排查化解，重大矛盾纠纷当天报告街道。",
        ],
        Section.RED_LINES: [
            "不得对群众诉求推诿扯皮、层层转交不办理。",
            "不得瞒报、漏报重大安全隐患和矛盾纠纷。",
            "不得把应由社区办理的事项转嫁给网格员或群众。",
            "不得在低保救助、惠民资金审核中优亲厚友、弄虚作假。",
        ],
        Section.ACCOUNTABILITY: [
            "社区办理的诉求被督办后三个工作日内仍未办理的，由街道约谈社区书记，记入问责记录。",
            "诉求未在响应时限内联系诉求人的，由街道提醒谈话；同一季度累计三次的，通报批评。",
            "瞒报、漏报重大安全隐患造成后果的，依规依纪追究相关人员责任。",
            "坚持精准问责，防止属地式问责、强压式问责和“背锅式”问责。",
        ],
    }, {UNHEEDED: 1, RESPONSE_MISSED: 2}),
    Role.STREET_STAFF: ("街道干部明白纸", {
        Section.KEY_TASKS: [
            "牵头做好辖区扫黑除恶、土地征收、环境保护、安全生产、违建治理等重点工作，每月调度一次。",
            "社区上报的疑难诉求三日内协调解决，确需部门办理的及时向区直部门“呼叫”。",
            "指导监督社区网格管理，配合民情巡察员做好网格员考核。",
            "每季度对社区开展一次差异化考核评估，结果报区委社会工作部。",
        ],
        Section.RED_LINES: [
            "不得把应由街道承担的责任层层下压给社区和网格。",
            "不得对社区上报的问题不回复、不协调。",
            "不得在土地征收、违建治理中违规操作、损害群众利益。",
        ],
        Section.ACCOUNTABILITY: [
            "街道办理的诉求被督办后三个工作日内仍未办理的，由区里约谈分管领导，记入问责记录。",
            "因协调不力造成诉求多次超时的，在年度考核中扣分。",
            "按照有权必有责、权责必相等、失职必追究的原则，问责精准到事、到人，不搞“一刀切”。",
        ],
    }, {UNHEEDED: 1}),
}


def _parent(node: AreaNode) -> AreaNode:
    """The node above (the one the supervision is raised to), or the node itself at the top."""
    return AreaNode.objects.filter(path=node.path[: -AreaNode.steplen]).first() or node


def _supervise_one_case(ctx) -> Case | None:
    """A demo case a grid worker took on and let run past its limit: the supervision (督办) the SLA
    sweep would have raised when it fell due, a week ago."""
    held = Case.objects.filter(state__in=OPEN_STATES, assignee__isnull=False).order_by("pk")
    case = held.filter(level=Level.GRID).first() or held.first()
    if case is None:
        return None
    due = timezone.now() - dt.timedelta(days=7)
    if case.handling_due > due:
        Case.objects.filter(pk=case.pk).update(handling_due=due, handling_warn_at=due - dt.timedelta(days=1))
    if not case.supervisions.filter(kind=SupervisionKind.HANDLING_OVERDUE).exists():
        s = Supervision.objects.create(case=case, kind=SupervisionKind.HANDLING_OVERDUE, level="community",
                                       node=_parent(case.area), due=due,
                                       notified_at=due)
        Supervision.objects.filter(pk=s.pk).update(created_at=due)
    return case


def load(ctx) -> None:
    users = ctx.data.get("users", {})
    actor = users.get(Role.DISTRICT_ADMIN) or ctx.actor
    start = timezone.localdate() - dt.timedelta(days=60)
    for role, (title, content, mapping) in SHEETS.items():
        sheet = sheet_services.sheet_create(actor=actor, role=role, title=title)
        for section, items in content.items():
            sheet_services.section_save(actor=actor, sheet=sheet, section=section, items=items,
                                        note="年初印发")
        # The demo's sheets applied from two months ago (as if printed at the start of the quarter).
        sheet.versions.update(valid_from=start)
        for kind, number in mapping.items():
            sheet_services.mapping_set(actor=actor, sheet=sheet, source_kind=kind, rule_number=number)
    case = _supervise_one_case(ctx)
    result = record_services.accountability_sync(actor=ctx.actor)
    ctx.log(f"duties: {len(SHEETS)} duty sheets, {result['made']} accountability records"
            f"{' (case ' + str(case.pk) + ')' if case else ''}")
