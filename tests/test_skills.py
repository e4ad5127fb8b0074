"""The skills extractor: taxonomy, ambiguous names in context, overlaps, needs, the spaCy component."""

import json

import pytest
import spacy

from jobclass.errors import TaxonomyError
from jobclass.pipeline import SPAN_KEY
from jobclass.reader import extract_skills
from jobclass.skills.taxonomy import CATEGORIES, load_taxonomy


def ids(text: str) -> list[str]:
    return [skill.id for skill in extract_skills(text).skills]


def needs(text: str) -> dict[str, str]:
    return {skill.name: skill.need for skill in extract_skills(text).skills}


def test_bundled_taxonomy_is_broad():
    taxonomy = load_taxonomy()
    assert len(taxonomy) >= 300
    assert {entry.category for entry in taxonomy.entries} == set(CATEGORIES)
    assert sum(entry.kind == "skill" for entry in taxonomy.entries) >= 80


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Python, R and SQL", ["python", "r", "sql"]),
        ("Strong programming skills in Go or Rust.", ["go", "rust"]),
        ("Experience with C/C++ and C#.", ["c", "cpp", "csharp"]),
        ("Build batch jobs in Spark and Scala.", ["spark", "scala"]),
        ("Advanced Excel and Tableau.", ["excel", "tableau"]),
        ("Fluent in Julia.", ["julia"]),
    ],
)
def test_ambiguous_names_are_found_in_technical_context(text, expected):
    assert ids(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "We invest heavily in R&D.",
        "You will own our go to market analytics.",
        "Go to market with us.",
        "You will present to the C-suite.",
        "We want to spark curiosity in every student.",
        "Our plant sits in the rust belt.",
        "You excel at explaining results.",
        "Excel in a fast-paced team.",
        "We are a Series C company.",
        "Julia, our head of people, will call you.",
    ],
)
def test_ambiguous_names_in_ordinary_use_give_nothing(text):
    assert ids(text) == []


def test_aliases_normalise_to_canonical_names():
    found = {
        skill.id: skill.name
        for skill in extract_skills("sklearn, scikit learn, k8s and Google Cloud Platform.").skills
    }
    assert found == {"scikit_learn": "scikit-learn", "kubernetes": "Kubernetes", "gcp": "GCP"}


def test_overlapping_matches_resolve_to_the_longest():
    assert ids("Experience with Spark SQL.") == ["spark_sql"]
    assert ids("Hands-on with Apache Spark.") == ["spark"]


def test_each_skill_is_reported_once_with_all_its_spans():
    text = "Python is a must. We write Python daily."
    (python,) = extract_skills(text).skills
    assert [text[start:end] for start, end in python.spans] == ["Python", "Python"]


def test_sections_decide_required_and_preferred():
    text = (
        "What you'll do\n- Build pipelines in Airflow\n\n"
        "Requirements\n- Python and SQL\n\n"
        "Nice to have\n- Kubernetes\n\n"
        "About us\nWe run everything on Snowflake."
    )
    assert needs(text) == {
        "Airflow": "mentioned",
        "Python": "required",
        "SQL": "required",
        "Kubernetes": "preferred",
    }
    assert extract_skills(text).company_only == ("Snowflake",)


def test_sentence_cues_override_the_section():
    text = "Requirements:\n- Python is required.\n- Experience with Rust is a plus.\n"
    assert needs(text) == {"Python": "required", "Rust": "preferred"}


def test_requirement_wording_outside_a_heading_counts_as_required():
    assert needs("You must have hands-on experience with PyTorch.") == {"PyTorch": "required"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a bare line naming what is asked is a list item, not a heading that starts a section
        (
            "Nice to have\n- Kubernetes\nExperience with Docker\n- Terraform",
            {"Kubernetes": "preferred", "Docker": "preferred", "Terraform": "preferred"},
        ),
        (
            "Requirements\n- Python\nCloud certification preferred\n- SQL",
            {"Python": "required", "SQL": "required"},
        ),
        # a heading line may end in an ellipsis
        ("WHAT WE NEED FROM YOU...\nUsing Go and Redis", {"Go": "required", "Redis": "required"}),
        (
            "Requirements\n- Scala\n\nEVEN BETTER\n- Terraform",
            {"Scala": "required", "Terraform": "preferred"},
        ),
        # headings inside a run-on line whose line breaks were lost
        (
            "You will build models. Qualifications: Strong Python skills. Preferred Qualifications: "
            "Exposure to Scala.",
            {"Python": "required", "Scala": "preferred"},
        ),
        (
            "Deep knowledge of Python and SQL, with a strong preference for PyTorch.",
            {"Python": "required", "SQL": "required", "PyTorch": "preferred"},
        ),
        ("Requirements:\n- SQL (Snowflake is a big plus)", {"SQL": "required", "Snowflake": "preferred"}),
        # run-on bullets: glued together ("...fieldProficiency"), or after "is a plus"
        (
            "Requirements\n- Statistics, ideally for marketingExperience with Python\n"
            "- Kubernetes is a plus Experience with Docker",
            {"Python": "required", "Kubernetes": "preferred", "Docker": "required"},
        ),
    ],
)
def test_headings_and_cues(text, expected):
    assert {name: need for name, need in needs(text).items() if name in expected} == expected


@pytest.mark.parametrize(
    ("text", "degree_min", "degree_preferred", "years_min"),
    [
        ("Requirements: BS in Computer Science and 3+ years of experience.", "bachelor", None, 3),
        ("Master's degree required; PhD preferred. 2-5 years of industry experience.", "master", "phd", 2),
        ("At least five years of professional experience with ML.", "none_stated", None, 5),
        ("PhD in Machine Learning, or MS with 2 years of industry experience.", "master", None, 0),
        ("6+ years of experience, or 3+ years with a PhD.", "none_stated", None, 3),
        ("Nice to have: 10 years of experience.", "none_stated", None, None),
        ("Bachelor's degree in Statistics.\nPhD in Computer Science or a related field.", "phd", None, None),
        ("We have been in business for 20 years.", "none_stated", None, None),
        ("BS in Electrical or Computer Engineering and 3+ years of experience.", "bachelor", None, 3),
        (
            "Requirements:\n- Bachelor's degree (Master's preferred), 3+ years of experience (5+ preferred)",
            "bachelor",
            "master",
            3,
        ),
        (
            "Requirements:\n- 5+ years of experience building data systems\n- At least 2 years with Go",
            "none_stated",
            None,
            5,
        ),
        (
            "Required:\n- Bachelor's degree and 5+ years of experience\n- 4+ years of experience with SQL\n"
            "- OR Master's degree and 3+ years of experience",
            "bachelor",
            None,
            4,
        ),
        (
            "You will build models.\n\nMaster's degree in Statistics. 2+ years of experience with Python.\n\n"
            "PhD in Physics. 6+ years of experience with Spark.",
            "master",
            None,
            2,
        ),
    ],
)
def test_degree_and_years(text, degree_min, degree_preferred, years_min):
    q = extract_skills(text).qualifications
    assert (q.degree_min, q.degree_preferred, q.years_min) == (degree_min, degree_preferred, years_min)


def test_component_works_in_a_fresh_blank_pipeline():
    nlp = spacy.blank("en")
    nlp.add_pipe("jobclass_skills")
    doc = nlp("We use PyTorch, R and dbt.")
    spans = doc.spans[SPAN_KEY]
    assert [(span.text, span.label_, span._.skill_category) for span in spans] == [
        ("PyTorch", "pytorch", "ml_framework"),
        ("R", "r", "language"),
        ("dbt", "dbt", "data_platform"),
    ]


def write_taxonomy(tmp_path, records):
    path = tmp_path / "taxonomy.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return str(path)


def test_component_takes_a_user_taxonomy(tmp_path):
    path = write_taxonomy(
        tmp_path, [{"id": "kdb", "name": "kdb+", "category": "database", "aliases": ["q/kdb+"]}]
    )
    nlp = spacy.blank("en")
    nlp.add_pipe("jobclass_skills", config={"taxonomy_path": path})
    doc = nlp("Tick data in kdb+ and Python.")
    assert [span.label_ for span in doc.spans[SPAN_KEY]] == ["kdb"]


@pytest.mark.parametrize(
    ("records", "message"),
    [
        (
            [
                {"id": "a", "name": "A1", "category": "library", "aliases": ["shared"]},
                {"id": "b", "name": "B1", "category": "library", "aliases": ["shared"]},
            ],
            r"taxonomy.jsonl:2: duplicate alias 'shared' of 'b', already used by 'a' on line 1",
        ),
        ([{"id": "a", "name": "A1", "category": "gadget"}], r"taxonomy.jsonl:1: unknown category 'gadget'"),
        ([{"id": "a", "name": " ", "category": "library"}], r"taxonomy.jsonl:1: entry 'a' has an empty name"),
        (
            [{"id": "a", "name": "A1", "category": "library", "aliases": ["Upper"]}],
            r":1: aliases must be lower",
        ),
        ([], r"the taxonomy file is empty"),
    ],
)
def test_bad_taxonomies_are_refused_naming_the_line(tmp_path, records, message):
    with pytest.raises(TaxonomyError, match=message):
        load_taxonomy(write_taxonomy(tmp_path, records))


def test_invalid_json_line_is_named(tmp_path):
    path = tmp_path / "taxonomy.jsonl"
    path.write_text('{"id": "a", "name": "A1", "category": "library"}\n{oops\n', encoding="utf-8")
    with pytest.raises(TaxonomyError, match=r"taxonomy.jsonl:2: not valid JSON"):
        load_taxonomy(str(path))


@pytest.mark.parametrize(
    ("text", "expected", "absent"),
    [
        # a segmentation of customers is its own method, not clustering
        (
            "You will build customer segmentation for the loyalty team.",
            ["customer_segmentation"],
            ["clustering"],
        ),
        # matrix factorization and word2vec are named methods of their own
        ("Know matrix factorization and word2vec.", ["matrix_factorization", "word_embeddings"], []),
        # inflected phrasings of deployment, data preparation and scale
        (
            "Experience deploying models and cleaning data from large datasets.",
            ["mlops", "data_wrangling", "big_data"],
            [],
        ),
        # ZeRO only in its own spelling; a company name is not its product
        ("Scale training with FSDP and ZeRO; zero downtime.", ["fsdp", "zero_optimizer"], []),
        ("Ultralytics is hiring in our new office.", [], ["yolo"]),
    ],
)
def test_taxonomy_splits_and_spellings(text, expected, absent):
    found = ids(text)
    assert all(key in found for key in expected), found
    assert not any(key in found for key in absent), found


def test_hashtags_are_not_skills():
    assert ids("Join us! #MachineLearning #AgenticAI #Hiring") == []
    assert "csharp" in ids("Experience with C# and .NET services.")


def test_scripting_is_dropped_when_the_language_is_named():
    assert ids("Fluent in a scripting language such as Python.") == ["python"]
    assert "scripting" in ids("Comfortable with shell and scripting languages for automation.")
