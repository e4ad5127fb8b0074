"""The web app and the HTTP API: routes over the library (`jobclass.analysis`, `jobclass.report`), built by
`create_app` so that tests and worker processes choose the model and the key."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, File, Form, Request, UploadFile
from fastapi.exceptions import HTTPException, RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from jobclass.classifier import Classifier, ensure_default_model, load_model
from jobclass.errors import InputError
from jobclass.persist import package_version
from jobclass.profiles import load_profiles
from jobclass.report import report_html
from jobclass.serve.limits import MB, BodyLimit
from jobclass.serve.pages import api_docs_page, form_page, result_page
from jobclass.serve.schemas import (
    AnalysisRecord,
    BatchIn,
    BatchOut,
    Health,
    PostingIn,
    Problem,
    ValidationProblem,
)
from jobclass.serve.worker import AnalysisWorker
from jobclass.text import Posting, decode_posting, posting_from_text

MODEL_VARIABLE, KEY_VARIABLE = "JOBCLASS_SERVE_MODEL", "JOBCLASS_API_KEY"
BODY_LIMITS = {"/v1/analyse/batch": 10 * MB}  # every other route: 1 MB
# Headers of every HTML page: the page's own policy (report.page) plus what only a header can say.
HTML_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
PROBLEMS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "Unusable text (empty, binary, too long), with the CLI's reason"},
    413: {"model": Problem, "description": "Body over the limit (1 MB; 10 MB for a batch)"},
    422: {"model": ValidationProblem, "description": "Malformed JSON, or a missing or mistyped field"},
}
AUTH_PROBLEM: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "No or wrong API key"}
}
DESCRIPTION = (
    "Classify ML/data job postings into ml_engineer, data_scientist, ml_scientist or ai_scientist, with the "
    "skills they ask for and the framing check. Postings are neither stored nor logged."
)


def posting_of(text: str, title: str | None, source: str) -> Posting:
    """The posting the CLI would read from this text: the same checks, the same one-line reasons."""
    decoded = decode_posting(text.encode("utf-8", "surrogatepass"), source)
    return posting_from_text(decoded, source, title or None)


def file_posting(data: bytes, name: str, title: str | None) -> Posting:
    """The posting `jobclass report FILE` reads from a file's bytes."""
    return posting_from_text(decode_posting(data, name), name, title)


def source_of(item: PostingIn) -> str:
    return "<text>" if item.id is None else str(item.id)


def html(content: str, status_code: int = 200) -> HTMLResponse:
    return HTMLResponse(content, status_code, headers=HTML_HEADERS)


def analysis_worker(request: Request) -> AnalysisWorker:
    return request.app.state.worker


Worker = Annotated[AnalysisWorker, Depends(analysis_worker)]
bearer = HTTPBearer(auto_error=False, description="The server's API key (`jobclass serve --api-key`).")


def digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8")).digest()


async def require_api_key(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> None:
    """401 unless the request carries `Authorization: Bearer KEY` (compared in constant time)."""
    given = credentials.credentials if credentials else ""
    if not hmac.compare_digest(digest(given), request.app.state.api_key_digest):
        raise HTTPException(
            401, "missing or wrong API key: send Authorization: Bearer KEY", {"WWW-Authenticate": "Bearer"}
        )


api = APIRouter(prefix="/v1", tags=["api"])
web = APIRouter(tags=["web page"])


@api.post("/analyse", response_model=AnalysisRecord, responses=PROBLEMS, summary="Analyse one posting")
async def analyse_one(posting: PostingIn, worker: Worker) -> dict:
    """The `jobclass predict --json` record of one posting: label, probabilities, terms, skills, degree,
    years, profile fits and framing; `source` is your `id` (or `<text>`).
    """
    _, analysis = await worker.analyse(partial(posting_of, posting.text, posting.title, source_of(posting)))
    return analysis.to_dict()


@api.post(
    "/analyse/batch",
    response_model=BatchOut,
    responses={code: PROBLEMS[code] for code in (413, 422)},  # an unusable posting is its own result's error
    summary="Analyse up to 1,000 postings",
)
async def analyse_batch(batch: BatchIn, worker: Worker) -> dict:
    """One result per posting, in order: `{"id", "record"}`, or `{"id", "error"}` with the one-line reason
    a posting could not be analysed (empty, binary, too long); the others are analysed regardless."""
    reads = [partial(posting_of, item.text, item.title, source_of(item)) for item in batch.postings]
    outcomes = await asyncio.gather(*(worker.analyse(read) for read in reads), return_exceptions=True)
    results = []
    for item, outcome in zip(batch.postings, outcomes, strict=True):
        if isinstance(outcome, InputError):
            results.append({"id": item.id, "record": None, "error": str(outcome)})
        elif isinstance(outcome, BaseException):
            raise outcome  # not the posting's fault: a 500, as for a single posting
        else:
            results.append({"id": item.id, "record": outcome[1].to_dict(), "error": None})
    return {"results": results}


@api.get("/profiles", response_model=list[dict[str, Any]], summary="The role profiles")
async def profiles() -> list[dict]:
    """The four role profiles the framing check uses (what `jobclass profiles --json` prints)."""
    return [profile.to_dict() for profile in load_profiles()]


@web.get("/", response_class=HTMLResponse, summary="The web page: a form for one posting")
async def form() -> HTMLResponse:
    return html(form_page())


@web.post(
    "/report", response_class=HTMLResponse, summary="The evidence report of the posting sent by the form"
)
async def report(
    worker: Worker,
    title: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    """Form fields `title`, `text` and `file` (multipart/form-data); a file, when given, is read instead of
    the text, exactly as `jobclass report FILE` reads it."""
    if file is not None and file.filename:
        read = partial(file_posting, await file.read(), file.filename, title.strip() or None)
    else:
        read = partial(posting_of, text, title.strip(), "pasted text")
    try:
        posting, analysis = await worker.analyse(read)
    except InputError as err:
        return html(form_page(title, text, str(err)), 400)
    page = await run_in_threadpool(
        lambda: result_page(report_html(posting.text, analysis), analysis.to_dict())
    )
    return html(page)


@web.get("/docs", response_class=HTMLResponse, summary="This API documentation, as a page")
async def docs(request: Request) -> HTMLResponse:
    return html(api_docs_page(request.app.openapi()))


def one_line(errors: list[dict]) -> str:
    """The first validation problem in one line, naming its field."""
    first = errors[0]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    if first["type"] == "json_invalid":
        reason = first["ctx"]["error"].removesuffix(" at")  # "Unterminated string starting at"
        return f"the body is not valid JSON: {reason} at character {first['loc'][-1]}{more}"
    where = ".".join(str(part) for part in first["loc"][1:]) or "body"
    hint = " (send a JSON object with Content-Type: application/json)" if where == "body" else ""
    return f"{where}: {first['msg']}{hint}{more}"


async def validation_problem(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = list(exc.errors())  # without each error's `input`: postings are not echoed back
    listed = [{"loc": list(error["loc"]), "msg": error["msg"], "type": error["type"]} for error in errors]
    return JSONResponse({"detail": one_line(errors), "errors": listed}, status_code=422)


async def input_problem(request: Request, exc: InputError) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=400)


def create_app(model: Classifier | str | Path, api_key: str | None = None) -> FastAPI:
    """The app serving `model` (a loaded Classifier, or a model file loaded at start-up); with `api_key`,
    every /v1 call needs `Authorization: Bearer API_KEY`."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        classifier = model if isinstance(model, Classifier) else load_model(model)
        app.state.worker = AnalysisWorker(classifier)
        app.state.worker.warm_up()
        app.state.model_info = model_info(classifier)
        yield
        app.state.worker.close()

    app = FastAPI(
        title="jobclass",
        version=package_version("jobclass"),
        description=DESCRIPTION,
        docs_url=None,  # FastAPI's own pages load their scripts from a CDN; /docs is rendered here
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.api_key_digest = digest(api_key) if api_key else None
    app.add_middleware(BodyLimit, limits=BODY_LIMITS, default=MB)
    app.add_exception_handler(RequestValidationError, validation_problem)
    app.add_exception_handler(InputError, input_problem)
    if api_key:
        app.include_router(api, dependencies=[Depends(require_api_key)], responses=AUTH_PROBLEM)
    else:
        app.include_router(api)
    app.include_router(web)

    @app.get("/healthz", response_model=Health, tags=["health"], summary="Liveness, and the model served")
    async def healthz(request: Request) -> dict:
        return {
            "status": "ok",
            "jobclass": package_version("jobclass"),
            "model": request.app.state.model_info,
        }

    return app


def model_info(classifier: Classifier) -> dict:
    manifest = classifier.manifest
    return {
        "file": manifest.get("model_file", ""),
        "sha256": manifest.get("model_sha256", ""),
        "created_at": manifest.get("created_at", ""),
        "training_rows": manifest.get("training_data", {}).get("rows"),
    }


def app_from_environment() -> FastAPI:
    """The app of a worker process of `jobclass serve --workers N`, or of any ASGI server
    (`uvicorn --factory jobclass.serve:app_from_environment`): the model file in $JOBCLASS_SERVE_MODEL
    (default: the default model), the API key in $JOBCLASS_API_KEY."""
    model = os.environ.get(MODEL_VARIABLE) or ensure_default_model()
    return create_app(Path(model), os.environ.get(KEY_VARIABLE) or None)
