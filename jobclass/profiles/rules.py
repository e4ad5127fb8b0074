"""Role profiles: the facts of each role as weighted evidence groups, loaded from TOML and validated.

The file format is documented at the top of `jobclass/data/profiles.toml`. Every error names the file,
the line and the place (`role.groups[n]`), so a user's own profile file is easy to fix.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from jobclass.datafiles import read_rule_file
from jobclass.errors import ProfileError
from jobclass.labels import LABELS
from jobclass.skills.taxonomy import load_taxonomy

DEFAULT_PROFILES = Path(__file__).resolve().parents[1] / "data" / "profiles.toml"
DEGREES = ("bachelor", "master", "phd")
MAX_WEIGHT = 10.0
_ROLE_FIELDS = {"focus", "titles", "qualified_titles", "groups"}
_GROUP_FIELDS = {
    "name", "expect", "weight", "enough", "expected", "distinguishing", "anywhere", "phrases", "skills",
    "degrees",
}  # fmt: skip
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class EvidenceGroup:
    """One kind of evidence for a role: phrases, taxonomy skills or degree levels, with its weight."""

    name: str
    expect: str
    weight: float
    enough: int = 1
    expected: bool = False
    distinguishing: bool = False
    anywhere: bool = False
    phrases: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    degrees: tuple[str, ...] = ()

    @cached_property
    def items(self) -> tuple[tuple[str, str], ...]:
        """(kind, item) of everything that counts for the group: phrases, skill ids, degree levels."""
        return (
            *(("phrase", phrase) for phrase in self.phrases),
            *(("skill", skill) for skill in self.skills),
            *(("degree", degree) for degree in self.degrees),
        )

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "expect": self.expect,
            "weight": self.weight,
            "enough": self.enough,
            "expected": self.expected,
            "distinguishing": self.distinguishing,
            "anywhere": self.anywhere,
            "phrases": list(self.phrases),
            "skills": list(self.skills),
            "degrees": list(self.degrees),
        }


@dataclass(frozen=True)
class QualifiedTitle:
    """A title naming `base` together with one of `qualifiers` belongs to the role."""

    base: str
    qualifiers: tuple[str, ...]


@dataclass(frozen=True)
class Profile:
    """What a role is for, how its titles are written, and its evidence groups."""

    role: str
    focus: str
    titles: tuple[str, ...]
    groups: tuple[EvidenceGroup, ...]
    qualified_title: QualifiedTitle | None = None

    def to_dict(self) -> dict:
        qualified = self.qualified_title
        return {
            "role": self.role,
            "focus": self.focus,
            "titles": list(self.titles),
            "qualified_titles": (
                {"base": qualified.base, "qualifiers": list(qualified.qualifiers)} if qualified else None
            ),
            "groups": [group.to_dict() for group in self.groups],
        }


@dataclass(frozen=True)
class Profiles:
    """The four role profiles, in label order, and the file they came from."""

    profiles: tuple[Profile, ...]
    source: str

    def __getitem__(self, role: str) -> Profile:
        for profile in self.profiles:
            if profile.role == role:
                return profile
        raise KeyError(role)

    def __iter__(self):
        return iter(self.profiles)


class _Locator:
    """Finds the line of a role, a group or a value in the raw TOML, for error messages."""

    def __init__(self, text: str, source: str):
        self.lines = text.splitlines()
        self.source = source

    def line_of(self, role: str, group_index: int | None = None, needle: str | None = None) -> int:
        header = re.compile(
            rf"^\s*\[\[\s*{re.escape(role)}\.groups\s*\]\]"
            if group_index is not None
            else rf"^\s*\[\s*{re.escape(role)}\s*\]"
        )
        headers = [i for i, line in enumerate(self.lines) if header.match(line)]
        start = headers[group_index or 0] if len(headers) > (group_index or 0) else 0
        if needle is not None:
            for i in range(start, len(self.lines)):
                if i > start and self.lines[i].lstrip().startswith("["):
                    break
                if needle in self.lines[i]:
                    return i + 1
        return start + 1

    def error(self, message: str, role: str, group_index: int | None = None, needle: str | None = None):
        where = role if group_index is None else f"{role}.groups[{group_index}]"
        line = self.line_of(role, group_index, needle)
        return ProfileError(f"{self.source}:{line}: {where}: {message}")


def _strings(value, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise ValueError(f"{what} must be a list of non-empty strings")
    return tuple(item.strip() for item in value)


def _parse_group(raw, role: str, index: int, skill_ids: set[str], locate: _Locator) -> EvidenceGroup:
    if not isinstance(raw, dict):
        raise locate.error("a group must be a table", role, index)
    unknown = sorted(set(raw) - _GROUP_FIELDS)
    if unknown:
        raise locate.error(f"unknown field {unknown[0]!r}", role, index, unknown[0])
    name = raw.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise locate.error("`name` must be a lower-case identifier", role, index, "name")
    weight = raw.get("weight")
    if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 < weight <= MAX_WEIGHT:
        raise locate.error(
            f"bad weight {weight!r}: must be a number > 0 and <= {MAX_WEIGHT:g}", role, index, "weight"
        )
    enough = raw.get("enough", 1)
    if isinstance(enough, bool) or not isinstance(enough, int) or enough < 1:
        raise locate.error(f"bad enough {enough!r}: must be a whole number >= 1", role, index, "enough")
    expect = raw.get("expect")
    if not isinstance(expect, str) or not expect.strip():
        raise locate.error("`expect` must say in words what the role expects", role, index, "expect")
    flags = {}
    for flag in ("expected", "distinguishing", "anywhere"):
        flags[flag] = raw.get(flag, False)
        if not isinstance(flags[flag], bool):
            raise locate.error(f"`{flag}` must be true or false", role, index, flag)
    try:
        phrases = _strings(raw.get("phrases", []), "`phrases`")
        skills = _strings(raw.get("skills", []), "`skills`")
        degrees = _strings(raw.get("degrees", []), "`degrees`")
    except ValueError as err:
        raise locate.error(str(err), role, index) from None
    for skill in skills:
        if skill not in skill_ids:
            raise locate.error(f"unknown taxonomy id {skill!r}", role, index, f'"{skill}"')
    for degree in degrees:
        if degree not in DEGREES:
            raise locate.error(
                f"unknown degree {degree!r} (use {', '.join(DEGREES)})", role, index, f'"{degree}"'
            )
    if not (phrases or skills or degrees):
        raise locate.error(f"group {name!r} has no phrases, skills or degrees", role, index)
    return EvidenceGroup(name, expect.strip(), float(weight), enough, phrases=phrases, skills=skills,
                         degrees=degrees, **flags)  # fmt: skip


def _parse_profile(raw, role: str, skill_ids: set[str], locate: _Locator) -> Profile:
    if not isinstance(raw, dict):
        raise locate.error("a role must be a table", role)
    unknown = sorted(set(raw) - _ROLE_FIELDS)
    if unknown:
        raise locate.error(f"unknown field {unknown[0]!r}", role, needle=unknown[0])
    focus = raw.get("focus")
    if not isinstance(focus, str) or not focus.strip():
        raise locate.error("`focus` must be a non-empty string", role)
    try:
        titles = _strings(raw.get("titles", []), "`titles`")
    except ValueError as err:
        raise locate.error(str(err), role, needle="titles") from None
    qualified = raw.get("qualified_titles")
    qualified_title = None
    if qualified is not None:
        try:
            if not isinstance(qualified, dict) or set(qualified) != {"base", "qualifiers"}:
                raise ValueError("`qualified_titles` needs exactly `base` and `qualifiers`")
            (base,) = _strings([qualified["base"]], "`qualified_titles.base`")
            qualified_title = QualifiedTitle(base, _strings(qualified["qualifiers"], "`qualifiers`"))
        except ValueError as err:
            raise locate.error(str(err), role, needle="qualified_titles") from None
    groups_raw = raw.get("groups")
    if not isinstance(groups_raw, list) or not groups_raw:
        raise locate.error("a role needs at least one [[ROLE.groups]] table", role)
    groups = tuple(_parse_group(group, role, i, skill_ids, locate) for i, group in enumerate(groups_raw))
    names = [group.name for group in groups]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise locate.error(f"duplicate group name {name!r}", role, i, "name")
    return Profile(role, focus.strip(), titles, groups, qualified_title)


def parse_profiles(text: str, source: str, skill_ids: set[str]) -> Profiles:
    """Parse and validate profile TOML; `skill_ids` are the taxonomy ids a group may name."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        line = re.search(r"line (\d+)", str(err))
        raise ProfileError(f"{source}:{line.group(1) if line else 1}: invalid TOML ({err})") from None
    locate = _Locator(text, source)
    unknown = sorted(set(raw) - set(LABELS))
    if unknown:
        raise locate.error(f"unknown role (use {', '.join(LABELS)})", unknown[0])
    missing = [label for label in LABELS if label not in raw]
    if missing:
        raise ProfileError(f"{source}: no profile for {', '.join(missing)}; all four roles are needed")
    return Profiles(tuple(_parse_profile(raw[role], role, skill_ids, locate) for role in LABELS), source)


@lru_cache(maxsize=8)
def load_profiles(path: str | Path | None = None, taxonomy_path: str | Path | None = None) -> Profiles:
    """Load and validate a profiles file (the bundled one by default) against a taxonomy; cached."""
    path = Path(path) if path is not None else DEFAULT_PROFILES
    text = read_rule_file(path, ProfileError, "profiles")
    skill_ids = {entry.id for entry in load_taxonomy(taxonomy_path).entries}
    return parse_profiles(text, str(path), skill_ids)
