"""The skills taxonomy: canonical skills and tools with their aliases, loaded from JSONL and validated.

One JSON object per line:
    {"id": "scikit_learn", "name": "scikit-learn", "category": "library",
     "aliases": ["sklearn", "scikit learn"], "context_aliases": []}
`aliases` are matched case-insensitively anywhere; `context_aliases` (names that are also ordinary words
or letters, such as "R", "Go", "Spark") are matched in their exact case and only in a technical context.
The lower-cased name is an alias too, unless the name is itself a context alias.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from jobclass.datafiles import read_rule_file
from jobclass.errors import TaxonomyError

DEFAULT_TAXONOMY = Path(__file__).resolve().parents[1] / "data" / "skills.jsonl"
TOOL_CATEGORIES = (
    "language",
    "ml_framework",
    "library",
    "ai_model",
    "data_platform",
    "database",
    "cloud",
    "mlops",
    "devops",
    "visualization",
    "research_tool",
    "application",
)
SKILL_CATEGORIES = ("method",)
CATEGORIES = TOOL_CATEGORIES + SKILL_CATEGORIES
_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_FIELDS = {"id", "name", "category", "aliases", "context_aliases"}


@dataclass(frozen=True)
class TaxonomyEntry:
    """One canonical skill or tool."""

    id: str
    name: str
    category: str
    aliases: tuple[str, ...]
    context_aliases: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        """`tool` for named technologies, `skill` for methods and knowledge areas."""
        return "skill" if self.category in SKILL_CATEGORIES else "tool"

    def match_aliases(self) -> tuple[str, ...]:
        """The lower-case forms matched anywhere: the aliases, and the name unless it needs context."""
        forms = list(self.aliases)
        if self.name not in self.context_aliases:
            forms.append(self.name.lower())
        return tuple(dict.fromkeys(forms))

    def spelled_forms(self) -> tuple[str, ...]:
        """The match aliases with their hyphen/space twins ("scikit-learn", "scikit learn", "scikitlearn")."""
        return tuple(
            dict.fromkeys(variant for alias in self.match_aliases() for variant in spelling_variants(alias))
        )


def spelling_variants(alias: str) -> list[str]:
    """An alias and its hyphen/space twins, so "scikit-learn" also finds "scikit learn" and vice versa."""
    variants = [alias]
    if "-" in alias:
        variants += [alias.replace("-", " "), alias.replace("-", "")]
    return [variant for variant in variants if variant.strip()]


@dataclass(frozen=True)
class Taxonomy:
    """A validated set of entries, looked up by id."""

    entries: tuple[TaxonomyEntry, ...]
    source: str
    _index: dict[str, TaxonomyEntry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {entry.id: entry for entry in self.entries})

    def __len__(self) -> int:
        return len(self.entries)

    def by_id(self, entry_id: str) -> TaxonomyEntry:
        return self._index[entry_id]


def _string_list(value, field: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise TaxonomyError(f"{where}: `{field}` must be a list of non-empty strings")
    return tuple(item.strip() for item in value)


def parse_entry(record, where: str) -> TaxonomyEntry:
    """Check one parsed JSON line and build its entry; `where` is `file:line` for error messages."""
    if not isinstance(record, dict):
        raise TaxonomyError(f"{where}: expected a JSON object")
    unknown = set(record) - _FIELDS
    if unknown:
        raise TaxonomyError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    entry_id, name, category = record.get("id"), record.get("name"), record.get("category")
    if not isinstance(entry_id, str) or not _ID.match(entry_id):
        raise TaxonomyError(f"{where}: `id` must be lower-case letters, digits and underscores")
    if not isinstance(name, str) or not name.strip():
        raise TaxonomyError(f"{where}: entry {entry_id!r} has an empty name")
    if category not in CATEGORIES:
        raise TaxonomyError(f"{where}: unknown category {category!r} (known: {', '.join(CATEGORIES)})")
    aliases = _string_list(record.get("aliases"), "aliases", where)
    if any(alias != alias.lower() for alias in aliases):
        raise TaxonomyError(f"{where}: aliases must be lower case (context_aliases keep their case)")
    context = _string_list(record.get("context_aliases"), "context_aliases", where)
    return TaxonomyEntry(entry_id, name.strip(), category, aliases, context)


def parse_taxonomy(lines, source: str) -> Taxonomy:
    """Parse and validate JSONL lines: unique ids, and no alias claimed by two entries."""
    entries: list[TaxonomyEntry] = []
    first_line: dict[str, int] = {}
    owner_of: dict[str, tuple[str, int]] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise TaxonomyError(f"{where}: not valid JSON ({err.msg})") from None
        entry = parse_entry(record, where)
        if entry.id in first_line:
            raise TaxonomyError(f"{where}: duplicate id {entry.id!r} (first on line {first_line[entry.id]})")
        first_line[entry.id] = number
        for form in (*entry.match_aliases(), *entry.context_aliases):
            key = form.lower()
            if key in owner_of and owner_of[key][0] != entry.id:
                other, other_line = owner_of[key]
                raise TaxonomyError(
                    f"{where}: duplicate alias {form!r} of {entry.id!r}, already used by {other!r} "
                    f"on line {other_line}"
                )
            owner_of[key] = (entry.id, number)
        entries.append(entry)
    if not entries:
        raise TaxonomyError(f"{source}: the taxonomy is empty")
    return Taxonomy(tuple(entries), source)


@lru_cache(maxsize=8)
def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Load and validate a taxonomy file (the bundled one by default); cached per path."""
    path = Path(path) if path is not None else DEFAULT_TAXONOMY
    text = read_rule_file(path, TaxonomyError, "taxonomy")
    return parse_taxonomy(text.splitlines(), str(path))
