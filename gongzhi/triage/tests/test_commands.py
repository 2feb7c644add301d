"""`gongzhi triage train | eval | cv` with CSV files written in the test."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from gongzhi.core.models import AuditEvent
from gongzhi.triage.models import TriageModel

from . import factories

REQUIRED = {"accuracy", "macro_f1", "per_label", "confusion_matrix", "texts_per_second"}


def run(*args) -> str:
    out = io.StringIO()
    call_command("triage", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_eval_trains_on_one_csv_scores_another_and_prints_one_json_object(tmp_path):
    train_csv = factories.write_csv(tmp_path / "train.csv", factories.rows(30, seed=1))
    test_csv = factories.write_csv(tmp_path / "test.csv", factories.rows(10, seed=2), with_id=False)
    result = json.loads(run("eval", "--train", str(train_csv), "--test", str(test_csv)))
    assert REQUIRED <= set(result)
    assert result["macro_f1"] >= 0.9 and result["accuracy"] >= 0.9
    assert set(result["per_label"]["water"]) >= {"precision", "recall", "f1"}
    assert result["confusion_matrix"]["labels"] == factories.LABELS
    assert sum(map(sum, result["confusion_matrix"]["matrix"])) == 40
    assert result["texts_per_second"] > 0
    assert not TriageModel.objects.exists()  # nothing stored, nothing activated


def test_cv_prints_the_figures_averaged_over_folds(tmp_path):
    data = factories.write_csv(tmp_path / "all.csv", factories.rows(20, seed=3))
    result = json.loads(run("cv", str(data), "--folds", "4"))
    assert REQUIRED <= set(result)
    assert result["folds"] == 4 and len(result["fold_macro_f1"]) == 4
    assert sum(map(sum, result["confusion_matrix"]["matrix"])) == 80


@pytest.mark.django_db
def test_train_from_a_csv_stores_and_activates_a_version_recorded_as_the_command(tmp_path):
    data = factories.write_csv(tmp_path / "labelled.csv", factories.rows(20, seed=4))
    output = run("train", "--csv", str(data), "--folds", "3")
    model = TriageModel.objects.get()
    assert model.is_active and model.version == 1 and model.n_train == 80
    assert model.sources == {"cases": 0, "csv": "labelled.csv", "csv_rows": 80}
    assert "v1" in output
    event = AuditEvent.objects.get(action="triage.model.activate")
    assert event.actor_label == "command:triage"


@pytest.mark.django_db
def test_train_without_cases_or_csv_explains_what_is_missing():
    with pytest.raises(CommandError, match="--csv"):
        run("train")


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ("id,title,label\n1,标题,noise\n", "“text”"),
        ("title,text\n标题,内容\n", "“label”"),
        ("", "empty"),
        ("title,text,label\n", "no data rows"),
        ("title,text,label\n标题,,noise\n", "“text” is empty"),
    ],
)
def test_a_bad_csv_is_refused_naming_the_column(tmp_path, content, named):
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    good = factories.write_csv(tmp_path / "good.csv", factories.rows(5))
    with translation.override("en"), pytest.raises(CommandError, match=named):
        run("eval", "--train", str(good), "--test", str(bad))


def test_the_csv_error_is_in_chinese_by_default(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("id,title,label\n1,标题,noise\n", encoding="utf-8")
    with pytest.raises(CommandError, match="缺少列 “text”"):
        run("cv", str(bad))
