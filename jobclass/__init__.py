"""jobclass: what an ML/data job posting really asks for.

The public names below are imported on first use, so `import jobclass` (and the CLI's start) stays
light: scikit-learn, pandas and spaCy load only when something needs them.
"""

from importlib import import_module

_HOMES = {
    "Analysis": "jobclass.analysis",
    "analyse": "jobclass.analysis",
    "Classifier": "jobclass.classifier",
    "Prediction": "jobclass.classifier",
    "TermWeight": "jobclass.classifier",
    "TrainingResult": "jobclass.classifier",
    "load_model": "jobclass.classifier",
    "train": "jobclass.classifier",
    "DataError": "jobclass.errors",
    "InputError": "jobclass.errors",
    "JobclassError": "jobclass.errors",
    "ModelError": "jobclass.errors",
    "ProfileError": "jobclass.errors",
    "TaxonomyError": "jobclass.errors",
    "Evaluation": "jobclass.evaluation",
    "FoundSkill": "jobclass.skills.extraction",
    "SkillsReport": "jobclass.skills.extraction",
    "extract_skills": "jobclass.reader",
    "Framing": "jobclass.framing",
    "LABELS": "jobclass.labels",
    "Metrics": "jobclass.model",
    "Evidence": "jobclass.profiles.fit",
    "ProfileFit": "jobclass.profiles.fit",
    "Profile": "jobclass.profiles.rules",
    "Profiles": "jobclass.profiles.rules",
    "load_profiles": "jobclass.profiles.rules",
    "Qualifications": "jobclass.reading.qualifications",
    "report_html": "jobclass.report",
    "Posting": "jobclass.text",
    "read_posting": "jobclass.text",
    "TitleReading": "jobclass.titles",
    "read_title": "jobclass.titles",
}
__all__ = sorted(_HOMES)


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module 'jobclass' has no attribute {name!r}")
    value = getattr(import_module(_HOMES[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOMES))
