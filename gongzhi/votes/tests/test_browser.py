"""In a real browser on a phone: a resident votes online, changes the vote, and after the close
sees the result with the seal; the staff run a roll call in a meeting from the console. Screenshots
land in test-artifacts/screenshots/votes-*.png."""

import pytest
from selenium.webdriver.common.by import By

from gongzhi.core.tests.browser import (
    PHONE,
    assert_png,
    login,
    save_screenshot,
    set_viewport,
    submit_and_wait,
)
from gongzhi.votes import services
from gongzhi.votes.models import Ballot, Vote
from gongzhi.votes.tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(browser, live_server, who):
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    login(browser, live_server, who)


def _button(browser, value: str):
    return browser.find_element(By.CSS_SELECTOR, f"#my-ballot button[value='{value}']")


def test_a_resident_votes_changes_and_sees_the_sealed_result_on_a_phone(browser, live_server):
    w = factories.world(households=2)
    vote = factories.online_vote(w)
    set_viewport(browser, *PHONE)
    # given a resident of the building on the vote's page
    sign_in(browser, live_server, w.people[0][0])
    browser.get(f"{live_server.url}/votes/{vote.pk}/")
    assert "是否同意" in browser.find_element(By.ID, "vote-question").text
    assert_png(save_screenshot(browser, "votes-phone-1-question"))
    # when they vote in favour, then change to against
    submit_and_wait(browser, _button(browser, "yes"))
    assert browser.find_element(By.ID, "my-choice").text
    assert_png(save_screenshot(browser, "votes-phone-2-voted"))
    submit_and_wait(browser, _button(browser, "no"))
    assert Ballot.objects.get(vote=vote).choice == "no"
    # and the staff close the vote
    services.vote_close(actor=w.staff, vote=vote)
    browser.get(f"{live_server.url}/votes/{vote.pk}/")
    # then the result, the figures and the seal that holds
    result = browser.find_element(By.ID, "vote-result").text
    assert browser.find_elements(By.ID, "seal-holds")
    assert Vote.objects.get(pk=vote.pk).sealed_hash in result
    assert_png(save_screenshot(browser, "votes-phone-3-result"))
    # and someone from elsewhere does not get the page
    sign_in(browser, live_server, w.outsider)
    browser.get(f"{live_server.url}/votes/{vote.pk}/")
    assert not browser.find_elements(By.ID, "vote-question")


def test_the_staff_console_of_a_roll_call_on_a_phone(browser, live_server):
    w = factories.world(households=1)
    meeting, members = factories.meeting_in_session(w, members=5, present=3)
    vote = factories.meeting_vote(w, meeting, open_now=False)
    set_viewport(browser, *PHONE)
    sign_in(browser, live_server, w.staff)
    browser.get(f"{live_server.url}/votes/{vote.pk}/")
    submit_and_wait(browser, browser.find_element(By.ID, "vote-open"))
    for member in members[:3]:
        button = browser.find_element(
            By.XPATH, f"//input[@name='attendance' and @value='{member.pk}']/following-sibling::button[@value='yes']")
        submit_and_wait(browser, button)
    assert_png(save_screenshot(browser, "votes-phone-4-console"))
    submit_and_wait(browser, browser.find_element(By.ID, "vote-close"))
    assert browser.find_elements(By.ID, "seal-holds")
    assert Vote.objects.get(pk=vote.pk).yes_count == 3
    assert_png(save_screenshot(browser, "votes-phone-5-console-result"))
