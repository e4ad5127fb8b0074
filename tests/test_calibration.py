"""Temperature scaling, calibration error, the review threshold, and how a classifier applies them."""

import numpy as np
import pytest

from jobclass.calibration import (
    Calibration,
    calibrate,
    expected_calibration_error,
    fit_temperature,
    reliability_bins,
    review_threshold,
    softmax,
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


def test_calibrate_fits_two_temperatures_and_a_threshold_in_range():
    generator = np.random.default_rng(3)
    titled = generator.normal(scale=6.0, size=(800, 4))
    labels = sampled_labels(titled, 1.0)
    untitled = titled / 4 + generator.normal(scale=0.5, size=titled.shape)
    calibration = calibrate(titled, untitled, labels)
    assert calibration.titled_temperature == pytest.approx(1.0, rel=0.25)
    assert calibration.untitled_temperature < 1.0  # the shrunken content-only scores need sharpening
    assert 0.3 <= calibration.review_threshold <= 0.99
    round_trip = Calibration.from_dict(calibration.to_dict())
    assert round_trip.review_threshold == calibration.review_threshold
    assert round_trip.untitled_temperature == pytest.approx(calibration.untitled_temperature, rel=1e-5)


def test_a_model_without_calibration_has_no_review_band():
    assert Calibration.from_dict(None) == Calibration()
    assert Calibration().review_threshold == 0.0


def with_calibration(model: Classifier, **settings) -> Classifier:
    calibration = {**Calibration().to_dict(), **settings}
    return Classifier(model.pipeline, {**model.manifest, "calibration": calibration})


def test_classifier_flags_predictions_under_the_review_threshold(model):
    posting = [Posting(MLE_TEXT, None)]
    plain = model.predict_many(posting)[0]
    assert plain.review is False
    strict = with_calibration(model, review_threshold=0.999)
    flagged = strict.predict_many(posting)[0]
    assert flagged.review is True and flagged.to_dict()["review"] is True
    assert flagged.probabilities == plain.probabilities  # the threshold does not change probabilities


def test_classifier_applies_the_temperature_for_titled_or_untitled_postings(model):
    flat_untitled = with_calibration(model, untitled_temperature=50.0)
    untitled = flat_untitled.predict_many([Posting(MLE_TEXT, None)])[0]
    titled = flat_untitled.predict_many([Posting(MLE_TEXT, "Machine Learning Engineer")])[0]
    assert untitled.confidence < 0.3  # near uniform over four labels
    assert titled.confidence > 0.5  # the titled temperature is still 1
    assert sum(untitled.probabilities.values()) == pytest.approx(1.0)
