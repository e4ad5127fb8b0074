"""What a batch run writes and its defaults: the output fields and their types, the chunk size and the
text limit. Kept apart from the engine so the CLI can show them without loading it."""

from __future__ import annotations

from jobclass.errors import InputError
from jobclass.labels import LABELS
from jobclass.text import MAX_POSTING_CHARS

FIELD_TYPES: dict[str, str] = {
    "id": "string",
    "label": "string",
    **{f"p_{label}": "float" for label in LABELS},
    "confidence": "float",
    "review": "bool",
    "secondary": "string",
    "out_of_scope": "bool",
    "skills_required": "list",
    "skills_preferred": "list",
    "skills_mentioned": "list",
    "degree": "string",
    "degree_preferred": "string",
    "years": "int",
    "title_role": "string",
    "content_label": "string",
    **{f"fit_{label}": "float" for label in LABELS},
    "framing": "string",
}
FIELDS = list(FIELD_TYPES)
CHUNK_ROWS = 256


ERROR_TYPES = {"row": "int", "id": "string", "reason": "string"}
DEFAULT_MAX_CHARS = MAX_POSTING_CHARS


def parse_fields(spec: str | None) -> list[str]:
    """The output fields named in a comma-separated list (all of them when None), in the given order."""
    if not spec:
        return FIELDS
    fields = [name.strip() for name in spec.split(",") if name.strip()]
    unknown = [name for name in fields if name not in FIELD_TYPES]
    if unknown:
        raise InputError(f"unknown field {unknown[0]!r} in --fields; fields: {', '.join(FIELDS)}")
    return fields
