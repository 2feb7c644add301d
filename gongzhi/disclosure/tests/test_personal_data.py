"""Nothing personal is published: ID numbers, mobile numbers and residents' names are found,
refused at publication and masked where a text must be shown."""

import pytest

from gongzhi.core.errors import InvalidInput
from gongzhi.disclosure import personal_data
from gongzhi.disclosure.models import ItemState
from gongzhi.disclosure.services import items
from gongzhi.disclosure.tests import factories
from gongzhi.meetings.models import BodyKind
from gongzhi.meetings.tests import factories as meeting_factories
from gongzhi.residents.tests.factories import person

pytestmark = pytest.mark.django_db

VALID_ID = "11010519491231002X"


def test_an_id_number_with_its_check_character_is_found():
    assert personal_data.id_number_is_valid(VALID_ID)
    assert not personal_data.id_number_is_valid("110105194912310021")
    found = personal_data.findings(f"申请人身份证号{VALID_ID}，已审核。", names=())
    assert [(f.kind, f.masked) for f in found] == [("id_number", "1101**********002X")]


def test_mobile_numbers_are_found_with_or_without_separators_but_not_inside_longer_numbers():
    text = "联系电话13912345678，或 139-1234-5679；户号 2013912345678901 不是电话。"
    found = personal_data.findings(text, names=())
    assert [f.value for f in found] == ["13912345678", "13912345679"]
    assert personal_data.mask("电话13912345678", names=()) == "电话139****5678"


def test_the_names_of_residents_are_refused_but_office_holders_are_not():
    w = factories.world()
    person(w["household_a"], name="张秀英")
    person(w["household_b"], name="刘建国")
    committee = meeting_factories.body(w["community"], kind=BodyKind.SUPERVISION_COMMITTEE, name="居务监督委员会")
    meeting_factories.member(committee, name="刘建国")
    item = factories.draft(w["community"], body="经入户核查，张秀英家庭符合低保条件。监督委员会主任刘建国参加。")
    with pytest.raises(InvalidInput) as exc:
        items.item_publish(actor=w["staff"], item=item)
    assert "张秀英" in exc.value.fields["body"][0] and "刘建国" not in exc.value.fields["body"][0]
    item.refresh_from_db()
    assert item.state == ItemState.DRAFT
    # The publisher confirms a match is not a person (recorded), or writes 张某.
    assert items.item_publish(actor=w["staff"], item=item, allowed_names=["张秀英"]).state == ItemState.PUBLISHED


def test_an_id_number_in_the_title_is_refused_on_the_title():
    w = factories.world()
    item = factories.draft(w["community"], title=f"关于{VALID_ID}的公示")
    with pytest.raises(InvalidInput) as exc:
        items.item_publish(actor=w["staff"], item=item)
    assert set(exc.value.fields) == {"title"}
