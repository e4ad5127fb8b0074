"""jobclass: what an ML/data job posting really asks for."""

from jobclass.classifier import Classifier, Prediction, TermWeight, TrainingResult, load_model, train
from jobclass.errors import DataError, InputError, JobclassError, ModelError
from jobclass.labels import LABELS
from jobclass.model import Metrics
from jobclass.text import Posting, read_posting

__all__ = [
    "LABELS",
    "Classifier",
    "DataError",
    "InputError",
    "JobclassError",
    "Metrics",
    "ModelError",
    "Posting",
    "Prediction",
    "TermWeight",
    "TrainingResult",
    "load_model",
    "read_posting",
    "train",
]
