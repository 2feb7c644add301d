"""Every page of the volunteers app, in a real browser, on a phone (390 px) and on a desktop, as
the staff who keep it and as a volunteer: each opens, fits the width (no table or line cut off, no
Chinese broken one character per line) and leaves a screenshot in
test-artifacts/screenshots/volunteers-tour-*.png to look at."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from selenium.webdriver.common.by import By

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.core.tests.browser import (
    DESKTOP,
    PHONE,
    assert_png,
    login,
    overflow_problems,
    save_screenshot,
    set_viewport,
)
from gongzhi.points import services as points
from gongzhi.volunteers.models import RecordEntry, RecordKind, SignupState
from gongzhi.volunteers.services import certificates, donations, mobilisation, publicity, store
from gongzhi.volunteers.services.accounts import volunteer_account
from gongzhi.volunteers.tests import factories as vf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _world():
    nodes = tree()
    staff = user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]])
    resident = user(Role.RESIDENT)
    me = vf.volunteer(nodes["household_a"], name="李秀兰", user=resident, phone="13919312345")
    others = [vf.volunteer(nodes["household_b"], name=name) for name in ("王建国", "张桂芳")]
    team = vf.team(nodes["community"], name="书画队", leader=me, members=tuple(others))
    vf.earning_rules()
    past = timezone.now() - dt.timedelta(days=3)
    done = vf.activity(nodes["community"], title="重阳节敬老院书画义卖", starts_at=past, hours=2, team=team, organiser=staff,
                       type="elderly", theme="敬老月")
    vf.signup(done, me, state=SignupState.DONE, checked_in_at=past, checked_out_at=past + dt.timedelta(hours=2),
              check_method="code", minutes=120, evaluation="认真负责")
    upcoming = vf.activity(nodes["community"], title="周六上午楼道清扫", team=team, organiser=staff, capacity=8)
    vf.signup(upcoming, me)
    account = volunteer_account(actor=vf.ACTOR, volunteer=me)
    points.earn(actor=vf.ACTOR, account=account, key="hour", quantity=2, source=f"tour:{done.pk}", reason=done.title)
    points.entry_write(actor=vf.ACTOR, account=account, kind="award", amount=30, reason="抗洪抢险表现突出", source="tour:award")
    adjustment = points.adjustment_request(actor=staff, account=account, amount=10, reason="社区运动会志愿服务")
    goods = vf.goods(nodes["community"], name="洗衣液 2kg", price=20, stock=12, place="社区党群服务中心一楼")
    order = store.order_place(actor=resident, goods=goods)
    RecordEntry.objects.create(volunteer=me, kind=RecordKind.TRAINING, title="急救知识培训", on=timezone.localdate(),
                               minutes=90, created_by=staff)
    certificate = certificates.certificate_issue(actor=resident, volunteer=me)
    publicity.publicity_publish(actor=staff, area=nodes["community"], month=timezone.localdate())
    call = mobilisation.mobilisation_call(actor=staff, node=nodes["grid_a"], title="暴雨后地下室积水排水",
                                          place="A1号楼地下室入口", needed=6, detail="带上雨靴和水桶")
    campaign = donations.campaign_create(actor=staff, area=nodes["community"], name="每天一元", kind="daily_yuan",
                                         starts_on=timezone.localdate() - dt.timedelta(days=30), target="3650")
    donation = donations.donation_record(actor=staff, campaign=campaign, amount="30.00", donor="王建国")
    return {
        "nodes": nodes, "staff": staff, "resident": resident, "me": me, "team": team, "done": done,
        "upcoming": upcoming, "account": account, "adjustment": adjustment, "goods": goods, "order": order,
        "certificate": certificate, "call": call, "campaign": campaign, "donation": donation,
    }


def _staff_pages(w) -> list[tuple[str, dict]]:
    return [
        ("home", {}), ("volunteer-list", {}), ("volunteer-register", {}), ("volunteer", {"volunteer_id": w["me"].pk}),
        ("volunteer-edit", {"volunteer_id": w["me"].pk}), ("team-tree", {}), ("team-create", {}),
        ("team", {"team_id": w["team"].pk}), ("team-edit", {"team_id": w["team"].pk}),
        ("activity-list", {}), ("activity-new", {}), ("activity-detail", {"activity_id": w["done"].pk}),
        ("activity-edit", {"activity_id": w["upcoming"].pk}), ("activity-screen", {"activity_id": w["upcoming"].pk}),
        ("ledger", {}), ("ledger-rules", {}), ("ledger-account", {"account_id": w["account"].pk}),
        ("ledger-adjustments", {}), ("publicity", {}), ("publicity-print", {}),
        ("store-goods", {}), ("store-goods-edit", {"goods_id": w["goods"].pk}), ("store-orders", {}),
        ("store-handover", {}), ("mobilisation-list", {}), ("mobilisation-new", {}), ("mobilisation-evaluation", {}),
        ("mobilisation", {"mobilisation_id": w["call"].pk}), ("campaign-list", {}), ("campaign-new", {}),
        ("campaign", {"campaign_id": w["campaign"].pk}), ("donation-new", {"campaign_id": w["campaign"].pk}),
    ]


def _volunteer_pages(w) -> list[tuple[str, dict]]:
    return [
        ("home", {}), ("activity-find", {}), ("activity-mine", {}), ("activity-join", {"activity_id": w["upcoming"].pk}),
        ("activity-check-in", {"activity_id": w["upcoming"].pk}), ("my-record", {}), ("my-certificates", {}),
        ("my-points", {}), ("store", {}), ("my-orders", {}), ("order", {"order_id": w["order"].pk}),
        ("whistles", {}), ("whistle", {"mobilisation_id": w["call"].pk}),
    ]


def _tour(browser, live_server, who, pages, size, label) -> list[str]:
    """Open each page; the problems of every page that does not fit, all at once."""
    problems = []
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    if who is not None:
        login(browser, live_server, who)
    set_viewport(browser, *size)
    for name, kwargs in pages:
        browser.get(live_server.url + reverse(f"volunteers:{name}", kwargs=kwargs))
        heading = browser.find_elements(By.TAG_NAME, "h1")
        assert heading and heading[0].text.strip(), f"{name}: no heading (an error page?)"
        problems += [f"{label} {name}: {problem}" for problem in overflow_problems(browser)]
        assert_png(save_screenshot(browser, f"volunteers-tour-{label}-{name}", check_fit=False), min_bytes=3000)
    return problems


@pytest.mark.parametrize("size,label", [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_every_page_opens_and_fits_for_staff_volunteers_and_the_public(browser, live_server, size, label):
    w = _world()
    problems = _tour(browser, live_server, w["staff"], _staff_pages(w), size, f"{label}-staff")
    problems += _tour(browser, live_server, w["resident"], _volunteer_pages(w), size, f"{label}-volunteer")
    month = timezone.localdate().strftime("%Y-%m")
    problems += _tour(browser, live_server, None, [
        ("certificate-check", {"certificate_code": w["certificate"].code}),
        ("public-points", {"community_code": w["nodes"]["community"].code, "publicity_month": month}),
    ], size, f"{label}-public")
    assert not problems, "\n".join(problems)
