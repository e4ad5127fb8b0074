"""The web pages: the form, the report of a submitted posting (the evidence report of `jobclass report`,
with its JSON record), and the API documentation, all under the report's Content-Security-Policy."""

from __future__ import annotations

import json
from html import escape
from urllib.parse import quote

from jobclass.report import page

FORM_STYLE = """<style>
form label { display: block; font-weight: 600; margin-top: 1rem; }
form input[type=text], form textarea { display: block; width: 100%; box-sizing: border-box; font: inherit;
  padding: .4rem; margin-top: .3rem; border: 1px solid #bbb; border-radius: .3rem; }
form button { margin-top: 1rem; font: inherit; font-weight: 600; padding: .5rem 1.4rem; border-radius: .3rem;
  border: 0; background: #4f46e5; color: white; cursor: pointer; }
.error { background: #fee2e2; padding: .6rem 1rem; border-radius: .3rem; }
nav { margin-bottom: 1rem; } pre { white-space: pre-wrap; background: #f9fafb; padding: .8rem; }
code { background: #f3f4f6; padding: 0 .2rem; }
</style>"""


def form_page(title: str = "", text: str = "", error: str | None = None) -> str:
    """The page with the form; after a failed submission, the reason and what was typed."""
    problem = f'<p class="error" id="error" role="alert">{escape(error)}</p>' if error else ""
    body = f"""{FORM_STYLE}
<h1>jobclass</h1>
<p class="muted">Paste a job posting (or choose its file) to see which of four roles it describes
(ML engineer, data scientist, ML scientist, AI scientist), the skills it asks for, and whether its title fits
its content.
Nothing you submit is stored.</p>
{problem}
<form method="post" action="report" enctype="multipart/form-data">
<label for="title">Title</label>
<input type="text" id="title" name="title" value="{escape(title)}" placeholder="e.g. Senior Data Scientist">
<label for="text">Posting text</label>
<textarea id="text" name="text" rows="18" placeholder="Paste the posting here">{escape(text)}</textarea>
<label for="file">or a file (.txt or .html; used instead of the text above)</label>
<input type="file" id="file" name="file" accept=".txt,.text,.html,.htm,.md,text/plain,text/html">
<button type="submit" id="analyse">Analyse</button>
</form>
<p class="muted">The same analysis as an HTTP API: <a href="docs">API documentation</a>.</p>
"""
    return page("jobclass: analyse a job posting", body)


def result_page(report: str, record: dict) -> str:
    """The evidence report of `jobclass report`, with a link back to the form and the JSON record (the
    `predict --json` record) to copy or download."""
    shown = json.dumps(record, indent=2, ensure_ascii=False)
    download = "data:application/json;charset=utf-8," + quote(json.dumps(record, ensure_ascii=False))
    nav = f'{FORM_STYLE}<nav><a href="./" id="again">&larr; Analyse another posting</a></nav>\n'
    block = (
        '<section id="json"><h2>JSON</h2><p class="muted">The same result as <code>jobclass predict --json'
        "</code> and <code>POST /v1/analyse</code>: select it and copy, or "
        f'<a download="jobclass-result.json" href="{escape(download)}" id="download-json">download it</a>.'
        f'</p><pre id="result-json">{escape(shown)}</pre></section>\n'
    )
    head, body_tag, rest = report.partition("<body>\n")
    content, end_tag, tail = rest.rpartition("</body>")
    return f"{head}{body_tag}{nav}{content}{block}{end_tag}{tail}"


def schema_type(schema: dict) -> str:
    """A JSON schema as a short type, e.g. `string or null`, `list of PostingIn`."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(schema_type(option) for option in schema["anyOf"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {schema_type(schema.get('items', {}))}"
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return f"object of {schema_type(schema['additionalProperties'])}"
    return kind


def operation_html(method: str, path: str, operation: dict) -> str:
    parts = [f'<section class="endpoint"><h2><code>{method.upper()} {escape(path)}</code></h2>']
    parts.append(f"<p><b>{escape(operation.get('summary', ''))}</b></p>")
    if operation.get("description"):
        parts.append(f"<pre>{escape(operation['description'])}</pre>")
    if operation.get("security"):
        parts.append(
            '<p class="muted">Needs <code>Authorization: Bearer KEY</code> (the server\'s API key).</p>'
        )
    request = operation.get("requestBody", {}).get("content", {})
    for media, content in request.items():
        parts.append(
            f"<p>Request body ({escape(media)}): <code>{escape(schema_type(content['schema']))}</code></p>"
        )
    rows = "".join(
        f"<tr><td>{escape(code)}</td><td>{escape(response.get('description', ''))}</td><td><code>"
        + escape(
            ", ".join(schema_type(c["schema"]) for c in response.get("content", {}).values() if "schema" in c)
        )
        + "</code></td></tr>"
        for code, response in operation.get("responses", {}).items()
    )
    parts.append(f"<table><thead><tr><th>status</th><th>meaning</th><th>body</th></tr></thead>{rows}</table>")
    return "".join(parts) + "</section>"


def schema_html(name: str, schema: dict) -> str:
    required = set(schema.get("required", []))
    rows = "".join(
        f"<tr><td><code>{escape(field)}</code></td><td>{escape(schema_type(spec))}</td>"
        f"<td>{'yes' if field in required else ''}</td><td>{escape(spec.get('description', ''))}</td></tr>"
        for field, spec in schema.get("properties", {}).items()
    )
    extra = " Other fields may follow." if schema.get("additionalProperties") is True else ""
    return (
        f'<section class="schema" id="schema-{escape(name)}"><h3>{escape(name)}</h3>'
        f'<p class="muted">{escape(schema.get("description", ""))}{extra}</p>'
        f"<table><thead><tr><th>field</th><th>type</th><th>required</th><th>description</th></tr></thead>"
        f"{rows}</table></section>"
    )


def api_docs_page(openapi: dict) -> str:
    """The API documentation, rendered from the OpenAPI schema on the server: no scripts, nothing fetched."""
    info = openapi.get("info", {})
    operations = "".join(
        operation_html(method, path, operation)
        for path, methods in openapi.get("paths", {}).items()
        for method, operation in methods.items()
    )
    schemas = "".join(
        schema_html(name, schema) for name, schema in openapi.get("components", {}).get("schemas", {}).items()
    )
    body = f"""{FORM_STYLE}
<h1>{escape(info.get("title", ""))} {escape(info.get("version", ""))}</h1>
<p>{escape(info.get("description", ""))}</p>
<p class="muted">The machine-readable schema: <a href="openapi.json">openapi.json</a>.
The web form: <a href="./">/</a>.</p>
{operations}
<h2>Schemas</h2>
{schemas}
"""
    return page(f"{info.get('title', 'API')} documentation", body)
