"""The one spaCy pipeline every posting goes through: tokenizer, lemma norms, skills, profile phrases.

Built from `spacy.blank("en")`; nothing is downloaded. Lemmas come from spaCy's English lookup table
(the `spacy-lookups-data` package) and are stored as each word's NORM, computed once per vocabulary
entry, so "Deploying", "deployed" and "deploys" all have the norm "deploy" at no per-token cost.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.attrs import NORM
from spacy.language import Language
from spacy.lookups import load_lookups

import jobclass.profile_check  # noqa: F401  registers the jobclass_profiles factory
import jobclass.skills  # noqa: F401  registers the jobclass_skills factory

# Scraped postings glue tokens together: "C++/Go", "Python/SQL", "pandas.4+ years", "field.Strong".
EXTRA_INFIXES = (r"/", r"(?<=[A-Za-z+])\.(?=[0-9])", r"(?<=[a-z])\.(?=[A-Z])")


def posting_tokenizer(nlp: Language) -> None:
    """Split on slashes and on full stops glued to the next word, on top of spaCy's English rules."""
    infixes = list(nlp.Defaults.infixes) + list(EXTRA_INFIXES)
    nlp.tokenizer.infix_finditer = spacy.util.compile_infix_regex(infixes).finditer


def use_lemma_norms(nlp: Language) -> None:
    """Make each new word's NORM its lower-cased lemma from spaCy's English lookup table."""
    table = load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")

    def lemma_norm(word: str) -> str:
        lower = word.lower()
        return table.get(lower, lower)

    nlp.vocab.lex_attr_getters[NORM] = lemma_norm


@lru_cache(maxsize=4)
def posting_pipeline(
    taxonomy_path: str | None = None, profiles_path: str | None = None, check_profiles: bool = True
) -> Language:
    """A blank English pipeline with the posting tokenizer, lemma norms, skills and (optionally) profile
    phrases; `check_profiles=False` leaves the profiles out, for skills alone."""
    nlp = spacy.blank("en")
    use_lemma_norms(nlp)
    posting_tokenizer(nlp)
    nlp.add_pipe("jobclass_skills", config={"taxonomy_path": taxonomy_path})
    if check_profiles:
        nlp.add_pipe(
            "jobclass_profiles", config={"profiles_path": profiles_path, "taxonomy_path": taxonomy_path}
        )
    return nlp
