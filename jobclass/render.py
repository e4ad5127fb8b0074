"""Plain-text renderings of predictions, skills, framing, profiles and metrics for the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobclass.calibration import REVIEW_MIN_THRESHOLD, TITLE_MIN_WEIGHT
from jobclass.labels import DISPLAY_NAMES, LABELS

if TYPE_CHECKING:
    from jobclass.analysis import Analysis
    from jobclass.calibration import Calibration
    from jobclass.classifier import Prediction
    from jobclass.evaluation import Evaluation
    from jobclass.model import CrossValidation, Metrics
    from jobclass.profiles import Profile
    from jobclass.skills.extraction import SkillsReport


def prediction_text(prediction: Prediction) -> str:
    """A short block: source, title, label with confidence, all probabilities, the top terms."""
    probabilities = "  ".join(f"{label} {prediction.probabilities[label]:.3f}" for label in LABELS)
    terms = ", ".join(term.term for term in prediction.top_terms)
    lines = [
        f"{prediction.source}",
        f"  title:         {prediction.title or '(none)'}",
        f"  label:         {prediction.label} ({prediction.confidence:.3f})"
        + ("  review: yes, low confidence" if prediction.review else ""),
        f"  probabilities: {probabilities}",
    ]
    if prediction.secondary:
        lines.append(
            f"  secondary:     {prediction.secondary} ({prediction.probabilities[prediction.secondary]:.3f})"
        )
    if prediction.out_of_scope:
        lines.append(f"  out of scope:  yes, none of the four roles; {prediction.label} is the nearest")
    lines.append(f"  top terms:     {terms or '(none)'}")
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
    heading = f"{cv.folds}-fold cross-validation grouped by writing slice (content only):"
    return f"{heading}\n{metrics_text(cv.metrics)}"


def calibration_text(calibration: Calibration, source: str) -> str:
    scope = (
        "never (no threshold reached the precision asked)"
        if calibration.scope_threshold == float("inf")
        else f"scope score >= {calibration.scope_threshold:.3f}"
    )
    return (
        f"calibration on {source}: temperature {calibration.temperature:.3f}, "
        f"evidence prior {calibration.evidence_prior:.1f} terms, "
        f"title weight {calibration.title_weight:.1f} (at least {TITLE_MIN_WEIGHT:g})\n"
        f"review band: top probability under {calibration.review_threshold:.2f} "
        f"(at least {REVIEW_MIN_THRESHOLD:.2f}; content-only accuracy at or above it "
        f">= {calibration.target_accuracy:.2f} there)\n"
        f"out of scope: {scope}"
    )


def evaluation_text(evaluation: Evaluation) -> str:
    """The metrics, then the calibration error, reliability bins and the review band's split."""
    lines = [
        metrics_text(evaluation.metrics),
        "",
        f"expected calibration error (ECE, 10 bins): {evaluation.ece:.3f}",
        "reliability: confidence bin, postings, mean confidence, accuracy",
    ]
    for b in evaluation.reliability:
        bounds = f"[{b.lower:.1f}, {b.upper:.1f})"
        lines.append(f"  {bounds}  {b.count:6d}  {b.confidence:6.3f}  {b.accuracy:6.3f}")

    def share(value):
        return "n/a" if value is None else f"{value:.3f}"

    total = sum(b.count for b in evaluation.reliability)
    lines.append(f"top-2 accuracy (true label among the two most probable): {evaluation.top2:.3f}")
    lines.append(
        f"review band (top probability < {evaluation.review_threshold:.2f}): {evaluation.flagged} of {total} "
        f"flagged; accuracy flagged {share(evaluation.flagged_accuracy)}, "
        f"not flagged {share(evaluation.unflagged_accuracy)}"
    )
    if evaluation.scope:
        scope = evaluation.scope
        lines.append(
            f"out of scope: {scope.flagged} flagged, {scope.marked} marked; "
            f"precision {share(scope.precision)}, recall {share(scope.recall)}"
        )
    return "\n".join(lines)


def fits_line(fits) -> str:
    return "  ".join(f"{fit.role} {fit.score:.2f}" for fit in fits)


def framing_lines(analysis: Analysis) -> list[str]:
    """Indented lines: the title's role, the verdict, the profile fits, the explanation, what is missing."""
    title = analysis.title
    named = f"{title.role} ({title.reason})" if title.role else f"no role ({title.reason})"
    lines = [
        f"  {'title role:':<15}{named}",
        f"  {'content only:':<15}{analysis.content_prediction.label} "
        f"({analysis.content_prediction.confidence:.3f})",
        f"  {'profile fit:':<15}{fits_line(analysis.fits)}",
        f"  {'framing:':<15}{analysis.framing.label}",
    ]
    lines += [f"  {'':<15}{line}" for line in analysis.framing.explanation]
    missing = analysis.framing.missing
    role = analysis.framing.title_role or analysis.framing.role
    if missing:
        lines.append(f"  {'missing:':<15}for {role}: {missing[0].expect}")
        lines += [f"  {'':<15}{' ' * len(f'for {role}: ')}{item.expect}" for item in missing[1:]]
    else:
        lines.append(f"  {'missing:':<15}nothing {role} usually asks for")
    return lines


def analysis_text(analysis: Analysis) -> str:
    """The `predict` block: prediction, skills, then profile fits and framing."""
    return "\n".join(
        [prediction_text(analysis.prediction), *skills_lines(analysis.skills), *framing_lines(analysis)]
    )


def check_text(analysis: Analysis) -> str:
    """The `check` block: source and title, then profile fits and framing."""
    prediction = analysis.prediction
    scope = [f"  {'out of scope:':<15}yes, none of the four roles"] if prediction.out_of_scope else []
    return "\n".join(
        [
            prediction.source,
            f"  {'title:':<15}{prediction.title or '(none)'}",
            *scope,
            *framing_lines(analysis),
        ]
    )


def profile_text(profile: Profile) -> str:
    """A profile's focus, title rules and evidence groups with their items."""
    lines = [f"{profile.role}: {DISPLAY_NAMES[profile.role]}", f"  focus:  {profile.focus}"]
    lines.append(f"  titles: {', '.join(profile.titles)}")
    if profile.qualified_title:
        rule = profile.qualified_title
        lines.append(f"          {rule.base!r} with any of: {', '.join(rule.qualifiers)}")
    for group in profile.groups:
        flags = [f"weight {group.weight:g}", f"enough {group.enough}"]
        flags += [flag for flag in ("expected", "distinguishing", "anywhere") if getattr(group, flag)]
        lines.append(f"  [{group.name}] {group.expect} ({', '.join(flags)})")
        for kind in ("phrases", "skills", "degrees"):
            items = getattr(group, kind)
            if items:
                lines.append(f"      {kind}: {', '.join(items)}")
    return "\n".join(lines)
