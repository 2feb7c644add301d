"""In a real browser: a resident proposes a topic on a phone, a neighbour co-signs it on a phone (the
threshold puts it on its path), and the community's staff complete its first step on a desktop.
Screenshots land in test-artifacts/screenshots/deliberation-topics-*.png."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from gongzhi.core.tests.browser import (
    DESKTOP,
    PHONE,
    assert_png,
    login,
    save_screenshot,
    set_viewport,
    submit_and_wait,
)
from gongzhi.deliberation.models import ProposalRule, ScopeKind, StepState, Topic, TopicState
from gongzhi.deliberation.tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(browser, live_server, who):
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    login(browser, live_server, who)


def test_a_resident_proposes_a_neighbour_co_signs_and_the_staff_complete_a_step(browser, live_server):
    w = f.world(households=3)
    ProposalRule.objects.filter(district=w.district, scope_kind=ScopeKind.BUILDING).update(signatures_needed=1)

    # given a resident on a phone, on "居民议事"
    set_viewport(browser, *PHONE)
    sign_in(browser, live_server, w.residents[0])
    browser.get(f"{live_server.url}/deliberation/mine/")
    assert_png(save_screenshot(browser, "deliberation-topics-1-mine-phone"))
    browser.find_element(By.CSS_SELECTOR, "a.big-button").click()
    # when they propose a topic for their building (chosen from where they live)
    Select(browser.find_element(By.NAME, "scope")).select_by_value(f"building:{w.building.pk}")
    Select(browser.find_element(By.NAME, "group")).select_by_value("urban_management")
    browser.find_element(By.NAME, "title").send_keys("增设非机动车棚")
    browser.find_element(By.NAME, "description").send_keys("楼下电动车乱停乱放，堵住消防通道，希望在西侧空地建一个车棚。")
    assert_png(save_screenshot(browser, "deliberation-topics-2-propose-phone"))
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#propose-form button[type=submit]"))
    topic = Topic.objects.get(title="增设非机动车棚")
    assert topic.state == TopicState.PROPOSED
    assert_png(save_screenshot(browser, "deliberation-topics-3-proposed-phone"))

    # and a neighbour of the building co-signs it on their phone
    sign_in(browser, live_server, w.residents[1])
    browser.get(f"{live_server.url}/deliberation/topics/{topic.pk}/")
    assert browser.find_element(By.ID, "signatures")
    assert_png(save_screenshot(browser, "deliberation-topics-4-co-sign-phone"))
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, ".topic-actions button[type=submit]"))
    topic.refresh_from_db()
    # then the threshold puts it on its path (楼院协商)
    assert topic.state == TopicState.IN_PROGRESS and topic.path.key == "building"
    assert "提出议题" in browser.find_element(By.ID, "timeline").text
    assert_png(save_screenshot(browser, "deliberation-topics-5-on-its-path-phone"))

    # when the community's staff, on a desktop, find it in the list and complete its first step
    set_viewport(browser, *DESKTOP)
    sign_in(browser, live_server, w.cstaff)
    browser.get(f"{live_server.url}/deliberation/topics/")
    assert "增设非机动车棚" in browser.find_element(By.ID, "topics").text
    assert_png(save_screenshot(browser, "deliberation-topics-6-list-desktop"))
    browser.find_element(By.LINK_TEXT, "增设非机动车棚").click()
    browser.find_element(By.NAME, "outcome").send_keys("在3号楼西侧空地建设非机动车棚，配套充电设施，费用由维修资金列支。")
    assert_png(save_screenshot(browser, "deliberation-topics-7-step-controls-desktop"))
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#complete-form button[type=submit]"))
    # then the timeline shows the step done, who did it, and the next step under way
    timeline = browser.find_element(By.ID, "timeline").text
    assert "在3号楼西侧空地建设非机动车棚" in timeline and "征询受影响住户" in timeline
    assert topic.steps.filter(state=StepState.DONE).count() == 1
    assert_png(save_screenshot(browser, "deliberation-topics-8-step-done-desktop"))
    set_viewport(browser, *PHONE)
    browser.get(f"{live_server.url}/deliberation/topics/{topic.pk}/")
    assert_png(save_screenshot(browser, "deliberation-topics-9-staff-topic-phone"))
    browser.get(f"{live_server.url}/deliberation/topics/")
    assert_png(save_screenshot(browser, "deliberation-topics-10-list-phone"))


def test_staff_raise_a_topic_from_a_case_in_one_click_on_a_phone(browser, live_server):
    from gongzhi.cases import catalogue_data
    from gongzhi.cases import services as case_services
    from gongzhi.cases.models import Category, Channel

    w = f.world()
    catalogue_data.load()
    case = case_services.case_submit(
        actor=w.residents[1], category=Category.objects.get(code="shared-bikes"), channel=Channel.ONLINE,
        title="楼下共享单车堆满了", description="单元门口堆了二十多辆共享单车，老人出入不便。", location=w.building)

    # given the community's staff on a phone, on the case page
    set_viewport(browser, *PHONE)
    sign_in(browser, live_server, w.cstaff)
    browser.get(f"{live_server.url}/cases/{case.pk}/")
    panel = browser.find_element(By.ID, "case-topics")
    # when they raise a topic from it: one click, the form comes filled from the case
    panel.find_element(By.CSS_SELECTOR, "a.button").click()
    assert browser.find_element(By.NAME, "title").get_attribute("value") == "楼下共享单车堆满了"
    assert_png(save_screenshot(browser, "deliberation-topics-11-raise-from-case-phone"))
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#raise-form button[type=submit]"))
    # then the topic is on its path, linked to the case, and the case page shows it
    topic = Topic.objects.get(cases=case)
    assert topic.state == TopicState.IN_PROGRESS
    assert case.reference in browser.find_element(By.ID, "cases").text
    browser.get(f"{live_server.url}/cases/{case.pk}/")
    assert topic.title in browser.find_element(By.ID, "case-topics").text
