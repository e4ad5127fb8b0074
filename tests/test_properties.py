"""Property tests: random Unicode into the analysis (predict, check), skills and batch never raises,
probabilities sum to 1, every span lies inside the text, and every batch row is accounted for."""

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobclass import Posting, analyse, extract_skills
from jobclass.batch.readers import Columns, make_row
from jobclass.batch.runner import FIELDS, label_chunk
from jobclass.labels import LABELS

pytestmark = pytest.mark.slow
EXAMPLES = settings(
    max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Words that trigger the matchers, mixed with arbitrary Unicode, so the properties reach the rule paths.
WORDS = ["Python", "SQL", "PyTorch", "C++", "PhD", "deploy", "models", "production", "Requirements:", "-",
         "\n", "Nice to have:", "5+ years", "master's", "Kubernetes", "research", "publish", "dashboards",
         "<b>", "&amp;", "\u200b", "é", "🙂", "\t", ".", "/"]  # fmt: skip
texts = st.one_of(
    st.text(max_size=400), st.lists(st.sampled_from(WORDS) | st.text(max_size=8), max_size=80).map(" ".join)
)
titles = st.none() | st.text(max_size=60)


def spans_inside(text, spans):
    return all(0 <= start <= end <= len(text) for start, end in spans)


@EXAMPLES
@given(text=texts, title=titles)
def test_analysis_of_any_text_is_well_formed(model, text, title):
    [analysis] = analyse([Posting(text, title)], model)
    for prediction in (analysis.prediction, analysis.content_prediction):
        assert math.isclose(sum(prediction.probabilities.values()), 1.0, abs_tol=1e-9)
        assert prediction.label in LABELS and 0 <= prediction.confidence <= 1
    assert spans_inside(text, [span for skill in analysis.skills.skills for span in skill.spans])
    assert spans_inside(text, [item.span for fit in analysis.fits for item in fit.evidence])
    assert all(0 <= fit.score <= 1 for fit in analysis.fits)
    assert analysis.framing.verdict in ("consistent", "leans", "mismatch")


@EXAMPLES
@given(text=texts)
def test_skills_of_any_text_lie_inside_it(text):
    report = extract_skills(text)
    for skill in report.skills:
        assert skill.need in ("required", "preferred", "mentioned") and skill.spans
        assert spans_inside(text, skill.spans)


values = st.none() | texts | st.integers() | st.floats(allow_nan=True) | st.booleans()
records = st.lists(st.fixed_dictionaries({"id": values, "title": values, "text": values}), max_size=6)


@EXAMPLES
@given(batch=records)
def test_every_batch_row_is_labeled_or_an_error(model, batch):
    rows = [make_row(number, record, Columns(text="text", title="title", id="id"), 2000)
            for number, record in enumerate(batch, start=1)]  # fmt: skip
    result = label_chunk(rows, model, FIELDS)
    assert len(result.rows) + len(result.errors) == len(batch)
    for row in result.rows:
        assert math.isclose(sum(row[f"p_{label}"] for label in LABELS), 1.0, abs_tol=1e-3)
