"""The rule-based title parser."""

import pytest

from jobclass.profiles import load_profiles
from jobclass.titles import normalise_title, read_title


@pytest.mark.parametrize(
    "title, role",
    [
        ("Sr. ML Engineer", "ml_engineer"),
        ("MLE II", "ml_engineer"),
        ("Machine Learning Engineer - Search", "ml_engineer"),
        ("AI/ML Engineer (Hybrid, Berlin)", "ml_engineer"),
        ("Staff Software Engineer, Machine Learning", "ml_engineer"),
        ("Applied Scientist", "ml_scientist"),
        ("Senior Machine Learning Research Scientist", "ml_scientist"),
        ("Research Scientist, Machine Learning", "ml_scientist"),
        ("Research Scientist, Generative AI", "ai_scientist"),
        ("AI Research Scientist - Machine Learning for Speech", "ai_scientist"),
        ("Research Scientist - NLP", "ai_scientist"),
        ("Lead Data Scientist (Remote)", "data_scientist"),
        ("#hiring Senior Data Scientist | London", "data_scientist"),
        ("Data Engineer", None),
        ("Research Scientist", None),
        ("Data Scientist / ML Engineer", None),
        ("Machine Learning Engineering Manager", None),
        ("", None),
        (None, None),
    ],
)
def test_titles_map_to_roles(title, role):
    assert read_title(title, load_profiles()).role == role


def test_reasons_say_why_no_role():
    profiles = load_profiles()
    assert "without a field" in read_title("Research Scientist", profiles).reason
    assert "more than one role" in read_title("Data Scientist / ML Engineer", profiles).reason
    assert read_title("Data Engineer", profiles).reason == "names none of the four roles"


def test_normalisation_unifies_spellings():
    assert normalise_title("Sr. Machine-Learning Eng.") == "senior ml eng"
    assert normalise_title("A.I. & M.L. Scientist") == "ai and ml scientist"
    assert normalise_title("MLE") == "ml engineer"
