"""Financial statements balance or are refused; the service fund never goes below zero, even with
two spendings at once; the year's account is published as a 财务 item."""

import datetime as dt
import threading

import pytest
from django.db import connection

from gongzhi.core.errors import InvalidInput
from gongzhi.disclosure.models import (
    FinancialStatement,
    FundAccount,
    FundEntry,
    FundEntryKind,
    Item,
    ItemKind,
    ItemState,
    LineDirection,
    StatementState,
)
from gongzhi.disclosure.services import money
from gongzhi.disclosure.services.money import Line
from gongzhi.disclosure.tests import factories

pytestmark = pytest.mark.django_db

LINES = [Line(LineDirection.INCOME, "街道拨付办公经费", 500_000),
         Line(LineDirection.SPENDING, "楼道照明维修", 120_050, project="楼道亮化")]


def statement(w, **overrides):
    values = {"community": w["community"], "title": "2026年11月财务收支公开", "period_start": dt.date(2026, 11, 1),
              "period_end": dt.date(2026, 11, 30), "opening_balance": 100_000, "income_total": 500_000,
              "spending_total": 120_050, "closing_balance": 479_950, "lines": LINES}
    values.update(overrides)
    return money.statement_create(actor=w["staff"], **values)


def test_a_balanced_statement_is_kept_and_published_as_a_finance_item():
    w = factories.world()
    s = statement(w, attachments=[factories.pdf()])
    published = money.statement_publish(actor=w["staff"], statement=s)
    assert published.state == StatementState.PUBLISHED
    item = published.item
    assert item.kind == ItemKind.FINANCE and item.state == ItemState.PUBLISHED
    assert "1,200.50" in item.body and "4,799.50" in item.body
    assert item.attachments.count() == 1


def test_a_statement_whose_totals_do_not_balance_is_refused_and_nothing_is_written():
    w = factories.world()
    with pytest.raises(InvalidInput) as exc:
        statement(w, closing_balance=480_000)
    assert "closing_balance" in exc.value.fields and "4,799.50" in exc.value.fields["closing_balance"][0]
    with pytest.raises(InvalidInput) as exc:
        statement(w, spending_total=100_000, closing_balance=500_000)
    assert "spending_total" in exc.value.fields
    with pytest.raises(InvalidInput):
        statement(w, income_total=1.5)  # never floats
    assert not FinancialStatement.objects.exists()


def test_a_line_and_a_spending_link_the_case_they_paid_for():
    from gongzhi.cases.tests.factories import submit
    from gongzhi.cases.tests.factories import world as case_world

    cw = case_world()
    case = submit(cw, title="3号楼下水管道堵塞", description="污水返到一楼卫生间。")
    staff, community = cw.users["cstaff"], cw.nodes["community"]
    s = money.statement_create(actor=staff, community=community, title="2026年5月财务收支", period_start=dt.date(2026, 5, 1),
                               period_end=dt.date(2026, 5, 31), opening_balance=0, income_total=0,
                               spending_total=35_000, closing_balance=-35_000,
                               lines=[Line(LineDirection.SPENDING, "疏通下水管道", 35_000, case_id=case.pk)])
    assert s.lines.get().case == case
    money.fund_record(actor=staff, community=community, kind=FundEntryKind.ALLOCATION, amount=100_000, purpose="拨付")
    entry = money.fund_record(actor=staff, community=community, kind=FundEntryKind.SPENDING, amount=35_000,
                              purpose="疏通下水管道", approval="两委会议", case_id=case.pk)
    assert entry.case == case
    with pytest.raises(InvalidInput) as exc:
        money.fund_record(actor=staff, community=community, kind=FundEntryKind.SPENDING, amount=100,
                          purpose="疏通下水管道", approval="两委会议", case_id=case.pk + 999)
    assert "case" in exc.value.fields


def test_the_fund_pays_only_what_it_holds():
    w = factories.world()
    money.fund_record(actor=w["staff"], community=w["community"], kind=FundEntryKind.ALLOCATION, amount=2_000_000,
                      purpose="2026年党组织服务群众专项经费拨付", occurred_on=dt.date(2026, 3, 1))
    entry = money.fund_record(actor=w["staff"], community=w["community"], kind=FundEntryKind.SPENDING,
                              amount=350_000, purpose="疏通3号楼堵塞下水管道", approval="社区两委会议2026-05-06决定",
                              occurred_on=dt.date(2026, 5, 8), receipts=[factories.png("发票.png")])
    assert entry.balance_after == 1_650_000 and entry.receipts.count() == 1
    with pytest.raises(InvalidInput) as exc:
        money.fund_record(actor=w["staff"], community=w["community"], kind=FundEntryKind.SPENDING,
                          amount=1_650_001, purpose="更换路灯", approval="两委会议")
    assert "amount" in exc.value.fields
    with pytest.raises(InvalidInput) as exc:
        money.fund_record(actor=w["staff"], community=w["community"], kind=FundEntryKind.SPENDING, amount=100,
                          purpose="更换路灯")
    assert "approval" in exc.value.fields
    with pytest.raises(InvalidInput) as exc:
        money.fund_record(actor=w["staff"], community=w["community"], kind=FundEntryKind.SPENDING, amount=100,
                          purpose="更换路灯", approval="两委会议", receipts=[factories.exe("发票.pdf")])
    assert "receipts" in exc.value.fields
    assert FundAccount.objects.get(community=w["community"]).balance == 1_650_000


def test_the_years_account_is_published_and_republished_as_a_correction():
    w = factories.world()
    money.fund_record(actor=w["staff"], community=w["community"], kind=FundEntryKind.ALLOCATION, amount=2_000_000,
                      purpose="年度经费拨付", occurred_on=dt.date(2026, 3, 1))
    first = money.fund_publish_year(actor=w["staff"], community=w["community"], year=2026)
    assert first.kind == ItemKind.FINANCE and "20,000.00" in first.body
    money.fund_record(actor=w["staff"], community=w["community"], kind=FundEntryKind.SPENDING, amount=350_000,
                      purpose="疏通下水管道", approval="两委会议", occurred_on=dt.date(2026, 5, 8))
    second = money.fund_publish_year(actor=w["staff"], community=w["community"], year=2026)
    assert second.version == 2 and "疏通下水管道" in second.body
    assert Item.objects.get(pk=first.pk).state == ItemState.SUPERSEDED


@pytest.mark.django_db(transaction=True)
def test_two_spendings_at_once_cannot_overdraw_the_fund():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    w = factories.world()
    money.fund_record(actor=w["staff"], community=w["community"], kind=FundEntryKind.ALLOCATION, amount=100_000,
                      purpose="经费拨付")
    results, barrier = [], threading.Barrier(2)

    def spend():
        try:
            barrier.wait()
            money.fund_record(actor=w["staff"], community=w["community"], kind=FundEntryKind.SPENDING,
                              amount=70_000, purpose="采购慰问品", approval="两委会议")
            results.append("ok")
        except InvalidInput:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=spend) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "refused"]
    assert FundAccount.objects.get(community=w["community"]).balance == 30_000
    assert FundEntry.objects.filter(kind=FundEntryKind.SPENDING).count() == 1
