"""Role profiles: the bundled file, validation of users' files, and the profile checker."""

from pathlib import Path

import pytest

from jobclass.errors import ProfileError
from jobclass.labels import LABELS
from jobclass.profiles import DEFAULT_PROFILES, load_profiles
from jobclass.reader import read_text

FIXTURES = Path(__file__).parent / "fixtures" / "framing"


def test_bundled_profiles_cover_all_roles_with_groups():
    profiles = load_profiles()
    assert [profile.role for profile in profiles] == list(LABELS)
    for profile in profiles:
        assert profile.titles and profile.focus
        assert any(group.expected for group in profile.groups)
        assert any(group.distinguishing for group in profile.groups)
        assert {"phd"} <= {d for g in load_profiles()["ai_scientist"].groups for d in g.degrees}


def write_variant(tmp_path, old: str, new: str) -> Path:
    text = DEFAULT_PROFILES.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "profiles.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    "old, new, message, needle",
    [
        ('"docker", "kubernetes", "containerization"', '"dockr", "kubernetes", "containerization"',
         "unknown taxonomy id 'dockr'", '"dockr"'),
        ("weight = 3\nenough = 3\nexpected = true\ndistinguishing = true\nphrases = [\n    \"deploy model\"",
         "weight = 0\nenough = 3\nexpected = true\ndistinguishing = true\nphrases = [\n    \"deploy model\"",
         "bad weight 0", "weight = 0"),
        ('name = "languages"\nexpect = "programming in Python, Java, C++ or Scala"\nweight = 1',
         'name = "languages"\nexpect = "programming in Python, Java, C++ or Scala"\nweight = "heavy"',
         "bad weight 'heavy'", 'weight = "heavy"'),
        ('name = "education"\nexpect = "a bachelor',
         'name = "education"\ncolour = "red"\nexpect = "a bachelor', "unknown field 'colour'", "colour"),
        ('degrees = ["phd"]', 'degrees = ["doctorate"]', "unknown degree 'doctorate'", '"doctorate"'),
    ],
)  # fmt: skip
def test_bad_profiles_name_file_line_and_place(tmp_path, old, new, message, needle):
    path = write_variant(tmp_path, old, new)
    with pytest.raises(ProfileError) as raised:
        load_profiles(path)
    error = str(raised.value)
    assert message in error
    assert error.startswith(f"{path}:{line_of(path, needle)}: ")
    assert ".groups[" in error and "\n" not in error


def test_missing_role_unknown_role_invalid_toml_and_empty_file(tmp_path):
    text = DEFAULT_PROFILES.read_text(encoding="utf-8")
    cut = tmp_path / "three.toml"
    cut.write_text(text[: text.index("[ai_scientist]")], encoding="utf-8")
    with pytest.raises(ProfileError, match="no profile for ai_scientist"):
        load_profiles(cut)
    extra = tmp_path / "extra.toml"
    extra.write_text(text + '\n[data_engineer]\nfocus = "pipes"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match=r"extra.toml:\d+: data_engineer: unknown role"):
        load_profiles(extra)
    broken = tmp_path / "broken.toml"
    broken.write_text('[ml_engineer]\nfocus = "unterminated\n', encoding="utf-8")
    with pytest.raises(ProfileError, match=r"broken.toml:2: invalid TOML"):
        load_profiles(broken)
    empty = tmp_path / "empty.toml"
    empty.write_text("  \n", encoding="utf-8")
    with pytest.raises(ProfileError, match="the profiles file is empty"):
        load_profiles(empty)


def fits_of(text: str) -> dict:
    return {fit.role: fit for fit in read_text(text).fits}


@pytest.mark.parametrize(
    "sentence",
    ["We are deploying models daily.", "You deployed a model before.", "You own model deployment."],
)
def test_phrases_match_by_lemma(sentence):
    evidence = fits_of(sentence)["ml_engineer"].evidence
    assert {item.item for item in evidence} & {"deploy model", "model deployment"}


def test_phrase_words_do_not_match_across_sentences_or_far_apart():
    assert not fits_of("We deploy. Model quality matters.")["ml_engineer"].evidence
    assert not fits_of("We deploy the new shiny large model.")["ml_engineer"].evidence


def test_evidence_spans_point_at_the_words_and_scores_are_bounded():
    text = (FIXTURES / "consistent_ai_scientist.txt").read_text(encoding="utf-8")
    for fit in read_text(text).fits:
        assert 0.0 <= fit.score <= 1.0
        for item in fit.evidence:
            start, end = item.span
            assert text[start:end] == item.text
            assert item.group in {group.name for group in load_profiles()[fit.role].groups}


def test_company_boilerplate_is_not_evidence_unless_the_group_says_anywhere():
    text = (
        "Requirements\n- Python and SQL.\n\n"
        "About us\nOur research lab publishes at NeurIPS every year. We are a university spin-out.\n"
    )
    ai = fits_of(text)["ai_scientist"]
    groups = {item.group for item in ai.evidence}
    assert "publication_record" not in groups  # the company's papers are not the candidate's record
    assert "industries" in groups  # but the setting (a university) counts for the industry group
    assert "publication_record" in {missing.group for missing in ai.missing}


def test_a_posting_with_everything_of_a_role_misses_nothing():
    text = (FIXTURES / "consistent_ai_scientist.txt").read_text(encoding="utf-8")
    fits = fits_of(text)
    assert fits["ai_scientist"].missing == ()
    assert max(fits, key=lambda role: fits[role].score) == "ai_scientist"
