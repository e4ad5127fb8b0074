"""The HTTP API's request and response bodies (pydantic models; they make the OpenAPI schema)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

MAX_BATCH = 1000


class PostingIn(BaseModel):
    """One posting: its text (a first line `Title: ...` is read as its title), an optional title, and an
    optional id, which comes back as the record's `source`."""

    text: str = Field(description="The posting text; plain text or HTML.")
    title: str | None = Field(default=None, description="The posting's title (overrides a `Title:` line).")
    id: str | int | None = Field(default=None, description="Your id for the posting; returned as `source`.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"id": "a1", "title": "ML Engineer", "text": "You will deploy models..."}]
        }
    )


class BatchIn(BaseModel):
    postings: list[PostingIn] = Field(min_length=1, max_length=MAX_BATCH, description="Up to 1,000 postings.")


class Term(BaseModel):
    term: str
    weight: float


class Secondary(BaseModel):
    label: str
    probability: float


class AnalysisRecord(BaseModel):
    """What `jobclass predict --json` prints for one posting (README: `predict`); fields added to the
    record later pass through unchanged."""

    model_config = ConfigDict(extra="allow")

    source: str
    title: str | None
    label: str
    confidence: float
    probabilities: dict[str, float]
    review: bool
    secondary: Secondary | None
    out_of_scope: bool
    top_terms: list[Term]
    counter_terms: list[Term]
    content_label: str
    content_probabilities: dict[str, float]
    skills: list[dict[str, Any]]
    degree_min: Any
    degree_field: Any
    degree_preferred: Any
    years_min: Any
    company_only: list[Any]
    title_role: dict[str, Any]
    profiles: list[dict[str, Any]]
    framing: dict[str, Any]


class BatchItem(BaseModel):
    """One posting of a batch: its record, or the one-line reason it could not be analysed."""

    id: str | int | None
    record: AnalysisRecord | None = None
    error: str | None = None


class BatchOut(BaseModel):
    results: list[BatchItem] = Field(description="One per posting, in the order given.")


class ModelInfo(BaseModel):
    file: str
    sha256: str
    created_at: str
    training_rows: int | None


class Health(BaseModel):
    status: str
    jobclass: str
    model: ModelInfo


class Problem(BaseModel):
    """An error: `detail` is the one-line reason."""

    detail: str


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationProblem(BaseModel):
    """A malformed body: `detail` names the field; `errors` lists every problem."""

    detail: str
    errors: list[FieldError]
