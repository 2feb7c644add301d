"""In a real browser, a topic walks the whole six-step path (二六工作法) from its page: the party
committee's proposal, the two committees' and the party members' meetings chosen among the meetings
held, the residents' representatives' vote (taken in their meeting; its close moves the topic on),
the supervision committee's opinion given on a phone, and the publication, after which the result is
in the community's open books. Screenshots: test-artifacts/screenshots/deliberation-six-steps-*.png."""

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
from gongzhi.deliberation.models import StepState, TopicState
from gongzhi.deliberation.tests import factories as f
from gongzhi.disclosure.models import Item
from gongzhi.meetings.models import AttendanceStatus, BodyKind
from gongzhi.meetings.services import sessions
from gongzhi.meetings.tests import factories as mf
from gongzhi.votes import services as votes
from gongzhi.votes.models import VoteMethod

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _held(w, kind, title):
    meeting = mf.held(mf.meeting(mf.body(w.community, kind=kind), title=title))
    mf.minutes(meeting, text=f"{title}：同意。")
    return meeting


def _complete(browser, url: str, *, outcome: str = "", meeting=None):
    browser.get(url)  # the page as it is now (a meeting held since is among the choices)
    form = browser.find_element(By.ID, "complete-form")
    if meeting is not None:
        Select(form.find_element(By.NAME, "meeting")).select_by_value(str(meeting.pk))
    if outcome:
        form.find_element(By.NAME, "outcome").send_keys(outcome)
    submit_and_wait(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))


def _at(topic, name: str) -> bool:
    topic.refresh_from_db()
    return topic.steps.filter(state=StepState.CURRENT, name=name).exists()


def test_a_topic_walks_all_six_steps_from_its_page(browser, live_server):
    # Given a topic raised by the 民生 group of the community, on the six-step path
    w = f.world()
    topic = f.topic(w, title="3号楼电梯机房加装空调")
    url = f"{live_server.url}/deliberation/topics/{topic.pk}/"
    set_viewport(browser, *DESKTOP)
    login(browser, live_server, w.cstaff)

    # 1. 党委提议
    browser.get(url)
    assert_png(save_screenshot(browser, "deliberation-six-steps-1-proposal"))
    _complete(browser, url, outcome="社区党委提议：为3号楼电梯机房加装工业空调一台，费用由维修资金列支。")
    assert _at(topic, "两委商议")

    # 2. 两委商议 and 3. 党员大会审议: the meetings held, chosen on the page
    _complete(browser, url, meeting=_held(w, BodyKind.TWO_COMMITTEES, "两委会议：电梯机房空调"))
    assert _at(topic, "党员大会审议")
    assert_png(save_screenshot(browser, "deliberation-six-steps-2-after-two-committees"))
    _complete(browser, url, meeting=_held(w, BodyKind.PARTY_BRANCH, "党员大会：电梯机房空调"))
    assert _at(topic, "居民代表大会决议")

    # 4. 居民代表大会决议: the representatives meet, vote by show of hands; the close moves the topic on
    assembly = mf.body_with_members(w.community, kind=BodyKind.RESIDENTS_ASSEMBLY, members=8, name="居民代表会议")
    meeting = mf.meeting(assembly, title="居民代表会议：电梯机房空调")
    for attendance in meeting.attendances.filter(counts_for_quorum=True):
        sessions.attendance_mark(actor=mf.ACTOR, attendance=attendance, status=AttendanceStatus.PRESENT)
    sessions.meeting_open(actor=mf.ACTOR, meeting=meeting)
    vote = votes.vote_create(actor=w.cstaff, title=topic.title, question="是否同意为3号楼电梯机房加装空调？",
                             method=VoteMethod.SHOW_OF_HANDS, meeting=meeting, reference=f"topic:{topic.pk}")
    votes.vote_open(actor=w.cstaff, vote=vote)
    votes.counts_enter(actor=w.cstaff, vote=vote, yes=9, no=0, abstain=1)
    votes.vote_close(actor=w.cstaff, vote=vote)
    assert _at(topic, "监督委员会监事")
    browser.get(url)
    assert "居民代表大会决议" in browser.find_element(By.ID, "timeline").text
    assert_png(save_screenshot(browser, "deliberation-six-steps-3-after-the-vote"))

    # 5. 监督委员会监事: a member of the committee gives its opinion on a phone
    set_viewport(browser, *PHONE)
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    login(browser, live_server, w.supervisor)
    browser.get(url)
    assert_png(save_screenshot(browser, "deliberation-six-steps-4-supervision-phone"))
    _complete(browser, url, outcome="监督委员会意见：程序合规，表决有效，同意公示。")
    assert _at(topic, "决议结果公示")

    # 6. 决议结果公示: the staff publish it
    set_viewport(browser, *DESKTOP)
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    login(browser, live_server, w.cstaff)
    browser.get(url)
    _complete(browser, url, outcome="已在社区公开栏和网上公示。")
    topic.refresh_from_db()

    # Then the topic is resolved, its timeline shows the six steps done, and the result with the
    # vote's figures is a published item of the community's open books
    assert topic.state == TopicState.RESOLVED
    assert topic.steps.filter(state=StepState.DONE).count() == 6
    timeline = browser.find_element(By.ID, "timeline").text
    for name in ("党委提议", "两委商议", "党员大会审议", "居民代表大会决议", "监督委员会监事", "决议结果公示"):
        assert name in timeline
    assert_png(save_screenshot(browser, "deliberation-six-steps-5-resolved"))
    item = Item.objects.get(reference=f"topic:{topic.pk}")
    assert item.published_at is not None and "9" in item.body
    set_viewport(browser, *PHONE)
    browser.get(url)
    assert_png(save_screenshot(browser, "deliberation-six-steps-6-resolved-phone"))
