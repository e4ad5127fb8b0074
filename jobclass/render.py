"""Plain-text renderings of predictions and metrics for the terminal."""

from __future__ import annotations

from jobclass.classifier import Prediction
from jobclass.extraction import SkillsReport
from jobclass.labels import LABELS
from jobclass.model import CrossValidation, Metrics


def prediction_text(prediction: Prediction) -> str:
    """A short block: source, title, label with confidence, all probabilities, the top terms."""
    probabilities = "  ".join(f"{label} {prediction.probabilities[label]:.3f}" for label in LABELS)
    terms = ", ".join(
        f"{term.term}{' (title)' if term.where == 'title' else ''}" for term in prediction.top_terms
    )
    lines = [
        f"{prediction.source}",
        f"  title:         {prediction.title or '(none)'}",
        f"  label:         {prediction.label} ({prediction.confidence:.3f})",
        f"  probabilities: {probabilities}",
        f"  top terms:     {terms or '(none)'}",
    ]
    return "\n".join(lines)


def skills_lines(report: SkillsReport) -> list[str]:
    """Indented lines: skills by need, then degree and years."""
    lines = []
    for need in ("required", "preferred", "mentioned"):
        names = ", ".join(skill.name for skill in report.by_need(need))
        lines.append(f"  {need + ':':<15}{names or '(none)'}")
    q = report.qualifications
    degree = q.degree_min.replace("none_stated", "none stated")
    if q.degree_field:
        degree += f" in {q.degree_field}"
    if q.degree_preferred:
        degree += f"; {q.degree_preferred} preferred"
    lines.append(f"  {'degree:':<15}{degree}")
    lines.append(f"  {'experience:':<15}{'not stated' if q.years_min is None else f'{q.years_min}+ years'}")
    return lines


def skills_text(report: SkillsReport, source: str) -> str:
    return "\n".join([source, *skills_lines(report)])


def metrics_text(metrics: Metrics) -> str:
    """Per-class table, macro-F1 and accuracy, and the confusion matrix."""
    width = max(len(label) for label in LABELS)
    lines = [f"{'label':<{width}}  precision  recall     f1  support"]
    for row in metrics.per_class:
        lines.append(
            f"{row.label:<{width}}  {row.precision:9.3f}  {row.recall:6.3f}  {row.f1:5.3f}  {row.support:7d}"
        )
    total = sum(row.support for row in metrics.per_class)
    lines.append(f"macro-F1 {metrics.macro_f1:.3f}   accuracy {metrics.accuracy:.3f}   n={total}")
    lines.append("")
    lines.append("confusion matrix (rows: true label, columns: predicted)")
    short = [label.replace("_", " ").split()[0][:2] + label.split("_")[1][:3] for label in LABELS]
    lines.append(" " * (width + 2) + "".join(f"{name:>8}" for name in short))
    for label, row in zip(LABELS, metrics.confusion, strict=True):
        lines.append(f"{label:<{width}}  " + "".join(f"{cell:8d}" for cell in row))
    return "\n".join(lines)


def cross_validation_text(cv: CrossValidation) -> str:
    return (
        f"stratified {cv.folds}-fold cross-validation, with titles:\n{metrics_text(cv.with_title)}\n\n"
        f"stratified {cv.folds}-fold cross-validation, content only (titles hidden):\n"
        f"{metrics_text(cv.without_title)}"
    )
