"""Self-contained HTML evidence reports: one page per posting, and an index page for a batch.

Every piece of posting text goes through `html.escape`; the pages carry a Content-Security-Policy that
allows no network fetches and no scripts but the index's own sorting script (pinned by its hash).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from jobclass.atomic import atomic_path
from jobclass.errors import InputError
from jobclass.labels import DISPLAY_NAMES, LABELS
from jobclass.reading.sections import split_sections

if TYPE_CHECKING:
    from jobclass.analysis import Analysis

# Background colour per taxonomy category (the border shows the need).
CATEGORY_COLOURS = {
    "language": "#fde68a",
    "ml_framework": "#bfdbfe",
    "library": "#c7d2fe",
    "method": "#fecaca",
    "ai_model": "#f5d0fe",
    "data_platform": "#bbf7d0",
    "database": "#a7f3d0",
    "cloud": "#fbcfe8",
    "devops": "#fed7aa",
    "mlops": "#fdba74",
    "visualization": "#e9d5ff",
    "research_tool": "#d9f99d",
    "application": "#e5e7eb",
}
OTHER_COLOUR = "#e5e7eb"
NEED_STYLES = {"required": "solid", "preferred": "dashed", "mentioned": "dotted"}

STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 1.5rem; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.15rem; border-bottom: 1px solid #ddd; }
.muted { color: #555; } .grid { display: grid; grid-template-columns: 1fr 1fr; gap: 1.5rem; }
.verdict { display: inline-block; padding: .15rem .6rem; border-radius: 1rem; font-weight: 600; }
.verdict.consistent { background: #dcfce7; } .verdict.leans { background: #fef9c3; }
.verdict.mismatch { background: #fee2e2; } .review { background: #ffedd5; padding: .1rem .5rem; }
.bar-row { display: grid; grid-template-columns: 14rem 1fr 3.5rem; align-items: center; gap: .5rem; }
.bar { background: #eef2ff; height: .9rem; border-radius: .2rem; }
.bar span { display: block; height: 100%; background: #4f46e5; border-radius: .2rem; }
.bar.fit span { background: #059669; }
.posting { white-space: pre-wrap; border: 1px solid #ddd; padding: 1rem; border-radius: .4rem; }
.section-label { display: block; font-size: .75rem; text-transform: uppercase; color: #6b7280;
  letter-spacing: .05em; margin-top: .6rem; }
mark.skill { color: inherit; border-bottom-width: 2px; padding: 0 .1rem; border-radius: .15rem; }
.legend mark { margin-right: .4rem; } ul { margin-top: .2rem; }
td, th { padding: .2rem .5rem; text-align: left; }
table { border-collapse: collapse; } tr:nth-child(even) { background: #f9fafb; } th { cursor: pointer; }
"""

SORT_SCRIPT = """
document.querySelectorAll('th').forEach(function (th, column) {
  th.addEventListener('click', function () {
    var body = th.closest('table').tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var descending = th.dataset.order !== 'desc';
    th.dataset.order = descending ? 'desc' : 'asc';
    rows.sort(function (a, b) {
      var x = a.cells[column].dataset.value || a.cells[column].textContent;
      var y = b.cells[column].dataset.value || b.cells[column].textContent;
      var nx = parseFloat(x), ny = parseFloat(y);
      var order = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  });
});
"""


def script_hash(script: str) -> str:
    return base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")


def page(title: str, body: str, script: str | None = None) -> str:
    """A complete HTML document; `script` is the only code it may run."""
    scripts = f"'sha256-{script_hash(script)}'" if script else "'none'"
    policy = f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src {scripts}"
    tail = f"<script>{script}</script>" if script else ""
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>\n"
        f"<body>\n{body}\n{tail}</body></html>\n"
    )


def skill_style(category: str, need: str) -> str:
    colour = CATEGORY_COLOURS.get(category, OTHER_COLOUR)
    return f"background:{colour};border-bottom:2px {NEED_STYLES.get(need, 'dotted')} #374151"


def highlighted(text: str, start: int, end: int, spans: list[tuple[int, int, object]]) -> str:
    """text[start:end], escaped, with each skill span inside it wrapped in a <mark>."""
    pieces, position = [], start
    for span_start, span_end, skill in spans:
        if span_start < position or span_end > end or span_start < start:
            continue  # overlapping or outside this stretch: left plain
        pieces.append(escape(text[position:span_start]))
        note = f"{skill.name} ({skill.category}, {skill.need})"
        pieces.append(
            f'<mark class="skill need-{skill.need}" data-skill="{escape(skill.id)}" '
            f'style="{skill_style(skill.category, skill.need)}" title="{escape(note)}">'
            f"{escape(text[span_start:span_end])}</mark>"
        )
        position = span_end
    pieces.append(escape(text[position:end]))
    return "".join(pieces)


def posting_html(text: str, analysis: Analysis) -> str:
    """The posting text split into its detected sections, skills highlighted."""
    spans = sorted((start, end, skill) for skill in analysis.skills.skills for start, end in skill.spans)
    sections = split_sections(text)
    stretches = [(s.start, s.end, s.kind) for s in sections] or [(0, len(text), "other")]
    parts = []
    for start, end, kind in stretches:
        parts.append(
            f'<div class="section" data-kind="{escape(kind)}">'
            f'<span class="section-label">{escape(kind)}</span>{highlighted(text, start, end, spans)}</div>'
        )
    return '<div class="posting" id="posting-text">' + "".join(parts) + "</div>"


def bar(label: str, value: float, kind: str = "") -> str:
    percent = max(0.0, min(1.0, value)) * 100
    return (
        f'<div class="bar-row"><span>{escape(label)}</span>'
        f'<div class="bar {kind}"><span style="width:{percent:.1f}%"></span></div>'
        f"<span>{value:.3f}</span></div>"
    )


def terms_list(terms) -> str:
    items = "".join(f'<li>{escape(t.term)} <span class="muted">({t.weight:+.3f})</span></li>' for t in terms)
    return f"<ul>{items}</ul>" if items else '<p class="muted">none</p>'


def profile_html(fit, best: bool) -> str:
    evidence = "".join(
        f"<li><b>{escape(item.group)}</b>: &ldquo;{escape(item.text)}&rdquo;</li>"
        for item in fit.evidence[:12]
    )
    more = f'<li class="muted">and {len(fit.evidence) - 12} more</li>' if len(fit.evidence) > 12 else ""
    missing = "".join(f"<li>{escape(m.group)}: {escape(m.expect)}</li>" for m in fit.missing)
    return (
        f'<div class="profile" data-role="{fit.role}">{bar(DISPLAY_NAMES[fit.role], fit.score, "fit")}'
        f"<details{' open' if best else ''}>"
        f"<summary>evidence ({len(fit.evidence)}) and missing ({len(fit.missing)})</summary>"
        f"<ul>{evidence}{more}</ul>"
        + (f"<p>Missing:</p><ul>{missing}</ul>" if missing else "")
        + "</details></div>"
    )


def report_html(text: str, analysis: Analysis) -> str:
    """The evidence report of one analysed posting (`text` is the posting text it was read from)."""
    prediction, framing, q = analysis.prediction, analysis.framing, analysis.skills.qualifications
    heading = prediction.title or prediction.source
    degree = "not stated" if q.degree_min == "none_stated" else q.degree_min
    review = (
        ' <span class="review" id="review-flag">review: low confidence</span>' if prediction.review else ""
    )
    secondary = (
        f'<p id="secondary">Also reads as: <b>{DISPLAY_NAMES[prediction.secondary]}</b> '
        f"({prediction.probabilities[prediction.secondary]:.3f})</p>"
        if prediction.secondary
        else ""
    )
    scope = (
        '<p id="out-of-scope" class="review">Out of scope: the work reads as none of the four roles; '
        f"{DISPLAY_NAMES[prediction.label]} is the nearest.</p>"
        if prediction.out_of_scope
        else ""
    )
    legend = "".join(
        f'<mark class="skill" style="{skill_style(category, "required")}">{escape(category)}</mark>'
        for category in CATEGORY_COLOURS
    )
    needs = "".join(
        f'<mark class="skill" style="{skill_style("", need)}">{need}</mark>' for need in NEED_STYLES
    )
    by_need = sorted(analysis.skills.skills, key=lambda skill: list(NEED_STYLES).index(skill.need))
    skills_rows = "".join(
        f"<tr><td>{escape(skill.name)}</td><td>{escape(skill.category)}</td><td>{skill.need}</td></tr>"
        for skill in by_need
    )
    preferred = f" (preferred: {escape(q.degree_preferred)})" if q.degree_preferred else ""
    years = q.years_min if q.years_min is not None else "not stated"
    probabilities = "".join(bar(DISPLAY_NAMES[label], prediction.probabilities[label]) for label in LABELS)
    content = analysis.content_prediction
    explanation = "".join(f"<li>{escape(line)}</li>" for line in framing.explanation)
    missing = "".join(f"<li>{escape(m.group)}: {escape(m.expect)}</li>" for m in framing.missing)
    missing_block = f"<p>Missing for the title role:</p><ul>{missing}</ul>" if missing else ""
    best_fit = max(analysis.fits, key=lambda fit: fit.score)
    profiles = "".join(profile_html(fit, fit is best_fit) for fit in analysis.fits)
    body = f"""
<header>
<h1>{escape(heading)}</h1>
<p class="muted">{escape(prediction.source)}</p>
<p id="label">Predicted role: <b>{DISPLAY_NAMES[prediction.label]}</b> ({prediction.confidence:.3f}){review}
&nbsp; <span class="verdict {framing.verdict}" id="verdict">{escape(framing.label)}</span></p>
{secondary}{scope}
<p id="qualifications">Degree: {escape(degree)}{preferred} &middot; Years of experience: {years}</p>
</header>
<div class="grid">
<section id="probabilities"><h2>Role probabilities</h2>{probabilities}
<p class="muted">Content alone: {DISPLAY_NAMES[content.label]} ({content.confidence:.3f})</p></section>
<section id="framing"><h2>Framing</h2><ul>{explanation}</ul>{missing_block}</section>
<section id="terms"><h2>Terms that pushed the prediction</h2>
<div class="grid"><div><b>For {escape(prediction.label)}</b>{terms_list(prediction.top_terms)}</div>
<div><b>Against</b>{terms_list(prediction.counter_terms)}</div></div></section>
<section id="profiles"><h2>Role profiles</h2>{profiles}</section>
</div>
<section id="skills"><h2>Skills and tools ({len(analysis.skills.skills)})</h2>
<p class="legend">Categories: {legend}<br>Need: {needs}</p>
<table><thead><tr><th>skill</th><th>category</th><th>need</th></tr></thead><tbody>{skills_rows}</tbody></table>
</section>
<section id="text"><h2>The posting</h2>{posting_html(text, analysis)}</section>
"""
    return page(f"jobclass report: {heading}", body)


@dataclass(frozen=True)
class IndexEntry:
    """One row of a batch's index page."""

    id: str
    title: str | None
    label: str
    confidence: float
    verdict: str
    review: bool
    file: str

    @classmethod
    def of(cls, row_id: str, analysis: Analysis, file: str) -> IndexEntry:
        prediction = analysis.prediction
        return cls(row_id, prediction.title, prediction.label, prediction.confidence, analysis.framing.label,
                   prediction.review, file)  # fmt: skip


def index_html(entries: list[IndexEntry]) -> str:
    """The batch summary: the label distribution and a sortable table linking to every report."""
    counts = Counter(entry.label for entry in entries)
    total = len(entries) or 1
    distribution = "".join(
        bar(f"{DISPLAY_NAMES[label]} ({counts[label]})", counts[label] / total) for label in LABELS
    )
    rows = "".join(
        f'<tr><td><a href="{escape(entry.file)}">{escape(entry.id)}</a></td>'
        f"<td>{escape(entry.title or '')}</td>"
        f'<td>{entry.label}</td><td data-value="{entry.confidence:.4f}">{entry.confidence:.3f}</td>'
        f"<td>{escape(entry.verdict)}</td><td>{'yes' if entry.review else ''}</td></tr>"
        for entry in entries
    )
    body = f"""
<h1>jobclass batch report</h1>
<p class="muted">{len(entries)} postings. Click a column heading to sort.</p>
<section id="distribution"><h2>Labels</h2>{distribution}</section>
<section id="postings"><h2>Postings</h2>
<table id="summary"><thead><tr><th>id</th><th>title</th><th>label</th><th>confidence</th><th>verdict</th>
<th>review</th></tr></thead><tbody>{rows}</tbody></table></section>
"""
    return page("jobclass batch report", body, SORT_SCRIPT)


def report_file_name(row: int, row_id: str) -> str:
    """A safe, unique file name for a batch row's report: row number plus the id's safe characters."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", row_id)[:60].strip("._") or "posting"
    return f"{row:07d}-{safe}.html"


def write_html(path: str | Path, html: str) -> Path:
    """Write a page atomically (a temp file renamed into place)."""
    path = Path(path)
    if not path.parent.is_dir():
        raise InputError(f"{path}: the folder {path.parent} does not exist")
    with atomic_path(path) as temp:
        temp.write_text(html, encoding="utf-8")
    return path
