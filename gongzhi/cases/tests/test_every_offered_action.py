"""Every action a case page offers works as offered: each form of the page, sent as the person
would send it (hidden fields as they are, the first real choice of each list, words in each box),
is answered by the case page again — never a 404 or a server error. Walked for the roles along the
loop, the called department (吹哨报到) included."""

from html.parser import HTMLParser

import pytest

from gongzhi.accounts.tests.factories import PASSWORD
from gongzhi.cases import services
from gongzhi.cases.models import Result
from gongzhi.cases.tests.factories import dispatched, in_progress, submit

pytestmark = pytest.mark.django_db


class Forms(HTMLParser):
    """The case action forms of a page: (action url, {name: value})."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict]] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and "/act/" in (a.get("action") or ""):
            self._form = (a["action"], {})
            self.forms.append(self._form)
        if self._form is None:
            return
        data = self._form[1]
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("file", "checkbox"):
            data.setdefault(name, a.get("value") or ("3" if a.get("type") == "number" else "现场已核实"))
        elif tag == "input" and name and a.get("type") == "checkbox" and name == "departments":
            data.setdefault(name, a.get("value"))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and a.get("value") and self._select not in data:
            data[self._select] = a["value"]
        elif tag == "textarea" and name:
            data[name] = "已到现场查看并处理"

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def post_every_form(client, user, case) -> dict[str, int]:
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    parser = Forms()
    parser.feed(client.get(f"/cases/{case.pk}/").content.decode())
    answers = {}
    for url, data in parser.forms:
        response = client.post(url, data)
        answers[url.rstrip("/").rsplit("/", 1)[-1]] = response.status_code
    return answers


def test_the_called_department_can_use_every_form_it_is_offered(client, w):
    case = in_progress(w, "market-order", title="早市占道", description="早市摊位占满人行道")
    services.case_whistle(actor=w.sstaff, case=case, departments=[w.departments["cg"]], reason="联合整治")
    answers = post_every_form(client, w.cg, case)
    assert {"acknowledge", "report_part"} <= set(answers)
    assert all(status in (200, 302) for status in answers.values()), answers


@pytest.mark.parametrize("who, make", [
    ("cstaff", lambda w: submit(w)),
    ("worker_a", lambda w: dispatched(w)),
    ("worker_a", lambda w: in_progress(w)),
    ("sstaff", lambda w: in_progress(w, "market-order", title="早市占道", description="早市摊位占满人行道")),
    ("cstaff", lambda w: services.case_resolve(actor=w.worker_a, case=in_progress(w), result=Result.SOLVED,
                                               feedback="已清走")),
    ("resident", lambda w: services.case_resolve(actor=w.worker_a, case=in_progress(w), result=Result.SOLVED,
                                                 feedback="已清走")),
])
def test_every_offered_form_is_answered_by_the_case_page(client, w, who, make):
    case = make(w)
    answers = post_every_form(client, w.users[who], case)
    assert answers, "the page offers nothing"
    assert all(status in (200, 302) for status in answers.values()), answers
