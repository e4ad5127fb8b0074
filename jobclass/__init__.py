"""jobclass: what an ML/data job posting really asks for."""

from jobclass.classifier import Classifier, Prediction, TermWeight, TrainingResult, load_model, train
from jobclass.errors import DataError, InputError, JobclassError, ModelError, TaxonomyError
from jobclass.extraction import FoundSkill, SkillsReport, extract_skills
from jobclass.labels import LABELS
from jobclass.model import Metrics
from jobclass.qualifications import Qualifications
from jobclass.text import Posting, read_posting

__all__ = [
    "LABELS",
    "Classifier",
    "DataError",
    "FoundSkill",
    "InputError",
    "JobclassError",
    "Metrics",
    "ModelError",
    "Posting",
    "Prediction",
    "Qualifications",
    "SkillsReport",
    "TaxonomyError",
    "TermWeight",
    "TrainingResult",
    "extract_skills",
    "load_model",
    "read_posting",
    "train",
]
