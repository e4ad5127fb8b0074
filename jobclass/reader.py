"""One reading of a posting text: tokenize once, match once, then skills, degree, years and profile fits
from that same pass (the reading core in `jobclass.reading`).

`PostingReader.read` is what the CLI, the batch runner, the web API and the spaCy components all use,
so they report the same spans. `read_text` caches readings, for the classifier's optional profile
features (training reads each corpus posting in every fold); the analysis of a posting reads it
afresh, so a batch run keeps no readings it will not need again.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from jobclass.errors import InputError
from jobclass.profiles.fit import ProfileFit, fit_profiles
from jobclass.profiles.rules import Profiles, load_profiles
from jobclass.reading.matching import Matches, MatchIndex
from jobclass.reading.qualifications import degree_field_spans, degree_mentions_in, read_qualifications
from jobclass.reading.sections import NeedReader
from jobclass.reading.tokens import tokenize
from jobclass.skills.extraction import SkillsReport, skills_in
from jobclass.skills.taxonomy import Taxonomy, load_taxonomy
from jobclass.text import MAX_READ_CHARS

READINGS_CACHED = 2048  # bounded: training with profile features reads one corpus many times


@dataclass(frozen=True)
class TextReading:
    """The matches of one pass over a text, the skills report and (with profiles) every profile's fit."""

    matches: Matches
    skills: SkillsReport
    fits: tuple[ProfileFit, ...]


class PostingReader:
    """The reading core for one taxonomy and (optionally) one set of role profiles."""

    def __init__(self, taxonomy: Taxonomy, profiles: Profiles | None = None):
        self.taxonomy = taxonomy
        self.profiles = profiles
        phrases = (
            [phrase for profile in profiles for group in profile.groups for phrase in group.phrases]
            if profiles is not None
            else []
        )
        self.index = MatchIndex(
            aliases=[(entry.id, form) for entry in taxonomy.entries for form in entry.spelled_forms()],
            context_aliases=[
                (entry.id, form) for entry in taxonomy.entries for form in entry.context_aliases
            ],
            phrases=phrases,
            tool_keys=[entry.id for entry in taxonomy.entries if entry.kind == "tool"],
        )

    def read(self, text: str) -> TextReading:
        if len(text) > MAX_READ_CHARS:
            raise InputError(f"a text of {len(text):,} characters is over the limit of {MAX_READ_CHARS:,}")
        tokens = tokenize(text, self.index.lemmas)
        matches = self.index.match(tokens)
        reader = NeedReader.of(text, tokens)
        degrees = degree_mentions_in(reader, tokens)
        skills = skills_in(
            matches.skills,
            reader,
            self.taxonomy,
            degree_field_spans(reader, degrees),
            read_qualifications(reader, degrees),
        )
        fits = (
            fit_profiles(matches.phrases, reader, skills, degrees, self.profiles)
            if self.profiles is not None
            else ()
        )
        return TextReading(matches, skills, fits)


def posting_reader(
    taxonomy_path: str | None = None, profiles_path: str | None = None, with_profiles: bool = True
) -> PostingReader:
    """The reader of a taxonomy and profiles file (the bundled ones by default), built once per process;
    `with_profiles=False` reads skills alone (a user taxonomy need not hold the profiles' skill ids)."""
    taxonomy = None if taxonomy_path is None else str(taxonomy_path)
    profiles = None if profiles_path is None or not with_profiles else str(profiles_path)
    return built_reader(taxonomy, profiles, with_profiles)  # one reader however the paths were given


@lru_cache(maxsize=4)
def built_reader(taxonomy_path: str | None, profiles_path: str | None, with_profiles: bool) -> PostingReader:
    """`posting_reader` for paths as strings, cached."""
    profiles = load_profiles(profiles_path, taxonomy_path) if with_profiles else None
    return PostingReader(load_taxonomy(taxonomy_path), profiles)


@lru_cache(maxsize=READINGS_CACHED)
def read_text(text: str, taxonomy_path: str | None = None, profiles_path: str | None = None) -> TextReading:
    """Skills, degree, years and the fit of every role profile for one posting text."""
    return posting_reader(taxonomy_path, profiles_path).read(text)


def extract_skills(text: str, taxonomy_path: str | None = None) -> SkillsReport:
    """Find the skills and tools a posting asks for, their need, the degree and the years of experience."""
    return posting_reader(taxonomy_path, with_profiles=False).read(text).skills
