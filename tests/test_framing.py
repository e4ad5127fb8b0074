"""The framing verdict: unit cases, and postings written for the purpose through the whole analysis."""

from pathlib import Path

import pytest

from jobclass import load_model
from jobclass.analysis import analyse
from jobclass.framing import judge_framing
from jobclass.labels import LABELS
from jobclass.profiles import load_profiles
from jobclass.profiles.fit import ProfileFit
from jobclass.text import read_posting
from jobclass.titles import read_title

FIXTURES = Path(__file__).parent / "fixtures" / "framing"


def fits(**scores: float) -> tuple[ProfileFit, ...]:
    return tuple(ProfileFit(role, scores.get(role, 0.1), {}, (), ()) for role in LABELS)


def probabilities(top: str, p: float = 0.9) -> dict[str, float]:
    rest = (1 - p) / 3
    return {label: p if label == top else rest for label in LABELS}


def verdict(title: str | None, content: str, profile: str, p: float = 0.9) -> str:
    profiles = load_profiles()
    framing = judge_framing(
        read_title(title, profiles), probabilities(content, p), fits(**{profile: 0.8}), profiles
    )
    return framing.label


def test_verdicts_from_the_content_support_for_the_title_role():
    assert verdict("Data Scientist", "data_scientist", "data_scientist") == "consistent"
    assert verdict("Data Scientist", "data_scientist", "ml_engineer") == "consistent"
    # support 0.75 * 0.033 + 0.25 * 0.727 = 0.207: the profile still backs the title, the classifier not
    assert verdict("Data Scientist", "ml_engineer", "data_scientist") == "leans ml_engineer"
    # support 0.75 * 0.15 + 0.25 * 0.727 = 0.29: some classifier support, the profile behind it
    assert verdict("Data Scientist", "ml_engineer", "data_scientist", p=0.55) == "consistent"
    # support 0.75 * 0.033 + 0.25 * 0.091 = 0.048: neither reading backs the title
    assert verdict("Data Scientist", "ml_engineer", "ml_engineer") == "mismatch"
    assert verdict(None, "ml_scientist", "ml_scientist") == "consistent"
    assert verdict("Data Engineer", "ml_scientist", "ai_scientist").startswith("leans ")


@pytest.fixture(scope="module")
def analysed(small_model):
    model = load_model(small_model)
    postings = [read_posting(path) for path in sorted(FIXTURES.glob("*.txt"))]
    return {Path(a.prediction.source).stem: a for a in analyse(postings, model)}


@pytest.mark.parametrize("role", LABELS)
def test_a_well_framed_posting_per_role_is_consistent(analysed, role):
    analysis = analysed[f"consistent_{role}"]
    assert analysis.title.role == role
    assert analysis.framing.label == "consistent", analysis.framing.explanation
    assert analysis.framing.missing == ()
    assert max(analysis.fits, key=lambda fit: fit.score).role == role
    assert len(analysis.framing.explanation) == 3


def test_data_scientist_title_over_mlops_body_is_a_mismatch_toward_ml_engineer(analysed):
    framing = analysed["data_scientist_title_mlops_body"].framing
    assert framing.label == "mismatch"
    assert framing.title_role == "data_scientist" and framing.role == "ml_engineer"
    assert "but the content reads as ml_engineer" in framing.explanation[0]
    assert "deploy models" in framing.explanation[2].lower()


def test_ai_scientist_title_without_research_signals_lists_what_is_missing(analysed):
    framing = analysed["ai_scientist_title_no_research"].framing
    assert framing.title_role == "ai_scientist"
    assert framing.verdict == "mismatch"
    missing = {item.group for item in framing.missing}
    assert {"phd", "publication_record", "advanced_techniques", "frontier_research"} <= missing
