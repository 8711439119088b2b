"""The local web app: one page per section of the case file, imports, previews and downloads.

``create_app`` builds it around one case file (or none); docgen.web.server runs it on 127.0.0.1.
Every page is rendered on the server from docgen.web.templates with its own jinja2 environment
(autoescaped; the document templates' environment is not used); the small script in
docgen/web/static only saves a page as it is filled in and refreshes the preview.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import re
import secrets
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.applications import Starlette
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartParser
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from docgen.case.loading import MAX_BYTES
from docgen.documents import DOCUMENTS, document_kind
from docgen.errors import DocgenError
from docgen.intake.case_document import CaseDocument
from docgen.web.forms import Messages, build_view, field_id, read_section
from docgen.web.preview import RENDER_LOCK
from docgen.web.security import Guard, new_token
from docgen.web.session import PendingImport, Session
from docgen.web.sections import SECTIONS, SIGNS, Section, section_named, section_of

#: An upload is kept in memory (Starlette would spool one over 1 MiB to a temporary file on disk).
MultiPartParser.spool_max_size = MAX_BYTES + 1

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
_SUFFIXES = {"doses": (".csv", ".tsv", ".txt", ".xlsx", ".xlsm"), "symptoms": (".csv", ".tsv", ".txt", ".xlsx", ".xlsm"),
             "fhir": (".json", ".ndjson")}


@dataclass
class AppState:
    """What the app holds: its sessions, and the case file it was opened with."""

    target: Path | None
    sessions: dict[str, Session] = field(default_factory=dict)

    def new_session(self) -> str:
        identifier = secrets.token_urlsafe(32)
        document = CaseDocument.load(self.target) if self.target is not None else CaseDocument.new("case.yaml")
        self.sessions[identifier] = Session(document, self.target)
        return identifier

    def has_session(self, identifier: str) -> bool:
        return identifier in self.sessions


def page_environment() -> Environment:
    """The web pages' own jinja2 environment: HTML-escaped, and a missing value is an error."""
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    environment.globals.update(sections=SECTIONS, field_id=field_id, signs=SIGNS)
    return environment


def create_app(case_file: Path | None = None, *, port: int, token: str | None = None) -> tuple[Guard, str]:
    """The app (behind its guard) and the token of the link that opens it."""
    state = AppState(case_file)
    if case_file is not None:
        CaseDocument.load(case_file)  # a case file that cannot be opened fails now, with its message
    token = token or new_token()
    pages = _Pages(state, page_environment())
    routes = [
        Route("/", pages.overview),
        Route("/s/{slug}", pages.section, methods=["GET", "POST"]),
        Route("/import", pages.import_page, methods=["GET", "POST"]),
        Route("/import/accept", pages.import_accept, methods=["POST"]),
        Route("/import/discard", pages.import_discard, methods=["POST"]),
        Route("/preview", pages.preview),
        Route("/preview/{name}/{page:int}.png", pages.preview_image),
        Route("/download/packet.zip", pages.download_packet),
        Route("/download/case.yaml", pages.download_case),
        Route("/download/{name}.{format}", pages.download_document),
        Route("/save", pages.save, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: pages.http_error, Exception: pages.defect})
    return Guard(app, port=port, token=token, new_session=state.new_session, has_session=state.has_session), token


class _Pages:
    def __init__(self, state: AppState, environment: Environment) -> None:
        self.state = state
        self.environment = environment

    # -- helpers -----------------------------------------------------------------------------------

    def session(self, request: Request) -> Session:
        identifier = request.scope.get("state", {}).get("session_id")
        session = self.state.sessions.get(identifier) if isinstance(identifier, str) else None
        if session is None:
            raise HTTPException(403)
        return session

    def render(self, request: Request, template: str, session: Session, status: int = 200, **context: Any) -> HTMLResponse:
        notice, session.notice = session.notice, None
        check = session.check()
        context.setdefault("current", "")
        html = self.environment.get_template(template).render(
            session=session, notice=notice, check=check, target=session.target.name if session.target else None,
            target_path=str(session.target) if session.target else None,
            problem_count=len(session.errors()), path=request.url.path, **context)
        return HTMLResponse(html, status_code=status)

    async def form(self, request: Request, session: Session, *, upload: bool = False) -> FormData:
        if upload:
            form = await request.form(max_files=1, max_fields=50, max_part_size=64 * 1024)
        else:
            form = await request.form(max_files=0, max_fields=200_000, max_part_size=1024 * 1024)
        offered = request.headers.get("x-csrf-token") or form.get("csrf")
        if not isinstance(offered, str) or not hmac.compare_digest(offered.encode(), session.csrf.encode()):
            await form.close()
            raise HTTPException(403, "This form has expired. Reload the page and try again.")
        return form

    async def http_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        messages = {403: "Not allowed.", 404: "There is no such page in docgen.", 405: "Not allowed.",
                    409: "Not yet.", 413: "That is more than docgen takes at once (5 MiB)."}
        from http import HTTPStatus

        standard = HTTPStatus(exc.status_code).phrase if exc.status_code in {status.value for status in HTTPStatus} else ""
        text = exc.detail if exc.detail and exc.detail != standard else messages.get(exc.status_code, standard)
        html = self.environment.get_template("message.html").render(title="docgen", message=text, sections=SECTIONS)
        return HTMLResponse(html, status_code=exc.status_code)

    async def defect(self, request: Request, exc: Exception) -> Response:
        """A defect: its type only (its text could quote the case); the guard logs the same."""
        html = self.environment.get_template("message.html").render(
            title="docgen", message=f"Something went wrong inside docgen ({type(exc).__name__}). Your case is still "
                                    "here: go back and try again.", sections=SECTIONS)
        return HTMLResponse(html, status_code=500)

    # -- pages -------------------------------------------------------------------------------------

    async def overview(self, request: Request) -> Response:
        session = self.session(request)
        with session.lock:
            errors = session.errors()
            counts = {section.slug: sum(1 for path in errors if section_of(path) is section) for section in SECTIONS}
            other = [(path, message) for path, message in errors.items() if section_of(path) is None]
            summaries = {section.slug: _summary(section, session.document) for section in SECTIONS}
            return self.render(request, "overview.html", session, current="overview", counts=counts, other=other,
                               summaries=summaries)

    async def section(self, request: Request) -> Response:
        session = self.session(request)
        section = section_named(request.path_params["slug"])
        if section is None:
            raise HTTPException(404)
        if request.method == "POST":
            form = await self.form(request, session)
            return self._post_section(request, session, section, form)
        with session.lock:
            return self._show_section(request, session, section)

    def _show_section(self, request: Request, session: Session, section: Section, status: int = 200) -> Response:
        errors = session.errors()
        messages = Messages(errors, session.picks(), session.understood, session.blank_rows)
        views = build_view(section, session.document, messages)
        mine = [(path, message) for path, message in errors.items() if section_of(path) is section]
        just_posted, session.just_posted = session.just_posted == section.slug, None
        index = SECTIONS.index(section)
        following = SECTIONS[index + 1] if index + 1 < len(SECTIONS) else None
        return self.render(request, "section.html", session, status, current=section.slug, section=section,
                           views=views, section_errors=mine, following=following, just_posted=just_posted,
                           preview=self._preview_pages(session, section.preview))

    def _post_section(self, request: Request, session: Session, section: Section, form: FormData) -> Response:
        values = {key: value for key, value in form.multi_items() if isinstance(value, str)}
        action = values.pop("action", "update")
        values.pop("csrf", None)
        with session.lock:
            reading = read_section(section, session.document, values, today=session.options().today, action=action)
            session.posted(section, reading)
            if request.headers.get("accept", "").startswith("application/json"):
                errors = session.errors()
                picks = session.picks()
                ids = {field_id(reading.form_path(path)): message for path, message in errors.items()
                       if section_of(path) is section}
                choices = {field_id(reading.form_path(path)): [list(pair) for pair in pair_list]
                           for path, pair_list in picks.items() if section_of(path) is section}
                understood = {field_id(reading.form_path(path)): text for path, text in session.understood.items()
                              if section_of(path) is section}
                preview = self.environment.get_template("_preview.html").render(
                    preview=self._preview_pages(session, section.preview), check=session.check())
                count = len(ids)
                return JSONResponse({
                    "errors": ids, "picks": choices, "understood": understood,
                    "rows": sorted(set(reading.entries.values())), "preview": preview, "revision": session.revision,
                    "status": "Updated." + (f" {count} problem{'s' if count != 1 else ''} on this page." if count else
                                            " No problems on this page."),
                })
            session.just_posted = section.slug
            if action == "save-file" and session.target is not None:
                self._save(session)
            anchor = ""
            if action.startswith("add:") and reading.added is not None:
                anchor = "#" + field_id(reading.added)
            elif action.startswith("pick:"):
                anchor = "#" + field_id(action[len("pick:"):].split("=", 1)[0])
            destination = f"/s/{section.slug}"
            if action == "next":
                index = SECTIONS.index(section)
                has_errors = any(section_of(path) is section for path in session.errors())
                if not has_errors:
                    destination = f"/s/{SECTIONS[index + 1].slug}" if index + 1 < len(SECTIONS) else "/preview"
            return RedirectResponse(destination + anchor, status_code=303)

    def _preview_pages(self, session: Session, name: str) -> dict[str, Any]:
        """The preview beside a page: which document, its pages' images, or why there are none."""
        kind = document_kind(name)
        checked = session.preview_case()
        result: dict[str, Any] = {"name": name, "title": kind.title, "pages": 0, "revision": 0,
                                  "missing": None, "stale": False, "empty": checked is None}
        if checked is None or checked.case is None:
            return result
        result["stale"] = checked.revision != session.revision
        result["revision"] = checked.revision
        missing = kind.missing(checked.case)
        if missing is not None:
            result["missing"] = missing
            return result
        if kind.title_for is not None:  # the GDPR's own title, for a clinic in the EU, EEA or UK
            result["title"] = kind.title_for(checked.case)
        try:
            result["pages"] = session.previews.page_count(checked.revision, checked.case, name, session.options())
        except DocgenError as error:
            result["missing"] = str(error)
        return result

    async def preview(self, request: Request) -> Response:
        session = self.session(request)
        with session.lock:
            documents = [self._preview_pages(session, kind.name) for kind in DOCUMENTS]
            return self.render(request, "preview.html", session, current="preview", documents=documents)

    async def preview_image(self, request: Request) -> Response:
        session = self.session(request)
        name, number = request.path_params["name"], request.path_params["page"]
        if name not in {kind.name for kind in DOCUMENTS}:
            raise HTTPException(404)
        with session.lock:
            checked = session.preview_case()
            if checked is None or checked.case is None or document_kind(name).missing(checked.case) is not None:
                raise HTTPException(404)
            try:
                image = session.previews.page_png(checked.revision, checked.case, name, number, session.options())
            except DocgenError as error:
                raise HTTPException(409, str(error)) from None
        if image is None:
            raise HTTPException(404)
        return Response(image, media_type="image/png")

    # -- downloads ---------------------------------------------------------------------------------

    def _valid_case(self, session: Session) -> Any:
        check = session.check()
        if check.case is None:
            raise HTTPException(409, "The case has problems to put right first; each page lists its own.")
        return check.case

    async def download_document(self, request: Request) -> Response:
        session = self.session(request)
        name, output_format = request.path_params["name"], request.path_params["format"]
        if name not in {kind.name for kind in DOCUMENTS} or output_format not in ("pdf", "docx"):
            raise HTTPException(404)
        with session.lock:
            case = self._valid_case(session)
            from docgen.pipeline import generate

            try:
                with RENDER_LOCK:
                    data = generate(case, name, output_format, session.options())
            except DocgenError as error:
                raise HTTPException(409, str(error)) from None
        return _attachment(data, f"{name}.{output_format}")

    async def download_packet(self, request: Request) -> Response:
        session = self.session(request)
        with session.lock:
            case = self._valid_case(session)
            from docgen.pipeline import CHECKSUMS, available_documents, generate

            options = session.options()
            stamp = (options.today.year, options.today.month, options.today.day, 0, 0, 0)
            stream = io.BytesIO()
            sums = []
            with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
                for name in available_documents(case, options):
                    for output_format in ("pdf", "docx"):
                        with RENDER_LOCK:
                            data = generate(case, name, output_format, options)
                        file_name = f"{name}.{output_format}"
                        archive.writestr(zipfile.ZipInfo(f"docgen-packet/{file_name}", stamp), data,
                                         zipfile.ZIP_DEFLATED)
                        sums.append(f"{hashlib.sha256(data).hexdigest()}  {file_name}\n")
                archive.writestr(zipfile.ZipInfo(f"docgen-packet/{CHECKSUMS}", stamp), "".join(sums))
        return _attachment(stream.getvalue(), "docgen-packet.zip")

    async def download_case(self, request: Request) -> Response:
        session = self.session(request)
        with session.lock:
            text = session.document.to_text()
        name = session.target.name if session.target is not None else "case.yaml"
        return _attachment(text.encode("utf-8"), name if name.endswith((".yaml", ".yml")) else "case.yaml",
                           "application/yaml")

    async def save(self, request: Request) -> Response:
        session = self.session(request)
        form = await self.form(request, session)
        back = form.get("next")
        with session.lock:
            if session.target is None:
                raise HTTPException(404)
            self._save(session)
        destination = back if isinstance(back, str) and re.fullmatch(r"/[A-Za-z0-9/_-]*", back) else "/"
        return RedirectResponse(destination, status_code=303)

    def _save(self, session: Session) -> None:
        try:
            written = session.save()
            session.notice = f"Saved to {written}."
        except DocgenError as error:
            problems = len(session.errors())
            session.notice = (f"Not saved: the case has {problems} problem{'s' if problems != 1 else ''} to put "
                              "right first (each page lists its own); the file is as it was."
                              if problems else f"Not saved: {error}")

    # -- imports -----------------------------------------------------------------------------------

    async def import_page(self, request: Request) -> Response:
        session = self.session(request)
        if request.method == "GET":
            with session.lock:
                return self.render(request, "import.html", session, current="import", error=None)
        form = await self.form(request, session, upload=True)
        try:
            return await self._import(request, session, form)
        finally:
            await form.close()

    async def _import(self, request: Request, session: Session, form: FormData) -> Response:
        upload = form.get("file")
        kind = str(form.get("kind") or "")
        if kind not in _SUFFIXES:
            raise HTTPException(400, "Choose what the file is: a dose log, a symptom diary or a FHIR export.")
        if not isinstance(upload, UploadFile) or not upload.filename:
            with session.lock:
                return self.render(request, "import.html", session, 400, current="import",
                                   error="Choose a file to import.")
        data = await upload.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise HTTPException(413)
        file_name = _safe_name(upload.filename, _SUFFIXES[kind])
        with session.lock:
            try:
                report = _run_import(kind, data, file_name, form, session)
            except (DocgenError, ValueError) as error:
                return self.render(request, "import.html", session, 400, current="import", error=str(error))
            session.pending = PendingImport(kind, report)
            return self.render(request, "import_report.html", session, current="import", report=report)

    async def import_accept(self, request: Request) -> Response:
        session = self.session(request)
        await self.form(request, session)
        with session.lock:
            pending = session.accept_import()
            if pending is not None:
                added = len(pending.report.added)
                session.notice = f"Imported {added} entr{'y' if added == 1 else 'ies'} from {pending.report.source}."
        return RedirectResponse("/", status_code=303)

    async def import_discard(self, request: Request) -> Response:
        session = self.session(request)
        await self.form(request, session)
        with session.lock:
            session.pending = None
            session.notice = "Nothing was imported."
        return RedirectResponse("/import", status_code=303)


def _run_import(kind: str, data: bytes, file_name: str, form: FormData, session: Session) -> Any:
    """Import the uploaded file into a copy of the case (the importers read files: it is written to
    a private temporary folder, in memory where the system has one, and removed at once)."""
    from docgen.intake.date_text import DateOrder

    order = {"day-first": DateOrder.DAY_FIRST, "month-first": DateOrder.MONTH_FIRST}.get(
        str(form.get("order") or ""), DateOrder.UNAMBIGUOUS)
    memory = Path("/dev/shm")
    folder = str(memory) if memory.is_dir() and _writable(memory) else None
    with tempfile.TemporaryDirectory(prefix="docgen-import-", dir=folder) as temporary:
        path = Path(temporary) / file_name
        path.write_bytes(data)
        path.chmod(0o600)
        if kind == "fhir":
            from docgen.intake.fhir_import import import_fhir_export

            return import_fhir_export(path, None if session.is_empty() else session.working_copy())
        if kind == "doses":
            from docgen.intake.log_import import DoseLogOptions, import_dose_log

            tablet = str(form.get("tablet_mg") or "").strip()
            try:
                tablet_mg = float(tablet) if tablet else None
            except ValueError:
                raise ValueError(f"'{tablet}' is not a tablet strength; expected mg, such as 0.5") from None
            drug = str(form.get("drug") or "").strip() or None
            return import_dose_log(path, session.working_copy(), DoseLogOptions(drug=drug, tablet_mg=tablet_mg, order=order))
        from docgen.intake.log_import import SymptomDiaryOptions, import_symptom_diary

        symptom = str(form.get("symptom") or "").strip() or None
        return import_symptom_diary(path, session.working_copy(), SymptomDiaryOptions(symptom=symptom, order=order))


def _writable(folder: Path) -> bool:
    import os

    return os.access(folder, os.W_OK | os.X_OK)


def _safe_name(name: str, suffixes: tuple[str, ...]) -> str:
    base = re.sub(r"[^\w.-]+", "-", Path(name.replace("\\", "/")).name).strip(".-")[:80] or "upload"
    if not base.lower().endswith(suffixes):
        raise HTTPException(400, f"Expected a {' or '.join(suffixes)} file.")
    return base


def _attachment(data: bytes, name: str, media_type: str | None = None) -> Response:
    types = {"pdf": "application/pdf", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "zip": "application/zip"}
    media = media_type or types.get(name.rsplit(".", 1)[-1], "application/octet-stream")
    return Response(data, media_type=media, headers={"content-disposition": f'attachment; filename="{name}"'})


def _summary(section: Section, document: CaseDocument) -> str:
    """A few words on what a page holds so far."""
    data = document.data
    counts = {"care-team": ("clinicians", "person", "people"), "medications": ("medications", "medication", "medications"),
              "symptoms": ("symptoms", "symptom", "symptoms"), "events": ("events", "event", "events"),
              "fnd-exams": ("fnd_exams", "exam", "exams")}
    if section.slug in counts:
        key, one, many = counts[section.slug]
        entries = data.get(key)
        number = len(entries) if isinstance(entries, list) else 0
        return f"{number} {one if number == 1 else many}" if number else "nothing yet"
    if section.slug == "patient":
        patient = data.get("patient")
        name = patient.get("name") if isinstance(patient, dict) else None
        return str(name) if name else "nothing yet"
    key = "amendment" if section.slug == "amendment" else "therapist_letter"
    return "filled in" if data.get(key) else "not wanted yet"
