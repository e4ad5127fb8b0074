"""The framing verdict: does the posting's content read as the role its title names?

Three readings are combined: the role the title names (titles.py), the classifier's prediction on the
content alone (title hidden), and the best-fitting role profile. The content's support for a role is
the classifier's probability weighted CLASSIFIER_WEIGHT and the profile's share of the summed fit scores
weighted the rest (the classifier is the better reader of real postings).

A title that names a role is strong evidence: on real postings it names the role of the work about four
times in five, more often than the content alone is read right. So the verdict asks whether the content
contradicts the title, not whether it agrees with it best:
- consistent: the content's support for the title's role is at least CONSISTENT_MIN (with no role in the
  title: the classifier and the best profile agree);
- leans ROLE: the support is under CONSISTENT_MIN but at least LEANS_MIN; ROLE is what the content reads as;
- mismatch: the content gives the title's role less than LEANS_MIN: the title says X, the content reads as Y.
The thresholds were chosen on the real postings labeled by their work (the dev gold's std set; README:
Accuracy).
"""

from __future__ import annotations

from dataclasses import dataclass

from jobclass.labels import LABELS
from jobclass.profiles import Profile, Profiles
from jobclass.profiles.fit import MissingGroup, ProfileFit
from jobclass.titles import TitleReading

CONSISTENT, LEANS, MISMATCH = "consistent", "leans", "mismatch"
EVIDENCE_SHOWN = 5
CLASSIFIER_WEIGHT = 0.75
CONSISTENT_MIN = 0.25
LEANS_MIN = 0.10


@dataclass(frozen=True)
class Framing:
    """The verdict, the role the content leans to or reads as, the three readings and the explanation."""

    verdict: str  # consistent | leans | mismatch
    role: str  # what the content reads as (the title's role when consistent)
    title_role: str | None
    content_role: str
    profile_role: str
    content_scores: dict[str, float]
    explanation: tuple[str, ...]
    missing: tuple[MissingGroup, ...]

    @property
    def label(self) -> str:
        """ "consistent", "leans ROLE" or "mismatch"."""
        return f"{LEANS} {self.role}" if self.verdict == LEANS else self.verdict

    def to_dict(self) -> dict:
        return {
            "verdict": self.verdict,
            "label": self.label,
            "role": self.role,
            "title_role": self.title_role,
            "content_role": self.content_role,
            "profile_role": self.profile_role,
            "content_scores": {role: round(value, 4) for role, value in self.content_scores.items()},
            "explanation": list(self.explanation),
            "missing": [item.to_dict() for item in self.missing],
        }


def content_scores(content_probabilities: dict[str, float], fits: tuple[ProfileFit, ...]) -> dict[str, float]:
    """Per role: the content's support, the weighted mean of the classifier's content-only probability
    and the profile's share of fit."""
    total = sum(fit.score for fit in fits) or 1.0
    shares = {fit.role: fit.score / total for fit in fits}
    return {
        role: CLASSIFIER_WEIGHT * content_probabilities[role] + (1 - CLASSIFIER_WEIGHT) * shares[role]
        for role in LABELS
    }


def judge_framing(
    title: TitleReading,
    content_probabilities: dict[str, float],
    fits: tuple[ProfileFit, ...],
    profiles: Profiles,
) -> Framing:
    """Combine the title's role, the content-only prediction and the profile fits into a verdict."""
    by_role = {fit.role: fit for fit in fits}
    scores = content_scores(content_probabilities, fits)
    content_role = max(content_probabilities, key=content_probabilities.get)
    profile_role = max(by_role, key=lambda role: by_role[role].score)
    reads_as = max(scores, key=scores.get)
    stated = title.role
    if stated is None:
        verdict = CONSISTENT if content_role == profile_role else LEANS
        role = reads_as
    elif scores[stated] >= CONSISTENT_MIN:
        verdict, role = CONSISTENT, stated
    else:
        verdict = LEANS if scores[stated] >= LEANS_MIN else MISMATCH
        role = max((r for r in LABELS if r != stated), key=scores.get)
    expected_of = stated or role
    lines = explain(title, verdict, role, content_role, content_probabilities, by_role, profiles)
    return Framing(
        verdict, role, stated, content_role, profile_role, scores, lines, by_role[expected_of].missing
    )


def explain(
    title: TitleReading,
    verdict: str,
    role: str,
    content_role: str,
    probabilities: dict[str, float],
    fits: dict[str, ProfileFit],
    profiles: Profiles,
) -> tuple[str, ...]:
    """Two or three lines: what the title says, what the content reads as, and the evidence for it."""
    stated = title.role
    best = max(fits, key=lambda r: fits[r].score)
    if not stated:
        first = f"Title {title.title!r} names no role ({title.reason})." if title.title else "No title given."
    elif verdict == CONSISTENT:
        first = f"Title {title.title!r} names {stated}, and the content agrees."
    elif verdict == LEANS:
        first = f"Title {title.title!r} names {stated}; the content leans toward {role}."
    else:
        first = f"Title {title.title!r} names {stated}, but the content reads as {role}."
    fit_note = f"{best} {fits[best].score:.2f}"
    if stated and best != stated:
        fit_note += f", {stated} {fits[stated].score:.2f}"
    second = f"Content alone: {content_role} ({probabilities[content_role]:.2f}); profile fit: {fit_note}."
    shown = role if verdict != CONSISTENT else (stated or role)
    evidence = strongest_evidence(fits[shown], profiles[shown])
    third = f"Evidence for {shown}: {', '.join(evidence)}." if evidence else f"No evidence found for {shown}."
    return first, second, third


def strongest_evidence(fit: ProfileFit, profile: Profile, limit: int = EVIDENCE_SHOWN) -> list[str]:
    """Distinct words of the posting that matched the profile: distinguishing groups first, then
    multi-word matches, then heavier groups."""
    rank = {group.name: (not group.distinguishing, -group.weight) for group in profile.groups}
    seen: list[str] = []
    ordered = sorted(
        fit.evidence, key=lambda item: (rank[item.group][0], -len(item.text.split()), rank[item.group][1])
    )
    for item in ordered:
        words = " ".join(item.text.split())
        if words.lower() not in (s.lower() for s in seen):
            seen.append(words)
        if len(seen) == limit:
            break
    return [f'"{words}"' for words in seen]
