"""One msgid, one translation: Django merges every app's catalogue (and gongzhi/locale) into a single
process-wide catalogue where the first one found wins, so the same (msgctxt, msgid) translated two
ways shows the wrong word somewhere. Where the meaning differs by place, the strings need a context
(pgettext / {% translate "…" context "…" %}). The pages below once showed the wrong word."""

import re
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


# --- what the test above cannot see -------------------------------------------------------------------
# Django's and the other installed apps' catalogues are merged too, and an app listed earlier in
# INSTALLED_APPS wins: django.contrib.auth translates "Disabled" as 禁用, so the residents' tag
# "Disabled" (残疾) showed as 禁用 although no two gongzhi catalogues disagreed.

# msgids whose common meaning in Django or the admin differs from ours: they only appear with a context.
NEEDS_CONTEXT = {"Disabled", "Add", "Filter", "Summary", "Breadcrumbs", "content type", "object id"}


def _entries():
    for path in ZH_CATALOGUES:
        for entry in polib.pofile(str(path)):
            if not entry.obsolete and entry.msgid:
                yield path.relative_to(GONGZHI_DIR), entry


def test_every_translation_of_ours_is_the_one_the_site_shows():
    from django.utils import translation

    shadowed = []
    with translation.override("zh-hans"):
        for path, entry in _entries():
            context = entry.msgctxt
            if entry.msgid_plural:
                wanted = entry.msgstr_plural.get(0, "")
                shown = (translation.npgettext(context, entry.msgid, entry.msgid_plural, 1) if context
                         else translation.ngettext(entry.msgid, entry.msgid_plural, 1))
            else:
                wanted = entry.msgstr
                shown = translation.pgettext(context, entry.msgid) if context else translation.gettext(entry.msgid)
            if wanted and shown != wanted:
                shadowed.append(f"{path}: {entry.msgid!r} is ours {wanted!r} but shows {shown!r}")
    assert shadowed == [], (
        "another catalogue (Django's, a third-party app's) wins for these msgids: give them a context "
        "(pgettext / {% translate ... context ... %}) or agree on its word:\n" + "\n".join(shadowed)
    )


def test_no_translation_is_missing_fuzzy_or_left_in_english():
    problems = []
    for path, entry in _entries():
        values = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if entry.fuzzy:
            problems.append(f"{path}: fuzzy {entry.msgid!r}")
        elif not all(values):
            problems.append(f"{path}: untranslated {entry.msgid!r}")
        elif any(value == entry.msgid and re.search(r"[A-Za-z]{3,}", value) for value in values):
            problems.append(f"{path}: left in English {entry.msgid!r}")
    assert problems == [], "\n".join(problems)


def test_ambiguous_msgids_only_appear_with_a_context():
    bare = sorted({f"{path}: {entry.msgid!r}" for path, entry in _entries()
                   if entry.msgid in NEEDS_CONTEXT and not entry.msgctxt})
    assert bare == [], "these words mean something else in Django's catalogues; use a context:\n" + "\n".join(bare)


def test_the_disabled_tag_reads_as_a_disability_not_a_switch():
    from django.utils import translation

    from gongzhi.residents.models import TagKind

    with translation.override("zh-hans"):
        assert str(TagKind.DISABLED.label) == "残疾"


@pytest.mark.django_db
def test_a_community_secretary_wears_their_post_on_the_badge(client):
    from gongzhi.accounts.tests.factories import user
    from gongzhi.areas.tests.factories import tree

    # given a community secretary (a community staff account with that post)
    nodes = tree()
    secretary = user("community_staff", nodes=[nodes["community"]], title="社区党委书记")
    client.force_login(secretary)
    # when they open their home page
    page = client.get("/").content.decode()
    # then the badge says their post, not the generic role
    assert '<span class="tag tag-strong">社区党委书记</span>' in page
    # and where the role itself is named (the header), it is the role of every community's staff, secretary included
    assert '<span class="role">社区工作人员</span>' in page and "社区工作者" not in page


@pytest.mark.django_db
def test_the_admin_lists_holidays_by_their_chinese_names(client):
    from gongzhi.accounts.tests import factories as users

    # given the calendar seeded from the chinesecalendar package (English names in older databases)
    client.force_login(users.superuser())
    # when the administrator opens the calendar days of October 2026
    page = client.get("/admin/core/calendarday/?date__year=2026&date__month=10").content.decode()
    # then the holidays read 国庆节 and 中秋节, never the package's English
    assert "国庆节" in page
    assert "National Day" not in page and "Mid-autumn Festival" not in page
