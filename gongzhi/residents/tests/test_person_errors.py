"""A person's form says everything that is wrong at once, each problem beside its box, and keeps
what was typed (a wrong ID number stays in the box to be corrected, its message does not quote it
masked); a date of birth or move-in after today is refused by the form, the API and the import
(whose message says what is wrong)."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongzhi.core.errors import InvalidInput
from gongzhi.residents import sample, services, xlsx
from gongzhi.residents.models import Person
from gongzhi.residents.tests.factories import ACTOR, id_number

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def error_beside(html: str, field: str) -> str:
    """The error list Django draws for `field` (under its label, before its box)."""
    marker = f'id="id_{field}_error"'
    assert marker in html, f"no error beside {field}"
    start = html.index(marker)
    return html[start:html.index("</ul>", start)]


def test_every_problem_shows_beside_its_box_at_once_and_what_was_typed_stays(client, w):
    # given community staff registering a person with a mistyped ID number and other slips
    client.force_login(w["community_staff"])
    good = id_number(born=datetime.date(1986, 5, 4))
    typo = good[:-1] + ("0" if good[-1] != "0" else "1")
    # when they send the form
    response = client.post(f"/residents/households/{w['household_a'].pk}/people/new/", {
        "name": "王建国", "id_number": typo, "phone": "1391234", "birth_date": TOMORROW.isoformat(),
        "moved_in_on": TOMORROW.isoformat(), "residence_type": "registered", "relation": "head",
    })
    html = response.content.decode()
    # then nothing is written, and each problem stands beside its own box, all at once
    assert response.status_code == 200
    assert not Person.objects.filter(name="王建国").exists()
    assert "校验" in error_beside(html, "id_number") or "最后一位" in error_beside(html, "id_number")
    assert "*" not in error_beside(html, "id_number")
    assert error_beside(html, "phone")
    assert "晚于今天" in error_beside(html, "moved_in_on") or "不能" in error_beside(html, "moved_in_on")
    assert error_beside(html, "birth_date")
    # and what was typed is still in the boxes
    assert f'value="{typo}"' in html and 'value="1391234"' in html and 'value="王建国"' in html


def test_a_good_form_still_registers(client, w):
    client.force_login(w["community_staff"])
    number = id_number(born=datetime.date(1979, 3, 2))
    response = client.post(f"/residents/households/{w['household_a'].pk}/people/new/", {
        "name": "赵春梅", "id_number": number, "residence_type": "registered", "relation": "spouse",
        "moved_in_on": "2020-05-01",
    })
    assert response.status_code == 302
    assert Person.objects.get(name="赵春梅").birth_date == datetime.date(1979, 3, 2)


def test_the_services_refuse_dates_in_the_future(w):
    with pytest.raises(InvalidInput) as born:
        services.person_create(actor=ACTOR, household=w["household_a"], name="钱多多", birth_date=TOMORROW)
    assert "birth_date" in born.value.fields
    with pytest.raises(InvalidInput) as moved:
        services.person_create(actor=ACTOR, household=w["household_a"], name="钱多多", moved_in_on=TOMORROW)
    assert "moved_in_on" in moved.value.fields
    person = w["person_a"]
    with pytest.raises(InvalidInput):
        services.person_update(actor=ACTOR, person=person, moved_in_on=TOMORROW)


def test_the_api_refuses_a_future_date_of_birth(client, w):
    client.force_login(w["community_staff"])
    response = client.post("/api/residents/people", json.dumps({
        "household_id": w["household_a"].pk, "name": "孙小梅", "birth_date": TOMORROW.isoformat(),
    }), content_type="application/json")
    assert response.status_code == 400
    assert "birth_date" in response.json()["fields"]


def test_the_import_says_a_date_lies_in_the_future(w):
    # given a spreadsheet row with a date of birth next year and one moving in tomorrow
    next_year = timezone.localdate().replace(year=timezone.localdate().year + 2, day=1)
    rows = [
        {"name": "周一", "birth_date": next_year.isoformat(), "residence_type": "户籍", "relation": "户主",
         "building": w["building_a"].code, "unit": "1单元", "room": "101"},
        {"name": "周二", "moved_in_on": TOMORROW.isoformat(), "residence_type": "户籍", "relation": "子女",
         "building": w["building_a"].code, "unit": "1单元", "room": "101"},
    ]
    upload = SimpleUploadedFile("people.xlsx", sample.write_xlsx(rows), content_type=xlsx.HEADERS[0])
    result = services.residents_import(actor=w["community_staff"], file=upload)
    # then nothing is written and each row's message names the column and says it lies in the future
    assert not result.ok
    messages = {number: " ".join(problems) for number, problems in result.errors}
    assert len(messages) == 2
    assert all("未来" in m or "晚于今天" in m for m in messages.values()), messages
    assert "不是日期" not in " ".join(messages.values())
    assert not Person.objects.filter(name__in=["周一", "周二"]).exists()
