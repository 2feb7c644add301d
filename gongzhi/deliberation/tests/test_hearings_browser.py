"""In a real browser: the community's staff call a public hearing on a topic, a resident registers
to speak on a phone, on the day the staff record the views (one refused for having no text), attach
the record of views to the topic and download it; afterwards the resident reads the record on the
phone, without any phone number. Screenshots land in test-artifacts/screenshots/deliberation-hearing-*.png."""

import datetime as dt

import pytest
from django.utils import timezone
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
from gongzhi.deliberation.models import Hearing, HearingRegistration, HearingView
from gongzhi.deliberation.services import hearings
from gongzhi.deliberation.tests import factories
from gongzhi.deliberation.tests.test_hearings_services import day_of_hearing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FETCH_PDF = """
const done = arguments[arguments.length - 1];
fetch(arguments[0], {credentials: 'same-origin'}).then(r => r.arrayBuffer().then(b => done(
  [r.status, r.headers.get('content-type'), new TextDecoder().decode(b.slice(0, 5)), b.byteLength])));
"""


def sign_in(browser, live_server, who):
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    login(browser, live_server, who)


def set_value(browser, element_id: str, value: str) -> None:
    browser.execute_script("document.getElementById(arguments[0]).value = arguments[1]", element_id, value)


def test_a_resident_registers_to_speak_on_a_phone_and_the_record_of_views_is_downloadable(browser, live_server):
    w = factories.world()
    topic = factories.topic(w, title="加装电梯机房空调")
    resident = w.residents[0]

    # given the community's staff on a phone, calling a hearing on the topic
    set_viewport(browser, *PHONE)
    sign_in(browser, live_server, w.cstaff)
    browser.get(f"{live_server.url}/deliberation/topics/{topic.pk}/hearings/")
    assert_png(save_screenshot(browser, "deliberation-hearing-1-topic-panel-phone"))
    browser.find_element(By.CSS_SELECTOR, "#hearings-panel a.button").click()
    now = timezone.localtime()
    set_value(browser, "starts_at", (now + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"))
    set_value(browser, "registration_closes_at", (now + dt.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"))
    browser.find_element(By.NAME, "location").send_keys("瓜州路社区党群服务中心二楼会议室")
    browser.find_element(By.NAME, "seats").clear()
    browser.find_element(By.NAME, "seats").send_keys("30")
    browser.find_element(By.NAME, "speakers_limit").clear()
    browser.find_element(By.NAME, "speakers_limit").send_keys("5")
    assert_png(save_screenshot(browser, "deliberation-hearing-2-call-phone"))
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#hearing-form button[type=submit]"))
    hearing = Hearing.objects.get(topic=topic)
    assert hearing.seats == 30 and hearing.speakers_limit == 5

    # and someone without an account registered by the staff, by name and phone
    hearings.hearing_register(actor=w.cstaff, hearing=hearing, on_behalf=True, name="王秀兰", phone="13912345678",
                              affiliation="业委会", wants_to_speak=True)

    # when a resident of the community opens their hearings on a phone and registers to speak
    sign_in(browser, live_server, resident)
    browser.get(f"{live_server.url}/deliberation/hearings/")
    assert "加装电梯机房空调" in browser.page_source
    assert_png(save_screenshot(browser, "deliberation-hearing-3-my-hearings-phone"))
    browser.find_element(By.CSS_SELECTOR, "#hearings a").click()
    browser.find_element(By.ID, "wants_to_speak").click()
    browser.find_element(By.ID, "affiliation").send_keys("3号楼住户")
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#register-form button[type=submit]"))
    # then they are second on the speakers' list, and see no phone number
    row = HearingRegistration.objects.get(user=resident)
    assert row.wants_to_speak and row.affiliation == "3号楼住户"
    speakers = browser.find_element(By.ID, "speakers").text
    assert speakers.index("王秀兰") < speakers.index(row.name) < speakers.index("3号楼住户")
    assert row.name.startswith("居民")  # their name in the registry, not the account's user name
    assert "139" not in browser.page_source.split('id="speakers"')[1]
    assert_png(save_screenshot(browser, "deliberation-hearing-4-registered-phone"))

    # and the staff, on a phone, see the registrations (phones masked) and move the resident up
    sign_in(browser, live_server, w.cstaff)
    browser.get(f"{live_server.url}/deliberation/hearings/{hearing.pk}/")
    assert "139****5678" in browser.find_element(By.ID, "registrations").text
    assert_png(save_screenshot(browser, "deliberation-hearing-4b-speakers-phone"))
    browser.execute_script("document.getElementById('registrations').scrollIntoView()")
    assert_png(save_screenshot(browser, "deliberation-hearing-4b-registrations-phone"))
    up = browser.find_elements(By.CSS_SELECTOR, "#speakers form.hearing-move button[value=up]")[1]
    submit_and_wait(browser, up)
    speakers = browser.find_element(By.ID, "speakers").text
    assert speakers.index(row.name) < speakers.index("王秀兰")

    # when, on the day, the staff record the views on a desktop
    day_of_hearing(hearing)
    set_viewport(browser, *DESKTOP)
    browser.get(f"{live_server.url}/deliberation/hearings/{hearing.pk}/")
    assert_png(save_screenshot(browser, "deliberation-hearing-4c-hearing-desktop"))
    Select(browser.find_element(By.ID, "view-registration")).select_by_value(str(row.pk))
    Select(browser.find_element(By.ID, "view-position")).select_by_value("for")
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#view-form button[type=submit]"))
    # a view with no text is refused beside its field, nothing written
    assert browser.find_element(By.ID, "view-text-error").text == "请按发言内容填写意见。"
    assert not HearingView.objects.exists()
    assert_png(save_screenshot(browser, "deliberation-hearing-5-view-refused-desktop"))
    browser.find_element(By.ID, "view-text").send_keys("机房夏天超过40度，电梯经常停，支持加装空调，电费从公共收益里出。")
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#view-form button[type=submit]"))
    browser.find_element(By.ID, "view-speaker").send_keys("5号楼 张先生")
    Select(browser.find_element(By.ID, "view-position")).select_by_value("against")
    browser.find_element(By.ID, "view-text").send_keys("空调外机噪音会影响顶楼住户，希望先征求顶楼意见。")
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#view-form button[type=submit]"))
    assert HearingView.objects.filter(hearing=hearing).count() == 2
    assert "3号楼住户" in browser.find_element(By.ID, "view-list").text
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#attach-form button[type=submit]"))
    assert topic.documents.filter(content_type="application/pdf").exists()
    # and the record completes the step the topic is at (党委提议)
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#step-form button[type=submit]"))
    topic.refresh_from_db()
    assert topic.step_position == 2
    assert_png(save_screenshot(browser, "deliberation-hearing-6-views-desktop"))
    # then the record of views downloads as a PDF
    pdf_url = browser.find_element(By.ID, "record-pdf").get_attribute("href")
    status, kind, head, size = browser.execute_async_script(FETCH_PDF, pdf_url)
    assert (status, kind, head) == (200, "application/pdf", "%PDF-") and size > 1000

    # and the resident reads the record of views on the phone, without phone numbers
    set_viewport(browser, *PHONE)
    sign_in(browser, live_server, resident)
    browser.get(f"{live_server.url}/deliberation/hearings/{hearing.pk}/")
    views = browser.find_element(By.ID, "view-list").text
    assert "空调外机噪音" in views and "5号楼 张先生" in views
    assert "139****5678" not in browser.page_source and "13912345678" not in browser.page_source
    assert not browser.find_elements(By.ID, "view-form")
    assert_png(save_screenshot(browser, "deliberation-hearing-7-record-phone"))
    status, kind, head, _size = browser.execute_async_script(FETCH_PDF, pdf_url)
    assert (status, head) == (200, "%PDF-")
