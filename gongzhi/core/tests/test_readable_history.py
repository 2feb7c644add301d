"""The change log and the case timeline read as sentences people understand: display names, local
times, values as users know them, translated actions — for a case that went the whole loop
(filed, accepted, dispatched, claimed, contacted, whistled, reported on by a department, resolved,
verified, rated), and for the actors the system writes as."""

import re

import pytest

from gongzhi.accounts.tests.factories import PASSWORD
from gongzhi.cases import services
from gongzhi.cases.models import Case, Result
from gongzhi.cases.services.intake import TRIAGE_ACTOR
from gongzhi.cases.tests.factories import in_progress, world
from gongzhi.core import history
from gongzhi.core.actors import SystemActor

pytestmark = pytest.mark.django_db

ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
RAW_ACTION = re.compile(r"\b[a-z_]+\.[a-z_]+\.[a-z_]+\b")
# the keys the services store (field names and attnames), none of which may show
RAW_FIELDS = ("state", "category", "assignee", "dispatcher_node", "area_id", "level", "updated_at", "responded_at",
              "handling_due", "resolved_level", "rating_solved", "departments", "call", "location", "channel")


def section(html: str, marker: str) -> str:
    start = html.index(marker)
    return html[start:html.index("</section>", start)]


def text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def whole_loop(w) -> Case:
    case = in_progress(w, "market-order", title="早市占道", description="早市摊位占满人行道")
    services.case_record_contact(actor=w.sstaff, case=case, method="phone", note="已电话联系居民")
    [call] = services.case_whistle(actor=w.sstaff, case=case, departments=[w.departments["cg"]], reason="联合整治")
    services.whistle_acknowledge(actor=w.cg, call=call)
    services.whistle_report(actor=w.cg, call=call, report="已清理占道摊位")
    case = services.case_resolve(actor=w.sstaff, case=Case.objects.get(pk=case.pk), result=Result.SOLVED,
                                 feedback="摊位已迁入临时市场")
    if case.state == "verifying":
        case = services.case_verify(actor=w.admin, case=case, passed=True, note="核查属实")
    return services.case_rate(actor=w.resident, case=case, rating="satisfied", solved=True)


@pytest.fixture
def w():
    w = world()
    for name, display in (("sstaff", "街道干部李明"), ("cg", "城管执法员赵强"), ("cstaff", "社区书记王芳"),
                          ("resident", "居民张秀英"), ("admin", "区管理员孙伟")):
        user = w.users[name]
        user.display_name = display
        user.save()
    return w


def test_the_change_log_of_a_whole_loop_reads_as_sentences(client, w):
    # given a case that went the whole loop, the department's whistle call included
    case = whole_loop(w)
    assert case.state == "closed"
    # when the community's secretary opens its change log
    assert client.login(username=w.cstaff.username, password=PASSWORD)
    html = client.get(f"/history/cases/case/{case.pk}/").content.decode()
    log = text_of(section(html, 'id="history"'))
    # then every entry is a sentence with names and words people use
    for words in ("街道干部李明", "城管执法员赵强", "居民张秀英", "提交了诉求", "受理了诉求", "城管", "满意"):
        assert words in log, words
    assert "市场管理无序" in log  # the matter by its name, not "market-order"
    assert "market-order" not in log
    assert not RAW_ACTION.search(log), RAW_ACTION.search(log)
    assert not ISO_TIME.search(log) and "+00:00" not in log
    for key in RAW_FIELDS:
        assert not re.search(rf"(?<![\w-]){key}(?![\w-])", log), key
    for user in (w.sstaff, w.cg, w.resident, w.cstaff):
        assert user.username not in log
    # no bare number stands as a value (an id) after a label
    assert not re.search(r"→\s*\d+\s", log) and not re.search(r"(处理人|承办|部门)\s+\d+\b", log)


def test_the_case_page_timeline_and_history_name_people_and_the_system(client, w):
    # given a case that went the whole loop
    case = whole_loop(w)
    assert client.login(username=w.cstaff.username, password=PASSWORD)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    timeline = text_of(section(html, "<ol class=\"timeline\">"))
    assert "城管执法员赵强" in timeline and "居民张秀英" in timeline
    assert w.cg.username not in timeline
    assert not RAW_ACTION.search(text_of(section(html, 'id="history"')))


def test_system_actors_read_as_what_the_system_was_doing():
    assert history.system_actor_name(TRIAGE_ACTOR.label) == "智能分拣"
    assert history.system_actor_name("command:demo") == "演示数据导入"
    assert history.system_actor_name("task:sla-sweep") == "系统自动督办"
    assert history.system_actor_name("system") == "系统自动"
    assert history.system_actor_name("camera:demo-video") not in ("camera:demo-video", "")
    assert history.actor_name(None, SystemActor(label="command:import").label) == "系统命令"


def test_every_pipeline_action_is_described(w):
    # the workflow's actions and the records on a case all read as a sentence
    from gongzhi.cases.workflow import TRANSITIONS

    described = history.described_actions()
    missing = [t.action for t in TRANSITIONS if f"cases.case.{t.action}" not in described]
    assert missing == []

