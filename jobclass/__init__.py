"""jobclass: what an ML/data job posting really asks for."""

from jobclass.analysis import Analysis, analyse
from jobclass.classifier import Classifier, Prediction, TermWeight, TrainingResult, load_model, train
from jobclass.errors import DataError, InputError, JobclassError, ModelError, ProfileError, TaxonomyError
from jobclass.evaluation import Evaluation
from jobclass.extraction import FoundSkill, SkillsReport, extract_skills
from jobclass.framing import Framing
from jobclass.labels import LABELS
from jobclass.model import Metrics
from jobclass.profile_check import Evidence, ProfileFit
from jobclass.profiles import Profile, Profiles, load_profiles
from jobclass.qualifications import Qualifications
from jobclass.report import report_html
from jobclass.text import Posting, read_posting
from jobclass.titles import TitleReading, read_title

__all__ = [
    "report_html",
    "LABELS",
    "Analysis",
    "Classifier",
    "DataError",
    "Evaluation",
    "Evidence",
    "FoundSkill",
    "Framing",
    "InputError",
    "JobclassError",
    "Metrics",
    "ModelError",
    "Posting",
    "Prediction",
    "Profile",
    "ProfileError",
    "ProfileFit",
    "Profiles",
    "Qualifications",
    "SkillsReport",
    "TaxonomyError",
    "TermWeight",
    "TitleReading",
    "TrainingResult",
    "analyse",
    "extract_skills",
    "load_model",
    "load_profiles",
    "read_posting",
    "read_title",
    "train",
]
