"""The reading core: one tokenization, one matching pass, the spaCy components as adapters over it, the
import layout (no cycles, light CLI start)."""

from __future__ import annotations

import ast
import csv
import subprocess
import sys
from pathlib import Path

import pytest
import spacy

from jobclass.home import corpus_path
from jobclass.pipeline import PHRASE_SPAN_KEY, SPAN_KEY, posting_pipeline
from jobclass.reader import extract_skills, posting_reader, read_text
from jobclass.reading.tokens import tokenize

PACKAGE = Path(__file__).resolve().parents[1] / "jobclass"
DEV = Path(__file__).resolve().parents[2] / "shared" / "realworld" / "dev.csv"
TECHNICAL = "We work in Python and SQL on AWS.\n"


def skill_names(text: str) -> list[str]:
    return [skill.name for skill in extract_skills(text).skills]


def test_tokens_keep_offsets_lemmas_and_line_starts():
    tokens = tokenize("Deploying models, e.g. PyTorch/SQL;\nC++ and R&D.")
    assert tokens.lower[:4] == ["deploying", "models", ",", "e.g."]
    assert tokens.norms[:2] == ["deploy", "model"]
    spans = zip(tokens.starts, tokens.ends, tokens.lower, strict=True)
    assert all(tokens.text[start:end].lower() == word for start, end, word in spans)
    c = tokens.lower.index("c")
    assert tokens.line_break_before(c) and not tokens.line_break_before(c + 1)
    assert tokens.glued(c + 1)  # "C+" has no space between


def test_offsets_survive_characters_that_lower_to_two():
    text = "İstanbul team: Python and SQL."
    spans = {skill.name: skill.spans[0] for skill in extract_skills(text).skills}
    assert text[slice(*spans["Python"])] == "Python" and text[slice(*spans["SQL"])] == "SQL"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (TECHNICAL + "Spark is a plus.", True),  # a short need line in a technical posting
        (TECHNICAL + "Spark preferred.", True),
        ("We value people.\nSpark is a plus.", False),  # no other tool: "Spark" may be a word here
        (TECHNICAL + "You will spark ideas.", False),  # lower case: an ordinary word
        (TECHNICAL + "Experience with Spark.", True),  # a cue word
    ],
)
def test_context_aliases_need_a_technical_context(text, found):
    assert ("Spark" in skill_names(text)) is found


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (TECHNICAL + "Our R&D group is large.", "R"),
        (TECHNICAL + "You will Go to market with the team.", "Go"),
        (TECHNICAL + "Present to the C-suite and tools experts.", "C"),
        (TECHNICAL + "Report to Dr. Go, the libraries lead.", "Go"),
        (TECHNICAL + "Students with a grade C - or better - and tools skills.", "C"),
    ],
)
def test_context_aliases_are_not_found_as_ordinary_words(text, name):
    assert name not in skill_names(text)


def test_a_list_line_after_a_context_alias_does_not_block_it():
    text = "Requirements:\n- Python or R\n- SQL"
    assert {"Python", "R", "SQL"} <= set(skill_names(text))


def test_dotted_names_are_not_split_into_aliases():
    assert "JavaScript" not in skill_names("Node.js services in Python and SQL.")
    assert "pandas" in skill_names("Python with pandas.4+ years of SQL.")


def spans_of(doc) -> tuple[list, list]:
    skills = sorted((s.label_, s.start_char, s.end_char, s._.skill_need) for s in doc.spans[SPAN_KEY])
    phrases = sorted((s.label_, s.start_char, s.end_char) for s in doc.spans[PHRASE_SPAN_KEY])
    return skills, phrases


def reported_spans(text: str) -> tuple[list, list]:
    reading = read_text(text)
    skills = sorted((s.id, start, end, s.need) for s in reading.skills.skills for start, end in s.spans)
    return skills, sorted(reading.matches.phrases)


def identity_texts() -> list[str]:
    texts = [row["description"] for row in csv.DictReader(corpus_path().open(encoding="utf-8"))]
    if DEV.exists():
        texts += [row["description"] for row in csv.DictReader(DEV.open(encoding="utf-8"))]
    return texts


@pytest.mark.slow
def test_the_spacy_pipeline_gets_exactly_the_spans_jobclass_reports():
    nlp = posting_pipeline()
    mismatched = [text[:60] for text in identity_texts() if spans_of(nlp(text)) != reported_spans(text)]
    assert mismatched == []


def test_components_in_a_plain_blank_pipeline_report_the_same_skills():
    text = (
        "Requirements:\n- 3+ years of Python and SQL.\nNice to have: Docker.\nDeploying models to production."
    )
    nlp = spacy.blank("en")
    nlp.add_pipe("jobclass_skills")
    nlp.add_pipe("jobclass_profiles")
    cached = read_text.cache_info().currsize
    doc = nlp(text)
    assert read_text.cache_info().currsize == cached  # the components keep no reading
    assert spans_of(doc) == reported_spans(text)
    assert doc._.skills_report == extract_skills(text)
    assert doc._.profile_fits == posting_reader().read(text).fits


def test_spacy_finds_the_components_without_importing_jobclass():
    probe = (
        "import spacy, sys\n"
        "nlp = spacy.blank('en'); nlp.add_pipe('jobclass_skills'); nlp.add_pipe('jobclass_profiles')\n"
        "doc = nlp('Experience with PyTorch and SQL.')\n"
        "print([span.label_ for span in doc.spans['skills']])\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['pytorch', 'sql']"


def test_a_span_that_cuts_a_token_of_another_tokenizer_is_widened():
    nlp = spacy.blank("en")  # its tokenizer keeps "pandas.4" whole
    nlp.add_pipe("jobclass_skills")
    doc = nlp("Use Python; pandas.4 years.")
    (span,) = [s for s in doc.spans[SPAN_KEY] if s.label_ == "pandas"]
    assert span.text == "pandas.4"


def module_imports(path: Path) -> set[str]:
    """The jobclass modules a module imports at its top level, type-checking imports included (not
    the imports inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    statements = [node for top in tree.body for node in (top.body if isinstance(top, ast.If) else [top])]
    for node in statements:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("jobclass"):
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("jobclass")}
    return found


def test_the_package_has_no_import_cycles():
    modules = {
        ".".join(("jobclass", *path.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(
            ".__init__"
        ): path
        for path in PACKAGE.rglob("*.py")
    }
    graph = {name: {other for other in module_imports(path) if other in modules and other != name}
             for name, path in modules.items()}  # fmt: skip

    def cycle_from(name, trail):
        if name in trail:
            return trail[trail.index(name) :] + [name]
        for other in graph[name]:
            found = cycle_from(other, trail + [name])
            if found:
                return found
        return None

    cycles = [cycle for name in graph if (cycle := cycle_from(name, []))]
    assert cycles == []


HEAVY = ("sklearn", "pandas", "spacy", "pyarrow", "scipy")


@pytest.mark.parametrize("module", ["jobclass", "jobclass.cli", "jobclass.reader"])
def test_light_modules_import_no_heavy_library(module):
    probe = f"import sys, {module}; print([m for m in {HEAVY!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_cues_and_degrees_tried_at_tokens_find_what_a_whole_text_search_finds():
    from jobclass.reading import qualifications as q
    from jobclass.reading import sections as s
    from jobclass.reading.tokens import same_length_lower

    kinds = [
        (s.FORWARD_PREFERRED_CUE, s.FORWARD_CUE_STARTS),
        (s.PREFERRED_CUE, s.PREFERRED_CUE_STARTS),
        (s.REQUIRED_CUE, s.REQUIRED_CUE_STARTS),
    ]
    differ = []
    for text in identity_texts()[:2000]:
        lower, tokens = same_length_lower(text), tokenize(text)
        for pattern, starts in kinds:
            found = tokens.anchored_matches(pattern, tokens.places(*starts))
            if [m.span() for m in found] != [m.span() for m in pattern.finditer(lower)]:
                differ.append((pattern.pattern[:30], text[:40]))
        degrees = q.degree_mentions_in(s.NeedReader.of(text, tokens), tokens)
        if [(d.start, d.end) for d in degrees] != [m.span() for m in q.DEGREE_PATTERN.finditer(lower)]:
            differ.append(("degree", text[:40]))
    assert differ == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Requirements\n", ("Requirements", False)),
        ("## Nice to have:\n", ("Nice to have", True)),
        ("**Skills**\n", ("Skills", False)),
        ("What we offer ?\n", ("What we offer", False)),
        ("Skills:?\n", ("Skills", True)),
        ("####### Seven marks\n", None),
        ("Skills?:\n", None),
        ("**Requirements:**\n", None),  # the colon inside the markup: not the pattern
        ("5+ years of Python\n", None),  # starts with a digit
        ("Experience with SQL. Strong stats\n", None),  # a full stop inside
        ("A" * 72 + "\n", None),
    ],
)
def test_whole_line_headings(line, expected):
    from jobclass.reading.sections import whole_heading

    assert whole_heading(line) == expected


def test_a_degree_in_passing_does_not_end_the_requirements_of_a_posting_without_headings():
    text = (
        "Our team of ten supervises PhD students from the university.\n\n"
        "You have 5+ years of experience with Python and a BS in Statistics."
    )
    q = extract_skills(text).qualifications
    assert (q.years_min, q.degree_field) == (5, "Statistics")


def test_postdoctoral_experience_is_not_a_phd():
    text = "Requirements\n- Master's degree in Statistics\n- 2+ years of industry or postdoctoral experience"
    assert extract_skills(text).qualifications.degree_min == "master"
