"""Temperature scaling, calibration error, the review threshold, and how a classifier applies them."""

from types import SimpleNamespace

import numpy as np
import pytest

from jobclass.calibration import (
    REVIEW_MIN_THRESHOLD,
    TITLE_MIN_WEIGHT,
    Calibration,
    calibrate,
    evidence_weight,
    expected_calibration_error,
    fit_temperature,
    fit_title_weight,
    reliability_bins,
    review_threshold,
    scope_threshold,
    shrunk_probabilities,
    softmax,
    with_title_evidence,
)
from jobclass.classifier import Classifier
from jobclass.text import Posting

from .test_model import MLE_TEXT


def sampled_labels(scores, temperature, seed=0):
    """Labels drawn from softmax(scores / temperature): data for which that temperature is right."""
    generator = np.random.default_rng(seed)
    probabilities = softmax(scores, temperature)
    return np.array([generator.choice(len(row), p=row) for row in probabilities])


def test_softmax_rows_sum_to_one_and_temperature_flattens():
    scores = np.array([[2.0, 0.0, -1.0, 0.5], [10.0, 9.0, 0.0, 0.0]])
    sharp, flat = softmax(scores), softmax(scores, temperature=4.0)
    assert np.allclose(sharp.sum(axis=1), 1) and np.allclose(flat.sum(axis=1), 1)
    assert (flat.max(axis=1) < sharp.max(axis=1)).all()
    assert (flat.argmax(axis=1) == sharp.argmax(axis=1)).all()


@pytest.mark.parametrize("true_temperature", [0.5, 1.0, 3.0])
def test_fit_temperature_recovers_the_temperature_the_labels_were_drawn_at(true_temperature):
    scores = np.random.default_rng(1).normal(scale=3.0, size=(4000, 4))
    labels = sampled_labels(scores, true_temperature)
    assert fit_temperature(scores, labels) == pytest.approx(true_temperature, rel=0.15)


def test_ece_is_the_weighted_gap_between_confidence_and_accuracy():
    assert expected_calibration_error([1.0, 1.0], [True, True]) == 0.0
    # ten predictions at 0.9 of which all are right: a gap of 0.1
    assert expected_calibration_error([0.9] * 10, [True] * 10) == pytest.approx(0.1)
    # two bins: 0.95 with 1/2 right (gap 0.45), 0.55 with 1/2 right (gap 0.05), equal weights
    assert expected_calibration_error([0.95, 0.95, 0.55, 0.55], [True, False, True, False]) == pytest.approx(
        0.25
    )
    assert expected_calibration_error([], []) == 0.0


def test_reliability_bins_cover_every_prediction_and_skip_empty_bins():
    bins = reliability_bins([0.31, 0.35, 0.99, 1.0], [False, True, True, True])
    assert [(b.lower, b.upper, b.count) for b in bins] == [(0.3, 0.4, 2), (0.9, 1.0, 2)]
    assert bins[0].accuracy == 0.5 and bins[1].confidence == pytest.approx(0.995)


def test_calibrated_ece_is_lower_than_raw_on_overconfident_scores():
    scores = np.random.default_rng(2).normal(scale=3.0, size=(3000, 4))
    labels = sampled_labels(scores, 3.0)  # the raw scores are three times too sharp

    def ece(probabilities):
        return expected_calibration_error(probabilities.max(axis=1), probabilities.argmax(axis=1) == labels)

    raw = ece(softmax(scores))
    calibrated = ece(softmax(scores, fit_temperature(scores, labels)))
    assert calibrated < 0.03 < raw


def test_review_threshold_is_the_lowest_that_reaches_the_target():
    confidence = [0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95, 0.97]
    correct = [False, False, True, False, True, True, True, True]
    # at 0.66 and above: 4 of 4 right; at 0.56: 4 of 5
    assert review_threshold(confidence, correct, target_accuracy=1.0) == 0.66
    assert review_threshold(confidence, correct, target_accuracy=0.8) == 0.46
    assert review_threshold([0.5, 0.6], [False, False]) == 0.99  # never reached: flag nearly everything


def synthetic_held_out(rows=800, seed=3):
    """Held-out scores whose right calibration is known: scores at T=1, titles that name the true role
    three times in four (else a random one), fragments that are pure noise, and an out-of-scope score
    that separates."""
    generator = np.random.default_rng(seed)
    scores = generator.normal(scale=6.0, size=(rows, 4))
    labels = sampled_labels(scores, 1.0)
    titles = np.where(generator.random(rows) < 0.75, labels, generator.integers(0, 4, rows))
    titles[: rows // 4] = -1  # a quarter of the titles name no role
    out = generator.random(rows) < 0.2
    return SimpleNamespace(
        scores=scores,
        true_index=labels,
        evidence=np.full(rows, 300),
        title_index=titles,
        scope_scores=np.where(out, 1.0, -1.0) + generator.normal(scale=0.3, size=rows),
        out_of_scope=out,
        fragment_scores=generator.normal(scale=6.0, size=(rows, 4)),
        fragment_evidence=np.full(rows, 3),
    )


def test_calibrate_fits_temperature_evidence_prior_title_weight_and_thresholds():
    held_out = synthetic_held_out()
    calibration = calibrate(held_out)
    assert calibration.temperature == pytest.approx(1.0, rel=0.25)
    assert REVIEW_MIN_THRESHOLD <= calibration.review_threshold <= 0.99  # never under the floor
    # fragments whose scores say nothing about the label: the prior must swamp three terms of evidence
    assert evidence_weight([3], calibration.evidence_prior)[0] < 0.2
    assert calibration.title_weight > 3  # a title right 3 times in 4 (+1/16 by chance) is strong evidence
    assert fit_title_weight(softmax(held_out.scores), held_out.title_index, held_out.true_index) > 3
    assert -1.0 < calibration.scope_threshold < 1.0  # between the centres of the two clouds
    round_trip = Calibration.from_dict(calibration.to_dict())
    assert round_trip.review_threshold == calibration.review_threshold
    assert round_trip.temperature == pytest.approx(calibration.temperature, rel=1e-5)
    assert round_trip.evidence_prior == pytest.approx(calibration.evidence_prior, abs=1e-4)
    assert round_trip.title_weight == pytest.approx(calibration.title_weight, abs=1e-4)


def test_title_evidence_reweights_the_named_role_only():
    content = np.array([[0.4, 0.3, 0.2, 0.1], [0.4, 0.3, 0.2, 0.1]])
    updated = with_title_evidence(content, [2, -1], weight=6.0)
    assert updated[0] == pytest.approx(np.array([0.4, 0.3, 1.2, 0.1]) / 2.0)
    assert updated[1] == pytest.approx(content[1])  # a title naming no role changes nothing


def test_shrunk_probabilities_move_toward_uniform_with_little_evidence():
    scores = np.array([[8.0, 0.0, 0.0, 0.0]] * 3)
    probabilities = shrunk_probabilities(scores, 1.0, [0, 5, 500], prior=5.0)
    assert probabilities[0] == pytest.approx([0.25] * 4)  # no evidence at all: uniform
    assert probabilities[1, 0] == pytest.approx(0.5 * softmax(scores)[0, 0] + 0.5 * 0.25)
    assert probabilities[2, 0] > 0.99
    assert np.allclose(probabilities.sum(axis=1), 1)


def test_scope_threshold_is_the_lowest_score_with_the_precision_asked():
    scores = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]
    out = [False, True, False, True, True, True]
    assert scope_threshold(scores, out, min_precision=0.8) == 0.2  # 4 of 5 at or above 0.2
    assert scope_threshold(scores, out, min_precision=1.0) == 0.4
    assert scope_threshold([0.1, 0.2], [False, False]) == float("inf")  # never flag


def test_a_model_without_calibration_has_no_review_band():
    assert Calibration.from_dict(None) == Calibration()
    assert Calibration().review_threshold == 0.0


def with_calibration(model: Classifier, **settings) -> Classifier:
    calibration = {**Calibration().to_dict(), **settings}
    return Classifier(model.model, {**model.manifest, "calibration": calibration})


def test_classifier_flags_predictions_under_the_review_threshold(model):
    posting = [Posting(MLE_TEXT, None)]
    plain = model.predict_many(posting)[0]
    assert plain.review is False
    strict = with_calibration(model, review_threshold=0.999)
    flagged = strict.predict_many(posting)[0]
    assert flagged.review is True and flagged.to_dict()["review"] is True
    assert flagged.probabilities == plain.probabilities  # the threshold does not change probabilities


def test_classifier_applies_temperature_title_weight_and_evidence_prior(model):
    flat = with_calibration(model, temperature=50.0)
    untitled = flat.predict_many([Posting(MLE_TEXT, None)])[0]
    assert untitled.confidence < 0.3  # near uniform over four labels
    assert sum(untitled.probabilities.values()) == pytest.approx(1.0)
    trusting = with_calibration(model, temperature=50.0, title_weight=100.0)
    titled = trusting.predict_many([Posting(MLE_TEXT, "Data Scientist")])[0]
    assert titled.label == "data_scientist" and titled.confidence > 0.9  # the title outweighs flat content
    unnamed = trusting.predict_many([Posting(MLE_TEXT, "Member of Technical Staff")])[0]
    assert unnamed.probabilities == pytest.approx(untitled.probabilities)  # names no role: no evidence
    doubtful = with_calibration(model, evidence_prior=1e6)
    assert doubtful.predict_many([Posting(MLE_TEXT, None)])[0].confidence < 0.26


def test_an_uncalibrated_model_never_flags_out_of_scope(model):
    assert not any(p.out_of_scope for p in model.predict_many([Posting(MLE_TEXT, None)]))
    eager = with_calibration(model, scope_threshold=-1e9)
    assert eager.predict_many([Posting(MLE_TEXT, None)])[0].out_of_scope is True


def test_title_weight_is_near_one_when_titles_say_nothing_and_floored_in_calibration():
    held_out = synthetic_held_out()
    random_titles = np.random.default_rng(5).integers(0, 4, len(held_out.true_index))
    assert fit_title_weight(softmax(held_out.scores), random_titles, held_out.true_index) < 1.5
    held_out.title_index = random_titles
    assert calibrate(held_out).title_weight == TITLE_MIN_WEIGHT
