"""Every page of co-building, in a real browser, on a phone (390 px) and on a desktop, as the
community's staff, a unit's liaison, an in-service member, a resident and the public: each opens, fits the
width (no table or line cut off, no Chinese broken one character per line) and leaves a screenshot
in test-artifacts/screenshots/cobuilding-tour-*.png to look at."""

import pytest
from django.urls import reverse
from selenium.webdriver.common.by import By

from gongzhi.cobuilding.models import (
    MemberReport,
    Milestone,
    NeedState,
    PostKind,
    ProblemUpdate,
    ProjectPartner,
)
from gongzhi.cobuilding.tests import factories, factories_members
from gongzhi.cobuilding.tests.factories_needs import world
from gongzhi.core.tests.browser import (
    DESKTOP,
    PHONE,
    assert_png,
    login,
    overflow_problems,
    save_screenshot,
    set_viewport,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _world():
    w = world()
    w.resource = factories.resource(w.unit_report, title="学校多功能教室（周末开放）", cat=w.tutoring, capacity=8)
    w.need = factories.need(w.household_a, title="独居老人周末午餐送餐上门", cat=w.meals, raised_by=w.staff)
    w.wish = factories.need(w.household_a, title="想请人帮忙修一下楼道里坏了的声控灯", cat=w.meals,
                            raised_by=w.resident, beneficiary_user=w.resident)
    w.claimed = factories.need(w.community, title="四点半课堂需要两名辅导老师", cat=w.tutoring,
                               state=NeedState.CLAIMED)
    w.claimed.claimed_member = w.member_report
    w.claimed.save(update_fields=["claimed_member"])
    w.project = factories.project(w.community, w.unit, title="四点半课堂（瓜州路小学共建）")
    ProjectPartner.objects.create(project=w.project, member_report=w.member_report, duties="每周三下午辅导作业")
    Milestone.objects.create(project=w.project, title="第一学期开课", due_on=w.project.term_start)
    MemberReport.objects.filter(pk=w.member_report.pk).update(public_profile=True, duty="负责A1号楼的邻里互助")
    factories_members.post(w.member_report, kind=PostKind.BUILDING_HEAD, place=w.building_a)
    factories_members.log(w.member_report, w.project.term_start, what="帮A1号楼独居的王奶奶取药、买菜")
    w.report = factories_members.quarter_report(w.member_report)
    w.problem = factories.problem(w.unit, w.community, title="学校门口接送时段停车难，家长车辆占道")
    ProblemUpdate.objects.create(problem=w.problem, author=w.staff, text="已联系交警中队，拟增设临时停车位")
    return w


def _staff_pages(w) -> list[tuple[str, dict]]:
    return [
        ("home", {}), ("units", {}), ("unit-register", {}), ("unit-detail", {"unit_report_id": w.unit_report.pk}),
        ("unit-edit", {"unit_report_id": w.unit_report.pk}),
        ("resources", {}), ("resource-new", {}), ("resource-detail", {"resource_id": w.resource.pk}),
        ("resource-edit", {"resource_id": w.resource.pk}),
        ("needs", {}), ("need-new", {}), ("need-detail", {"need_id": w.need.pk}), ("need-edit", {"need_id": w.need.pk}),
        ("projects", {}), ("project-new", {}), ("project-detail", {"project_id": w.project.pk}),
        ("problems", {}), ("problem-new", {}), ("problem-detail", {"problem_id": w.problem.pk}),
        ("cards", {}), ("figures", {}), ("members", {}), ("member-register", {}),
        ("member-detail", {"member_report_id": w.member_report.pk}), ("quarter-reports", {}),
        ("quarter-report", {"quarter_report_id": w.report.pk}),
    ]


def _liaison_pages(w) -> list[tuple[str, dict]]:
    return [("home", {}), ("my-unit", {}), ("employer-inbox", {}), ("claimable", {}), ("resources", {}), ("resource-new", {}),
            ("problems", {}), ("problem-new", {}), ("projects", {}), ("project-detail", {"project_id": w.project.pk})]


def _member_pages(w) -> list[tuple[str, dict]]:
    return [("home", {}), ("my-service", {}), ("claimable", {}), ("need-detail", {"need_id": w.claimed.pk})]


def _resident_pages(w) -> list[tuple[str, dict]]:
    return [("home", {}), ("wish-new", {}), ("need-detail", {"need_id": w.wish.pk})]


def _tour(browser, live_server, who, pages, size, label) -> list[str]:
    """Open each page; the problems of every page that does not fit, all at once."""
    problems = []
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    if who is not None:
        login(browser, live_server, who)
    set_viewport(browser, *size)
    for name, kwargs in pages:
        browser.get(live_server.url + reverse(f"cobuilding:{name}", kwargs=kwargs))
        heading = browser.find_elements(By.TAG_NAME, "h1")
        assert heading and heading[0].text.strip(), f"{label} {name}: no heading (an error page?)"
        problems += [f"{label} {name}: {problem}" for problem in overflow_problems(browser)]
        assert_png(save_screenshot(browser, f"cobuilding-tour-{label}-{name}", check_fit=False), min_bytes=3000)
    return problems


@pytest.mark.parametrize("size,label", [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_every_page_opens_and_fits_for_staff_liaisons_members_and_residents(browser, live_server, size, label):
    w = _world()
    problems = _tour(browser, live_server, w.staff, _staff_pages(w), size, f"{label}-staff")
    problems += _tour(browser, live_server, w.liaison, _liaison_pages(w), size, f"{label}-liaison")
    problems += _tour(browser, live_server, w.member_user, _member_pages(w), size, f"{label}-member")
    problems += _tour(browser, live_server, w.resident, _resident_pages(w), size, f"{label}-resident")
    problems += _tour(browser, live_server, None, [
        ("who-to-find", {"community_id": w.community.pk}), ("member-profile", {"member_report_id": w.member_report.pk}),
    ], size, f"{label}-public")
    assert not problems, "\n".join(problems)
