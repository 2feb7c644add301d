"""One msgid, one translation: Django merges every app's catalogue (and gongzhi/locale) into a single
process-wide catalogue where the first one found wins, so the same (msgctxt, msgid) translated two
ways shows the wrong word somewhere. Where the meaning differs by place, the strings need a context
(pgettext / {% translate "…" context "…" %}). The pages below once showed the wrong word."""

from collections import defaultdict
from pathlib import Path

import polib
import pytest

GONGZHI_DIR = Path(__file__).resolve().parents[2]
ZH_CATALOGUES = sorted(GONGZHI_DIR.glob("**/locale/zh_Hans/LC_MESSAGES/*.po"))


def _translations() -> dict:
    """(msgctxt, msgid) → {translation: [catalogues that give it]}, non-empty translations only."""
    found = defaultdict(lambda: defaultdict(list))
    for path in ZH_CATALOGUES:
        for entry in polib.pofile(str(path)):
            if entry.obsolete or not entry.msgid or entry.fuzzy:
                continue
            value = tuple(sorted(entry.msgstr_plural.items())) if entry.msgid_plural else entry.msgstr
            if not value or (entry.msgid_plural and not any(text for _n, text in value)):
                continue
            found[(entry.msgctxt or "", entry.msgid)][value].append(str(path.relative_to(GONGZHI_DIR)))
    return found


def test_every_zh_hans_catalogue_is_checked():
    assert {p.relative_to(GONGZHI_DIR).parts[0] for p in ZH_CATALOGUES} >= {"locale", "core", "cases", "residents"}


def test_no_msgid_is_translated_differently_in_two_catalogues():
    clashes = []
    for (context, msgid), values in sorted(_translations().items()):
        if len(values) > 1:
            ways = "; ".join(f"{value!r} in {', '.join(paths)}" for value, paths in values.items())
            clashes.append(f"{context + ' | ' if context else ''}{msgid!r}: {ways}")
    assert clashes == [], (
        "the same msgid is translated differently in two catalogues (one wins process-wide): agree on one "
        "word, or give the strings a context (pgettext / {% translate ... context ... %}):\n" + "\n".join(clashes)
    )


# --- the pages that showed the wrong word -------------------------------------------------------------


@pytest.mark.django_db
def test_the_case_form_calls_the_title_a_title(client):
    from gongzhi.cases.tests.factories import world

    w = world()
    client.force_login(w.cstaff)
    page = client.get("/cases/new/").content.decode()
    assert '<label for="title">标题</label>' in page
    assert "职务" not in page


@pytest.mark.django_db
def test_the_household_card_lists_family_members_by_name(client):
    from gongzhi.residents.tests.factories import person, world

    w = world()
    person(w["household_a"], name="张小三", relation="child")
    client.force_login(w["community_staff"])
    page = client.get(f"/residents/households/{w['household_a'].pk}/").content.decode()
    assert "<h2>家庭成员</h2>" in page and "<th>姓名</th>" in page and "张小三" in page
    assert "党员</h2>" not in page and "<th>名称</th>" not in page


@pytest.mark.django_db
def test_the_figures_page_and_export_say_period_end_and_label_the_counts(client):
    import io

    from openpyxl import load_workbook

    from gongzhi.cases.tests.factories import submit, world

    w = world()
    submit(w)
    client.force_login(w.cstaff)
    page = client.get(f"/cases/figures/?node={w.community.pk}").content.decode()
    assert "结束日期" in page and "迁入" not in page and "<th>诉求件数</th>" in page

    response = client.get(f"/cases/figures/?node={w.community.pk}&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "三率"
    cells = {str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None}
    assert {"统计诉求件数", "按时响应", "已评价"} <= cells
    assert "期间" in str(sheet["A2"].value)
    assert not cells & {"cases", "responded_in_time", "responded", "rated", "solved", "closed"}
