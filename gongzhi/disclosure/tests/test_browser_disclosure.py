"""In a real browser, without signing in: a staff member publishes a notice, the supervision
committee questions it and demands a correction, the owner corrects it (a new version), and the
public page shows the corrected version with its history, on a phone and on a desktop.

The staff and committee pages are not in this branch yet: their part runs through the services
(`items.item_publish`, `committee.review_item`, `items.item_correct`); the public pages are driven
in the browser."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.core.tests.browser import DESKTOP, PHONE, assert_png, save_screenshot, set_viewport, wait_for
from gongzhi.disclosure.models import ItemKind, Timing, Verdict
from gongzhi.disclosure.services import committee, items, questions
from gongzhi.disclosure.tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_corrected_notice_is_shown_with_its_history_on_a_phone_and_a_desktop(browser, live_server):
    from selenium.webdriver.common.by import By

    w = factories.world()
    community = w["community"]
    for n, title in enumerate(["2026年11月财务收支情况", "关于冬季供暖问题的答复", "2026年高龄老人生活补贴申领告知"]):
        factories.published(community, actor=w["staff"], title=title,
                             kind=[ItemKind.FINANCE, ItemKind.AFFAIRS, ItemKind.GOVERNMENT][n])
    # given a staff member publishes a notice
    draft = items.item_create(actor=w["staff"], community=community, kind=ItemKind.AFFAIRS, timing_type=Timing.MAJOR,
                              title="背街小巷环境整治项目实施方案公示",
                              body="经居民代表会议表决通过，拟实施路面修补和路灯增设，预算12.6万元。公示期5个工作日。")
    notice = items.item_publish(actor=w["staff"], item=draft)
    # and the committee questions it, then demands a correction
    committee.review_item(actor=w["supervisor"], item=notice, verdict=Verdict.QUESTION, comment="预算依据是什么？")
    committee.review_item(actor=w["supervisor"], item=notice, verdict=Verdict.CORRECT,
                          comment="决议为11.8万元，请更正。", deadline=timezone.localdate() + dt.timedelta(days=5))
    # when the owner corrects it
    corrected = items.item_correct(actor=w["staff"], item=notice, title=notice.title,
                                   body=notice.body.replace("12.6万元", "11.8万元"), reason="预算金额录入错误，更正为11.8万元")
    q = questions.question_ask(actor=w["resident"], item=corrected, text="路灯装在哪几条巷道？我的电话13912345678")
    questions.question_answer(actor=w["staff"], question=q, answer="装在瓜州路后街和铁建丽苑北侧巷道，共12盏。")

    # then anyone, without signing in, finds it on the community's public page on a phone
    set_viewport(browser, *PHONE)
    browser.get(live_server.url + reverse("disclosure:public-board", kwargs={"community_code": community.code}))
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".pub-item"))
    cards = browser.find_elements(By.CSS_SELECTOR, ".pub-item")
    assert len(cards) == 4
    assert "更正" in cards[0].text or "Corrected" in cards[0].text
    assert_png(save_screenshot(browser, "disclosure-public-board-phone"))
    cards[0].find_element(By.TAG_NAME, "a").click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "history"))
    page = browser.find_element(By.TAG_NAME, "main").text
    assert "11.8万元" in page and "预算金额录入错误" in page
    assert "139****5678" in page and "13912345678" not in page
    assert_png(save_screenshot(browser, "disclosure-public-item-phone"))
    # and the history leads to the replaced version, marked as such
    browser.find_element(By.CSS_SELECTOR, "#history li.superseded a").click()
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".pub-superseded-note"))
    assert "12.6万元" in browser.find_element(By.TAG_NAME, "main").text
    assert_png(save_screenshot(browser, "disclosure-public-superseded-phone"))

    # on a desktop: the board filtered by kind, the item, and the print view for the notice board
    set_viewport(browser, *DESKTOP)
    browser.get(live_server.url + reverse("disclosure:public-board", kwargs={"community_code": community.code})
                + "?kind=affairs")
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".pub-item"))
    assert len(browser.find_elements(By.CSS_SELECTOR, ".pub-item")) == 2
    assert_png(save_screenshot(browser, "disclosure-public-board-desktop"))
    browser.get(live_server.url + reverse("disclosure:public-item", kwargs={"community_code": community.code,
                                                                            "item_id": corrected.pk}))
    wait_for(browser, lambda d: d.find_elements(By.ID, "history"))
    assert_png(save_screenshot(browser, "disclosure-public-item-desktop"))
    browser.get(live_server.url + reverse("disclosure:public-item-print", kwargs={"community_code": community.code,
                                                                                  "item_id": corrected.pk}))
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".sheet"))
    assert_png(save_screenshot(browser, "disclosure-public-print-desktop"))
