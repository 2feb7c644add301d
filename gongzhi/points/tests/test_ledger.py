"""The ledger engine as a programme uses it: rules decide what an event earns, an event's entry is
written once, a balance never goes below zero, manual points need a second person, and the
consistency check finds a balance that no longer matches its entries."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput
from gongzhi.core.models import AuditEvent
from gongzhi.points import selectors, services
from gongzhi.points.models import Account, EarningRule, Entry, EntryKind, Programme, RuleBasis
from gongzhi.volunteers.tests import factories as vf

pytestmark = pytest.mark.django_db
ACTOR = vf.ACTOR


@pytest.fixture
def nodes():
    return tree()


@pytest.fixture
def account(nodes):
    holder = vf.volunteer(nodes["household_a"], name="李秀兰")
    return services.account_open(actor=ACTOR, programme=Programme.VOLUNTEERS, holder=holder, area=holder.area,
                                 name=holder.name)


def test_an_hour_rule_and_a_more_specific_rule_of_the_community(nodes, account):
    # given 10 points an hour everywhere, and 12 in this community
    EarningRule.objects.create(programme=Programme.VOLUNTEERS, key="hour", label="每小时", basis=RuleBasis.PER_HOUR, points=10)
    EarningRule.objects.create(programme=Programme.VOLUNTEERS, key="hour", label="本社区每小时", basis=RuleBasis.PER_HOUR,
                               points=12, area=nodes["community"])
    # when two and a half hours are earned
    entry = services.earn(actor=ACTOR, account=account, key="hour", quantity=2.5, source="checkout:1", reason="清扫楼道")
    # then the community's rule gives 30, and the balance is kept
    assert entry.amount == 30 and entry.rule.label == "本社区每小时"
    assert selectors.balance(programme=Programme.VOLUNTEERS, holder=account.holder) == 30


def test_the_same_event_earns_once(account):
    EarningRule.objects.create(programme=Programme.VOLUNTEERS, key="hour", label="每小时", basis=RuleBasis.PER_HOUR, points=10)
    first = services.earn(actor=ACTOR, account=account, key="hour", quantity=1, source="checkout:7", reason="助老")
    again = services.earn(actor=ACTOR, account=account, key="hour", quantity=1, source="checkout:7", reason="助老")
    assert again.pk == first.pk
    account.refresh_from_db()
    assert account.balance == 10 and account.entries.count() == 1


def test_no_rule_no_points(account):
    assert services.earn(actor=ACTOR, account=account, key="hour", quantity=3, source="x:1", reason="无规则") is None
    assert not account.entries.exists()


def test_spending_more_than_held_is_refused_and_nothing_written(account):
    services.entry_write(actor=ACTOR, account=account, kind=EntryKind.AWARD, amount=20, reason="表彰", source="a:1")
    with pytest.raises(Conflict) as refused:
        services.spend(actor=ACTOR, account=account, amount=25, reason="兑换洗衣液", source="order:1")
    assert "20" in refused.value.message and "25" in refused.value.message
    account.refresh_from_db()
    assert account.balance == 20 and account.entries.count() == 1
    with pytest.raises(InvalidInput):
        services.spend(actor=ACTOR, account=account, amount=0, reason="兑换", source="order:2")
    services.spend(actor=ACTOR, account=account, amount=20, reason="兑换洗衣液", source="order:3")
    services.refund(actor=ACTOR, account=account, amount=20, reason="取消兑换", source="order:3:refund")
    account.refresh_from_db()
    assert (account.balance, account.earned, account.spent) == (20, 20, 0)


def test_a_refund_gives_back_no_more_than_was_spent(account):
    services.entry_write(actor=ACTOR, account=account, kind=EntryKind.AWARD, amount=30, reason="表彰", source="a:1")
    services.spend(actor=ACTOR, account=account, amount=10, reason="兑换毛巾", source="order:1")
    with pytest.raises(Conflict) as refused:
        services.refund(actor=ACTOR, account=account, amount=15, reason="取消兑换", source="order:1:refund")
    assert refused.value.code == "nothing_to_refund" and "10" in refused.value.message
    account.refresh_from_db()
    assert (account.balance, account.spent, account.entries.count()) == (20, 10, 2)
    assert selectors.amount_under(account=account, source="order:1") == -10
    assert selectors.amount_under(account=account, source="order:9") == 0


def test_an_entry_is_never_changed_or_deleted(account):
    entry = services.entry_write(actor=ACTOR, account=account, kind=EntryKind.AWARD, amount=5, reason="表彰", source="")
    entry.amount = 500
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


def test_manual_points_need_a_second_person_of_the_area(nodes, account):
    # given two community staff and one of another district
    asker, approver = user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]]), user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]])
    stranger = user(Role.COMMUNITY_STAFF, nodes=[tree()["community"]])
    adjustment = services.adjustment_request(actor=asker, account=account, amount=15, reason="抗洪抢险表现突出")
    # when the asker approves their own request, it is refused; a stranger does not find it
    with pytest.raises(Forbidden):
        services.adjustment_approve(actor=asker, adjustment=adjustment)
    from gongzhi.core.errors import NotFound
    with pytest.raises(NotFound):
        services.adjustment_approve(actor=stranger, adjustment=adjustment)
    # then the other staff member approves and the entry names them
    done = services.adjustment_approve(actor=approver, adjustment=adjustment, note="同意")
    assert done.entry.amount == 15 and done.entry.approved_by == approver and done.entry.kind == EntryKind.AWARD
    assert AuditEvent.objects.filter(action="points.adjustment.approve").exists()
    # and a deduction beyond the balance is refused at the request
    with pytest.raises(InvalidInput):
        services.adjustment_request(actor=asker, account=account, amount=-16, reason="扣分")


def test_the_month_matches_the_ledger(nodes, account):
    services.entry_write(actor=ACTOR, account=account, kind=EntryKind.AWARD, amount=40, reason="表彰", source="a:1")
    services.spend(actor=ACTOR, account=account, amount=15, reason="兑换", source="o:1")
    lines = selectors.month_totals(programme=Programme.VOLUNTEERS, area=nodes["community"], month=timezone.localdate())
    assert len(lines) == 1
    line = lines[0]
    assert (line.opening, line.earned, line.spent, line.closing) == (0, 40, 15, 25)
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    assert selectors.month_totals(programme=Programme.VOLUNTEERS, area=nodes["community"], month=last_month) == []


def test_the_check_finds_a_balance_changed_behind_the_ledger(account, capsys):
    services.entry_write(actor=ACTOR, account=account, kind=EntryKind.AWARD, amount=10, reason="表彰", source="a:1")
    call_command("points_check")
    assert "every balance matches" in capsys.readouterr().out
    Account.objects.filter(pk=account.pk).update(balance=99)
    with pytest.raises(CommandError):
        call_command("points_check")
    assert "balance kept 99, from entries 10" in capsys.readouterr().out
    assert Entry.objects.count() == 1
