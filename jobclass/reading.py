"""One pass of the posting pipeline over a text: the skills report and the profile fits, cached.

The classifier's profile-fit features and the analysis of the same posting both need this reading;
the cache lets them share one pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from jobclass.errors import InputError
from jobclass.extraction import SkillsReport, skills_in
from jobclass.pipeline import posting_pipeline
from jobclass.profile_check import ProfileFit, fit_profiles
from jobclass.profiles import load_profiles
from jobclass.sections import NeedReader

READINGS_CACHED = 2048  # bounded: a batch worker needs one chunk, training one corpus
MAX_READ_CHARS = 1_000_000  # spaCy's own limit for one text


@dataclass(frozen=True)
class TextReading:
    skills: SkillsReport
    fits: tuple[ProfileFit, ...]


@lru_cache(maxsize=READINGS_CACHED)
def read_text(text: str, taxonomy_path: str | None = None, profiles_path: str | None = None) -> TextReading:
    """Skills, degree, years and the fit of every role profile for one posting text."""
    if len(text) > MAX_READ_CHARS:
        raise InputError(f"a text of {len(text):,} characters is over the limit of {MAX_READ_CHARS:,}")
    doc = posting_pipeline(taxonomy_path, profiles_path)(text)
    reader = NeedReader.of(text)
    skills = skills_in(doc, reader)
    return TextReading(skills, fit_profiles(doc, reader, skills, load_profiles(profiles_path, taxonomy_path)))
