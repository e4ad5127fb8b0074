"""The whole reading of a posting: prediction, skills, profile fits, the title's role and the framing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from jobclass.classifier import Classifier, Prediction
from jobclass.framing import Framing, judge_framing
from jobclass.profiles import load_profiles
from jobclass.profiles.fit import ProfileFit
from jobclass.reader import posting_reader
from jobclass.skills.extraction import SkillsReport
from jobclass.text import Posting
from jobclass.titles import TitleReading, read_title


@dataclass(frozen=True)
class Analysis:
    """Everything jobclass says about one posting."""

    prediction: Prediction  # with the title, when there is one
    content_prediction: Prediction  # on the text alone
    skills: SkillsReport
    fits: tuple[ProfileFit, ...]
    title: TitleReading
    framing: Framing

    def to_dict(self) -> dict:
        return {
            **self.prediction.to_dict(),
            "content_label": self.content_prediction.label,
            "content_probabilities": {
                label: round(p, 4) for label, p in self.content_prediction.probabilities.items()
            },
            **self.skills.to_dict(),
            **self.framing_dict(),
        }

    def framing_dict(self) -> dict:
        """What `check --json` prints: the title's role, the content-only label, profile fits, framing."""
        return {
            "source": self.prediction.source,
            "title": self.prediction.title,
            "title_role": self.title.to_dict(),
            "content_label": self.content_prediction.label,
            "out_of_scope": self.prediction.out_of_scope,
            "profiles": [fit.to_dict() for fit in self.fits],
            "framing": self.framing.to_dict(),
        }


def analyse(
    postings: Iterable[Posting],
    model: Classifier,
    taxonomy_path: str | None = None,
    profiles_path: str | None = None,
    explain: bool = True,
) -> list[Analysis]:
    """Classify each posting with and without its title, extract its skills, fit the role profiles,
    read its title and judge how the role is framed; `explain=False` leaves out the terms for and
    against each prediction."""
    postings = list(postings)
    profiles = load_profiles(profiles_path, taxonomy_path)
    reader = posting_reader(taxonomy_path, profiles_path)
    readings = [reader.read(posting.text) for posting in postings]
    predictions, content = model.predict_with_and_without_titles(postings, profiles, explain)
    analyses = []
    for posting, reading, prediction, content_prediction in zip(
        postings, readings, predictions, content, strict=True
    ):
        title = read_title(posting.title, profiles)
        framing = judge_framing(title, content_prediction.probabilities, reading.fits, profiles)
        analyses.append(
            Analysis(prediction, content_prediction, reading.skills, reading.fits, title, framing)
        )
    return analyses
