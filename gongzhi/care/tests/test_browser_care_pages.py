"""Every care page in a real browser, at 390 px and on a desktop: nothing wider than the screen
(`save_screenshot` checks it), no raw codes, Chinese throughout. Screenshots land in
test-artifacts/screenshots/care-tour-*.png."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.care.services import emergencies as emergency_services
from gongzhi.care.services import rosters as roster_services
from gongzhi.care.services import visits as visit_services
from gongzhi.cases import catalogue_data
from gongzhi.core.tests.browser import DESKTOP, PHONE, assert_png, login, save_screenshot, set_viewport

from . import factories_plans

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RAW_CODES = ("elderly_alone", "subsistence", "groceries", "as_before", "planned", "missed", "living-alone")


def test_every_care_page_fits_a_phone_and_a_desktop_in_chinese(browser, live_server):
    catalogue_data.load()  # a transactional test starts from an empty catalogue on PostgreSQL (flushed)
    w = factories_plans.world()
    today = timezone.localdate()
    roster = roster_services.roster_generate(actor=w["secretary"], branch=w["care_branch"],
                                             start_on=today - dt.timedelta(days=6), end_on=today + dt.timedelta(days=21))
    roster_services.roster_publish(actor=w["secretary"], roster=roster)
    visit = visit_services.visit_record(actor=w["volunteer_user"], plan=w["plan"], check_in_code=w["plan"].checkin_code,
                                        done=["groceries", "company"], condition="as_before", notes="菜买好了，老人精神不错。")
    emergency_services.emergency_raise(actor=w["volunteer_user"], plan=w["plan"], visit=visit,
                                       description="老人在卫生间摔倒，意识清醒，起不来。")
    plan, branch = w["plan"], w["care_branch"]
    staff_pages = [
        ("home", "/care/"),
        ("plans", "/care/plans/"),
        ("plan", f"/care/plans/{plan.pk}/"),
        ("plan-new", f"/care/plans/new/{w['household_tagged'].pk}/"),
        ("from-tags", "/care/plans/from-tags/"),
        ("contact", f"/care/plans/{plan.pk}/contacts/add/"),
        ("close", f"/care/plans/{plan.pk}/close/"),
        ("branches", "/care/branches/"),
        ("branch", f"/care/branches/{branch.pk}/"),
        ("carer-add", f"/care/branches/{branch.pk}/carers/add/"),
        ("carer-change", f"/care/carers/{w['carer_volunteer'].pk}/change/"),
        ("rosters", "/care/rosters/"),
        ("roster", f"/care/rosters/{roster.pk}/?month={today:%Y-%m}"),
        ("visit", f"/care/visits/{visit.pk}/"),
        ("emergencies", "/care/emergencies/"),
        ("figures", "/care/figures/"),
        ("household", f"/residents/households/{w['household_a'].pk}/"),
    ]
    carer_pages = [
        ("my-turns", "/care/my-turns/"),
        ("record", f"/care/visits/plans/{plan.pk}/record/"),
        ("emergency", f"/care/emergencies/plans/{plan.pk}/raise/"),
    ]
    for size_name, size in (("phone", PHONE), ("desktop", DESKTOP)):
        set_viewport(browser, *size)
        for who, pages in ((w["community_staff"], staff_pages), (w["volunteer_user"], carer_pages)):
            browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
            login(browser, live_server, who)
            for name, url in pages:
                browser.get(f"{live_server.url}{url}")
                text = browser.find_element("tag name", "main").text if browser.find_elements("tag name", "main") \
                    else browser.find_element("tag name", "body").text
                assert "Server Error" not in browser.page_source and "Not Found" not in browser.title, url
                assert not [code for code in RAW_CODES if code in text], (url, text)
                assert_png(save_screenshot(browser, f"care-tour-{size_name}-{name}"))
