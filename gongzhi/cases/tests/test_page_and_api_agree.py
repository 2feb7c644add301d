"""A page and its API answer the same for the same user (issue 10): the inbox tabs, the figures."""

import pytest

from gongzhi.accounts.tests.factories import user
from gongzhi.cases import selectors

pytestmark = pytest.mark.django_db

WORK_BOXES = [b for b in selectors.BOXES if b not in ("mine", "whistle")]


def _people(w):
    return {
        **w.users,
        "supervision": user("supervision", nodes=[w.nodes["community"]]),
        "party_member": user("party_member"),
    }


@pytest.mark.parametrize("who", ["resident", "worker_a", "cstaff", "sstaff", "admin", "inspector", "cg", "supervision",
                                 "party_member"])
def test_every_inbox_tab_answers_the_same_on_the_page_and_in_the_api(client, w, who):
    # given a user of each role
    client.force_login(_people(w)[who])
    for box in WORK_BOXES:
        # when they open an inbox tab on the page and ask the API for the same tab
        page = client.get("/cases/", {"box": box})
        api = client.get("/api/cases/", {"box": box})
        # then both show it (200), or neither has it (the page sends residents to "my requests")
        if page.status_code == 302:
            assert api.status_code == 404, (who, box)
        else:
            assert page.status_code == api.status_code, (who, box, page.status_code, api.status_code)


@pytest.mark.parametrize("who", ["resident", "worker_a", "cstaff", "sstaff", "admin", "inspector", "cg", "supervision"])
def test_the_figures_answer_the_same_on_the_page_and_in_the_api(client, w, who):
    # given a user of each role and the community's figures for a month
    client.force_login(_people(w)[who])
    params = {"node_id": w.nodes["community"].pk, "start": "2026-11-01", "end": "2026-11-30"}
    # when they open the figures page and ask the API, then both allow or both refuse
    page = client.get("/cases/figures/", {"node": w.nodes["community"].pk, "start": "2026-11-01", "end": "2026-11-30"})
    api = client.get("/api/cases/figures", params)
    assert (page.status_code == 200) == (api.status_code == 200), (who, page.status_code, api.status_code)
