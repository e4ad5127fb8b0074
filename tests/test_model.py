"""The classifier: probabilities, explanations, determinism, evaluation."""

import numpy as np
import pytest

from jobclass import classifier, load_model
from jobclass import model as model_module
from jobclass.classifier import train
from jobclass.labels import LABELS
from jobclass.model import DEFAULT_CONFIG, ModelConfig, score
from jobclass.text import Posting

MLE_TEXT = (
    "You will deploy models to production on Kubernetes, build feature pipelines with Airflow and Spark, "
    "own CI/CD for model serving, and monitor latency and drift. Strong Python and Docker skills."
)


def test_prediction_has_a_label_and_probabilities_summing_to_one(model):
    prediction = model.predict(MLE_TEXT, title="Machine Learning Engineer")
    assert prediction.label in LABELS
    assert set(prediction.probabilities) == set(LABELS)
    assert sum(prediction.probabilities.values()) == pytest.approx(1.0)
    assert prediction.confidence == max(prediction.probabilities.values())


def test_clear_engineering_posting_reads_as_ml_engineer_even_without_title(model):
    assert model.predict(MLE_TEXT).label == "ml_engineer"


def test_top_terms_come_from_the_posting_and_push_toward_the_label(model):
    prediction = model.predict(MLE_TEXT, title="Machine Learning Engineer")
    assert prediction.top_terms
    text = ("Machine Learning Engineer " + MLE_TEXT).lower()
    for term in prediction.top_terms:
        assert term.weight > 0
        assert all(word in text for word in term.term.split())
    assert [t.weight for t in prediction.top_terms] == sorted(
        (t.weight for t in prediction.top_terms), reverse=True
    )


def test_predict_many_matches_predict(model):
    from jobclass.text import Posting

    single = model.predict(MLE_TEXT, title="ML Engineer")
    batch = model.predict_many(
        [Posting(MLE_TEXT, "ML Engineer"), Posting("We analyse churn with SQL.", None)]
    )
    assert batch[0].probabilities == pytest.approx(single.probabilities)


def test_training_is_deterministic(tiny_csv, tmp_path):
    once, again = tmp_path / "once.joblib", tmp_path / "again.joblib"
    train(tiny_csv, once, cross_validation=False)
    train(tiny_csv, again, cross_validation=False)
    first, second = load_model(once), load_model(again)
    assert first.predict(MLE_TEXT).probabilities == pytest.approx(
        second.predict(MLE_TEXT).probabilities, abs=1e-12
    )


def test_score_computes_per_class_and_macro_f1():
    truth = ["ml_engineer", "ml_engineer", "data_scientist", "data_scientist"]
    predicted = ["ml_engineer", "data_scientist", "data_scientist", "data_scientist"]
    metrics = score(np.array(truth), np.array(predicted))
    by_label = {row.label: row for row in metrics.per_class}
    assert by_label["ml_engineer"].precision == 1.0
    assert by_label["ml_engineer"].recall == 0.5
    assert by_label["data_scientist"].precision == pytest.approx(2 / 3)
    # Only the two labels present count toward macro-F1.
    assert metrics.macro_f1 == pytest.approx((2 / 3 + 0.8) / 2)
    assert metrics.confusion[0][:2] == (1, 1)
    assert metrics.accuracy == 0.75


def test_evaluate_on_labeled_csv(model, small_csv):
    evaluation = model.evaluate(small_csv)["all"]
    assert evaluation.metrics.macro_f1 > 0.9  # it was trained on these rows
    assert sum(row.support for row in evaluation.metrics.per_class) == 160
    assert sum(b.count for b in evaluation.reliability) == 160
    assert 0 <= evaluation.ece <= 1
    # trained without CV: no calibration, so no review band
    assert evaluation.review_threshold == 0 and evaluation.flagged == 0


def test_default_model_is_stale_when_missing_or_its_corpus_changed(
    small_model, small_csv, tmp_path, monkeypatch
):
    model = tmp_path / "jobclass.joblib"
    monkeypatch.setenv("JOBCLASS_HOME", str(tmp_path))
    monkeypatch.setattr(classifier, "DEFAULT_DATA", small_csv)
    monkeypatch.setattr(classifier, "DEFAULT_CALIBRATION_DATA", small_csv)
    assert "no model at" in classifier.default_model_staleness()

    classifier.train(small_csv, model, cross_validation=False, calibration_data=small_csv)
    assert classifier.default_model_staleness() is None

    other = tmp_path / "calibration.csv"
    other.write_text(small_csv.read_text() + "\n", encoding="utf-8")
    monkeypatch.setattr(classifier, "DEFAULT_CALIBRATION_DATA", other)
    assert "calibration.csv has changed since" in classifier.default_model_staleness()
    monkeypatch.setattr(classifier, "DEFAULT_CALIBRATION_DATA", small_csv)

    changed = tmp_path / "changed.csv"
    changed.write_text(small_csv.read_text() + "\n", encoding="utf-8")
    monkeypatch.setattr(classifier, "DEFAULT_DATA", changed)
    assert "has changed since" in classifier.default_model_staleness()

    monkeypatch.setattr(classifier, "DEFAULT_DATA", small_csv)
    edited = tmp_path / "profiles.toml"
    edited.write_text(
        classifier.DEFAULT_PROFILES.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8"
    )
    monkeypatch.setattr(classifier, "DEFAULT_PROFILES", edited)
    assert "taxonomy or profiles have changed" in classifier.default_model_staleness()


def test_optional_rule_based_features_join_the_pipeline(tiny_csv, tmp_path):
    config = ModelConfig(profile_features=True, skill_features=True)
    result = train(tiny_csv, tmp_path / "rules.joblib", config=config, cross_validation=False)
    model = load_model(result.model_path)
    names = list(model.pipeline.named_steps["features"].get_feature_names_out())
    assert [name for name in names if name.startswith("profile_fits__")] == [
        f"profile_fits__fit_{label}" for label in LABELS
    ]
    assert "skills__pytorch" in names
    assert model.manifest["model"]["profile_features"] is True
    assert model.predict(MLE_TEXT).label in LABELS


def test_default_model_is_word_tfidf_logistic_regression(small_model):
    model = load_model(small_model)
    assert model.manifest["model"] == DEFAULT_CONFIG.to_dict()
    blocks = {name for name, *_ in model.pipeline.named_steps["features"].transformers_}
    assert blocks == {"text_words"}  # the title is evidence of its own, not a feature


def test_predictions_with_and_without_titles_match_separate_passes(model):
    postings = [
        Posting(MLE_TEXT, "Data Scientist"),
        Posting(MLE_TEXT, None),
        Posting("We build dashboards.", "x"),
    ]
    titled, hidden = model.predict_with_and_without_titles(postings)
    alone = model.predict_many(postings)
    blind = model.predict_many([Posting(p.text) for p in postings])
    for got, want in zip(titled + hidden, alone + blind, strict=True):
        assert got.label == want.label
        assert got.probabilities == pytest.approx(want.probabilities, abs=1e-9)


def test_training_in_two_processes_gives_the_same_model_as_one(tiny_csv, tmp_path, monkeypatch):
    monkeypatch.setattr(model_module, "PARALLEL_FROM_ROWS", 0)  # the tiny slice would stay in one process
    one = train(tiny_csv, tmp_path / "one.joblib", jobs=1)
    two = train(tiny_csv, tmp_path / "two.joblib", jobs=2)
    assert one.manifest["cv"] == two.manifest["cv"]
    assert one.manifest["calibration"] == two.manifest["calibration"]
    text = "Deploy and monitor models on Kubernetes; build pipelines."
    first, second = load_model(one.model_path).predict(text), load_model(two.model_path).predict(text)
    assert first.probabilities == pytest.approx(second.probabilities)
