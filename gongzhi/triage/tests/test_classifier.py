"""The classifier on its own (no database): normalisation, training, robustness, explanations."""

import opencc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongzhi.core.errors import InvalidInput
from gongzhi.triage import classifier as clf

from . import factories


@pytest.fixture(scope="module")
def trained():
    titles, texts, labels = factories.rows(60, seed=1)
    return clf.train(titles, texts, labels, folds=3)


@pytest.fixture(scope="module")
def held_out():
    return factories.rows(15, seed=99)


def test_normalize_makes_one_form_of_width_script_case_digits_and_spaces():
    assert clf.normalize("ＡＢＣ　１２３号楼") == "abc 0号楼"
    assert clf.normalize("這個社區的垃圾沒人處理") == "这个社区的垃圾没人处理"
    assert clf.normalize("  WiFi   信号\n\n 差 ") == "wifi 信号 差"
    assert clf.normalize("") == ""


def test_training_gives_a_model_that_classifies_held_out_texts(trained, held_out):
    # given a model trained on synthetic requests of four categories
    titles, texts, labels = held_out
    # when it classifies requests it has not seen
    predicted = trained.classifier.predict(titles, texts)
    # then (almost) all get their category, and the figures of its cross-validation are there
    correct = sum(p == y for p, y in zip(predicted, labels, strict=True))
    assert correct / len(labels) >= 0.95
    figures = trained.evaluation
    assert figures["n_train"] == 240
    assert figures["macro_f1"] >= 0.9
    assert set(figures["per_label"]) == set(factories.LABELS)
    assert figures["confusion_matrix"]["labels"] == factories.LABELS


def test_a_suggestion_has_three_labels_with_probabilities_and_the_words_that_drove_it(trained):
    top, explanation = trained.classifier.suggest("小区垃圾问题", "楼下垃圾站堆放的垃圾好几天没有清运，异味很大")
    assert [label for label, _ in top][0] == "sanitation"
    assert len(top) == 3
    probabilities = [p for _, p in top]
    assert probabilities == sorted(probabilities, reverse=True)
    assert 0.5 < probabilities[0] <= 1.0 and sum(probabilities) <= 1.0 + 1e-9
    terms = [term for term, _ in explanation]
    assert any(word in term for term in terms for word in ("垃圾", "清运", "异味"))
    assert all(weight > 0 for _, weight in explanation)


def test_traditional_characters_get_the_same_label_as_simplified(trained, held_out):
    to_traditional = opencc.OpenCC("s2t")
    titles, texts, _labels = held_out
    simplified = trained.classifier.predict(titles, texts)
    traditional = trained.classifier.predict(
        [to_traditional.convert(t) for t in titles], [to_traditional.convert(t) for t in texts]
    )
    assert to_traditional.convert("停车位被电动车占道") != "停车位被电动车占道"
    assert traditional == simplified


@pytest.mark.parametrize("text", ["", "   ", "\u3000\n", None])
def test_empty_text_is_refused_naming_the_field(trained, text):
    with pytest.raises(InvalidInput) as refused:
        trained.classifier.suggest("标题", text)
    assert "text" in refused.value.fields


def test_a_100000_character_text_is_classified_not_refused(trained):
    text = "夜间施工噪音扰民，" + "居民反映情况。" * 14_300
    assert len(text) >= 100_000
    top, _ = trained.classifier.suggest("", text)
    assert top[0][0] == "noise"


def test_mixed_chinese_digits_and_latin_work(trained):
    top, _ = trained.classifier.suggest("B栋 WATER 问题", "Ｂ栋3单元502室 水管 leak，漏水严重，水压很低 call 12345 多次")
    assert top[0][0] == "water"


def test_a_stored_model_predicts_the_same_after_loading(trained, held_out):
    titles, texts, _labels = held_out
    loaded = clf.TextClassifier.loads(trained.classifier.dumps())
    assert loaded.predict(titles, texts) == trained.classifier.predict(titles, texts)


def test_training_is_deterministic():
    titles, texts, labels = factories.rows(20, seed=5)
    first = clf.train(titles, texts, labels, folds=3)
    second = clf.train(titles, texts, labels, folds=3)
    timing = ("train_seconds",)
    assert {k: v for k, v in first.evaluation.items() if k not in timing} == {
        k: v for k, v in second.evaluation.items() if k not in timing
    }
    assert (first.classifier.coef == second.classifier.coef).all()


def test_the_fast_vectoriser_gives_the_matrix_scikit_learn_gives(trained, held_out):
    model = trained.classifier
    titles, texts, _labels = held_out
    docs = model.documents(titles, texts) + ["", "垃", "abc 123", "停车位。。。  \n\n 乱停"]
    fast = model.transform(docs)
    reference = model.vectorizer.transform(docs)
    assert fast.shape == reference.shape
    assert abs(fast - reference).max() < 1e-6


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=st.text(max_size=30), text=st.text(min_size=1, max_size=300).filter(lambda t: t.strip()))
def test_any_non_empty_text_gets_three_labels(trained, title, text):
    top, _explanation = trained.classifier.suggest(title, text)
    assert len(top) == 3
    assert all(0.0 <= p <= 1.0 for _, p in top)


def test_the_words_that_drove_it_are_spans_of_the_requesters_text(trained):
    # given a request whose telling words overlap as n-grams
    text = "楼下垃圾站堆放的垃圾好几天没有清运，异味很大"
    # when it is explained
    _top, explanation = trained.classifier.suggest("", text)
    terms = [term for term, _ in explanation]
    # then every term is a piece of the text between punctuation, pieces do not repeat, and particles
    # alone are dropped
    pieces = text.split("，")
    assert all(any(term in piece for piece in pieces) for term in terms)
    assert len(terms) == len(set(terms))
    assert not {"的", "很", "了"} & set(terms)
    assert any(len(term) >= 3 for term in terms)  # overlapping n-grams were joined
