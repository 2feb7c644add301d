"""In a real browser, on a phone and a desktop: the staff's due board and a notice with the
committee's review form; the committee's open rectifications; the service fund. Every page fits the
phone's width (the screenshot helper fails otherwise)."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.core.tests.browser import DESKTOP, PHONE, assert_png, login, save_screenshot, set_viewport
from gongzhi.disclosure.models import FundEntryKind, Timing
from gongzhi.disclosure.services import committee, money
from gongzhi.disclosure.tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _world():
    w = factories.world()
    now = timezone.now()
    factories.draft(w["community"], actor=w["staff"], timing=Timing.MAJOR, title="关于小区加装电梯的决定",
                    trigger_at=now - dt.timedelta(days=10))
    item = factories.published(w["community"], actor=w["staff"], title="2026年第三季度城乡低保金发放情况公示",
                               body="本季度共发放低保金12户，合计人民币38,400元。明细见附件。")
    committee.rectification_create(actor=w["supervisor"], community=w["community"], title="公开栏照片模糊，需重新张贴",
                                   owner=w["staff"], deadline=timezone.localdate() + dt.timedelta(days=5), item=item)
    money.fund_record(actor=w["staff"], community=w["community"], kind=FundEntryKind.ALLOCATION, amount=2_000_000,
                      purpose="2026年党组织服务群众专项经费拨付")
    money.fund_record(actor=w["staff"], community=w["community"], kind=FundEntryKind.SPENDING, amount=350_000,
                      purpose="疏通3号楼堵塞的下水管道", approval="社区两委会议2026-05-06决定")
    return w, item


@pytest.mark.parametrize("size,label", [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_staff_and_committee_pages_fit(browser, live_server, size, label):
    from selenium.webdriver.common.by import By

    w, item = _world()
    set_viewport(browser, *size)
    login(browser, live_server, w["staff"])
    browser.get(f"{live_server.url}/disclosure/?node_id={w['community'].pk}")
    assert "瓜州路社区" in browser.find_element(By.TAG_NAME, "main").text
    assert_png(save_screenshot(browser, f"disclosure-board-{label}"))
    browser.get(f"{live_server.url}/disclosure/fund/")
    assert "16,500.00" in browser.page_source
    assert_png(save_screenshot(browser, f"disclosure-fund-{label}"))
    browser.delete_all_cookies()
    login(browser, live_server, w["supervisor"])
    browser.get(f"{live_server.url}/disclosure/items/{item.pk}/")
    assert browser.find_elements(By.ID, "review-form")
    assert_png(save_screenshot(browser, f"disclosure-item-review-{label}"))
    browser.get(f"{live_server.url}/disclosure/rectifications/")
    assert "公开栏照片模糊" in browser.page_source
    assert_png(save_screenshot(browser, f"disclosure-rectifications-{label}"))
