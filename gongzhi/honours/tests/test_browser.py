"""In a real browser on a phone: a resident nominates a neighbour, then picks a candidate in the
selection's vote; after the close and the announcement the public honour roll (no login) shows the
winner with the reason. Screenshots land in test-artifacts/screenshots/honours-*.png."""

import datetime as dt

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from gongzhi.core.tests.browser import (
    PHONE,
    assert_png,
    login,
    save_screenshot,
    set_viewport,
    submit_and_wait,
)
from gongzhi.honours.models import Nomination
from gongzhi.honours.services import selections
from gongzhi.honours.tests import factories as f
from gongzhi.votes.models import Ballot, VoteOption

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(browser, live_server, who):
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    login(browser, live_server, who)


def test_a_resident_nominates_and_votes_and_the_roll_shows_the_winner_on_a_phone(browser, live_server):
    w = f.world(households=3)
    row = f.selection(w)
    nominee = f.person_of(w.residents[1])
    set_viewport(browser, *PHONE)
    # Given a resident on the selection's page, searching a neighbour by name
    sign_in(browser, live_server, w.residents[0])
    browser.get(f"{live_server.url}/honours/selections/{row.pk}/?q={nominee.name}")
    browser.find_element(By.CSS_SELECTOR, f"input[name='person'][value='{nominee.pk}']").click()
    browser.find_element(By.ID, "id_reason").send_keys("每天早上把楼道扫得干干净净，十年没断过。")
    assert_png(save_screenshot(browser, "honours-phone-1-nominate"))
    submit_and_wait(browser, browser.find_element(By.ID, "nominate-submit"))
    # Then the nomination is listed by name with the reason
    assert nominee.name in browser.find_element(By.ID, "nominations").text
    other = selections.nomination_add(actor=w.residents[2], selection=row, person=f.person_of(w.residents[0]),
                                      reason="照顾独居老人")
    mine = Nomination.objects.get(person=nominee)
    # When the community short-lists both and opens the vote
    selections.selection_shortlist(actor=w.staff, selection=row, nominations=[mine.pk, other.pk])
    now = timezone.now()
    row = selections.selection_start_vote(actor=w.staff, selection=row, opens_at=now - dt.timedelta(minutes=1),
                                          closes_at=now + dt.timedelta(hours=1))
    row.refresh_from_db()
    # Then the resident picks a candidate on the phone from the selection's page
    browser.get(f"{live_server.url}/honours/selections/{row.pk}/")
    browser.find_element(By.ID, "vote-now").click()
    option = VoteOption.objects.get(vote_id=row.vote_id, reference=f"nomination:{mine.pk}")
    assert_png(save_screenshot(browser, "honours-phone-2-ballot"))
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, f"#vote-options button[value='{option.pk}']"))
    assert Ballot.objects.get(vote_id=row.vote_id).option_id == option.pk
    assert browser.find_element(By.ID, "my-choice").text == option.label
    # When the staff close and announce
    selections.selection_close_vote(actor=w.staff, selection=row)
    selections.selection_announce(actor=w.staff, selection=row)
    # Then anyone sees the winner with the reason on the public roll, without signing in
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    browser.get(f"{live_server.url}/honours/public/{w.community.code}/")
    roll = browser.find_element(By.ID, "honour-roll").text
    assert nominee.name in roll and "十年没断过" in roll
    assert_png(save_screenshot(browser, "honours-phone-3-roll"))
