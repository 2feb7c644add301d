"""The open books' objects for the role × endpoint matrix (gongzhi.core.tests.matrix): in each
district a draft item of the community (drafts are seen only by the area's readers, so district 2's
is outside for every role), a resident's question on a published item, a rectification, a
financial statement and a fund entry; district 1's are inside."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.core.tests.matrix import Param, World
from gongzhi.disclosure.models import FundEntryKind, LineDirection
from gongzhi.disclosure.services import committee, money, questions
from gongzhi.disclosure.services.money import Line
from gongzhi.disclosure.tests import factories

# Who reads a community's items, figures and money in scope (permissions.READER_ROLES).
SEEN_BY = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_ADMIN, Role.SUPERVISION, Role.INSPECTOR})


def _district(nodes: dict, owner) -> dict:
    community = nodes["community"]
    published = factories.published(community, title="2026年第三季度城乡低保金发放情况")
    asker = user(Role.RESIDENT)
    question = questions.question_ask(actor=asker, item=published, text="为什么比上季度少了两户？")
    rectification = committee.rectification_create(
        actor=factories.ACTOR, community=community, title="公开栏照片模糊，需重新张贴", owner=owner,
        deadline=timezone.localdate() + dt.timedelta(days=10), item=published)
    statement = money.statement_create(
        actor=factories.ACTOR, community=community, title="2026年11月财务收支公开", period_start=dt.date(2026, 11, 1),
        period_end=dt.date(2026, 11, 30), opening_balance=0, income_total=500_000, spending_total=0,
        closing_balance=500_000, lines=[Line(LineDirection.INCOME, "街道拨付办公经费", 500_000)],
        attachments=[factories.pdf("拨款通知.pdf")])
    entry = money.fund_record(actor=factories.ACTOR, community=community, kind=FundEntryKind.ALLOCATION,
                              amount=2_000_000, purpose="2026年党组织服务群众专项经费拨付",
                              receipts=[factories.png("拨款回单.png")])
    item = factories.draft(community, title="2026年度城乡低保对象名单公示", attachments=[factories.pdf("名单.pdf")])
    return {"item": item, "attachment": item.attachments.get(), "receipt": entry.receipts.get(),
            "statement_attachment": statement.attachments.get(), "question": question,
            "rectification": rectification, "statement": statement, "entry": entry, "public_item": published}


def objects(world: World) -> dict[str, Param]:
    inside = _district(world.d1, world.users[Role.COMMUNITY_STAFF])
    outside = _district(world.d2, user(Role.COMMUNITY_STAFF, nodes=[world.d2["community"]]))

    def param(key: str, seen: frozenset = SEEN_BY) -> Param:
        return Param(inside=inside[key].pk, outside=outside[key].pk, seen_by=seen)

    return {
        "item_id": param("item"),
        "question_id": param("question"),
        "rectification_id": param("rectification"),
        "statement_id": param("statement"),
        "entry_id": param("entry"),
        "attachment_id": param("attachment"),
        "receipt_id": param("receipt"),
        "statement_attachment_id": param("statement_attachment"),
        "action": Param.fixed("report"),
        # The public pages (no login; everyone sees a published item): district 1's community in the
        # path; district 2's published item named under it is outside (404 like an absent id).
        "public.community_code": Param.fixed(world.d1["community"].code),
        "public.item_id": param("public_item", frozenset(Role)),
    }
