"""Import and export pages (/nhap-xuat/): template download, upload with dry run, error table and
error workbook, progress while a file is judged, and the scoped export."""

from __future__ import annotations

import io
import os
import secrets
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from tochuc.accounts import scoping
from tochuc.accounts.access import log_access
from tochuc.core.views import require
from tochuc.imports.exporter import XLSX_CONTENT_TYPE, export_workbook, unit_scope
from tochuc.imports.importer import BLOCKING, LEVEL_LABELS, Importer
from tochuc.imports.reader import WEB_LIMITS
from tochuc.imports.report import write_error_report
from tochuc.imports.template import write_template
from tochuc.units.models import Unit

MAX_UPLOAD = 20 * 1024 * 1024  # bytes of .xlsx; the zip limits then bound what it unpacks to
REPORT_TTL = 3600  # seconds an error workbook stays downloadable
MSG_NO_FILE = "Chọn một tệp .xlsx để nhập"
MSG_TOO_LARGE = "Tệp lớn hơn {mb} MB: hãy chia nhỏ, hoặc nhờ quản trị viên nhập bằng dòng lệnh"


def upload_dir() -> Path:
    """Private working directory for uploads, outside the web root (SECURITY.md D8)."""
    path = Path(getattr(settings, "TOCHUC_IMPORT_DIR", "") or Path(tempfile.gettempdir()) / "tochuc-imports")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def report_dir() -> Path:
    path = upload_dir() / "reports"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def _progress_key(request: HttpRequest, token: str) -> str:
    return f"imports:progress:{request.user.pk}:{token}"


def _can_import(request: HttpRequest) -> bool:
    return any(scoping.allows(g.role, "import") for g in request.scope.grants)


def _roots(request: HttpRequest) -> list[Unit]:
    return list(Unit.objects.filter(pk__in=request.scope.root_unit_ids).order_by("code"))


def _attachment(content: bytes | io.BytesIO, filename: str, content_type: str = XLSX_CONTENT_TYPE) -> FileResponse:
    # FileResponse writes an RFC 6266 Content-Disposition (filename*=UTF-8'' when needed)
    stream = content if isinstance(content, io.BytesIO) else io.BytesIO(content)
    response = FileResponse(stream, as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    if request.scope.is_empty:
        raise PermissionDenied("Tài khoản chưa được phân quyền đơn vị nào")
    context = {"can_import": _can_import(request), "roots": _roots(request), "token": secrets.token_urlsafe(16), "max_mb": MAX_UPLOAD // (1024 * 1024)}
    if request.method == "POST":
        require(context["can_import"])
        context.update(_run_import(request))
    return render(request, "imports/index.html", context)


def _run_import(request: HttpRequest) -> dict:
    upload = request.FILES.get("file")
    if upload is None:
        return {"form_error": MSG_NO_FILE}
    if upload.size > MAX_UPLOAD:
        return {"form_error": MSG_TOO_LARGE.format(mb=MAX_UPLOAD // (1024 * 1024))}
    token = request.POST.get("token", "")[:40] or secrets.token_urlsafe(16)
    key = _progress_key(request, token)

    def progress(stage: str, done: int, total: int | None) -> None:
        cache.set(key, {"stage": stage, "done": done, "total": total}, 600)

    fd, name = tempfile.mkstemp(prefix="upload-", dir=upload_dir())
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        importer = Importer(
            by=request.user, scope=request.scope, dry_run=bool(request.POST.get("dry_run")),
            confirm_all=bool(request.POST.get("confirm_all")), limits=WEB_LIMITS, progress=progress,
        )
        outcome = importer.run(path)
        report = ""
        if outcome.problems:
            report = _keep_report(request, path, outcome.problems)
    finally:
        path.unlink(missing_ok=True)
        cache.delete(key)
    rows = [
        {"level": p.level, "level_label": LEVEL_LABELS[p.level], "sheet": p.sheet_label, "row": p.row or "", "column": p.column_label, "value": p.value, "message": p.message}
        for p in outcome.problems
    ]
    return {
        "outcome": outcome,
        "problems": rows,
        "blocking_count": len([p for p in outcome.problems if p.level in BLOCKING]),
        "report": report,
        "filename": upload.name,
    }


def _keep_report(request: HttpRequest, source: Path, problems) -> str:
    folder = report_dir()
    now = time.time()
    for old in folder.glob("*.xlsx"):
        if now - old.stat().st_mtime > REPORT_TTL:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(12)
    with open(folder / f"{request.user.pk}-{token}.xlsx", "wb") as fh:
        write_error_report(source, WEB_LIMITS, problems, fh)
    return token


@login_required
@require_GET
def error_report(request: HttpRequest, token: str) -> FileResponse:
    if not token.replace("-", "").replace("_", "").isalnum():
        raise Http404
    path = report_dir() / f"{request.user.pk}-{token}.xlsx"
    if not path.is_file():
        raise Http404("Báo cáo lỗi không còn")
    return _attachment(path.read_bytes(), "loi-nhap-du-lieu.xlsx")


@login_required
@require_GET
def progress(request: HttpRequest, token: str) -> JsonResponse:
    state = cache.get(_progress_key(request, token)) or {}
    return JsonResponse(state)


@login_required
@require_GET
def template(request: HttpRequest) -> FileResponse:
    out = io.BytesIO()
    write_template(out)
    out.seek(0)
    return _attachment(out, "mau-nhap-du-lieu-tochuc.xlsx")


@login_required
@require_GET
def export(request: HttpRequest) -> FileResponse:
    roots = _roots(request)
    code = request.GET.get("unit") or (roots[0].code if roots else "")
    unit = scoping.get_unit(request.scope, code)
    role = scoping.role_for_unit(request.scope, unit)
    # The round-trip workbook carries full ID numbers, which only specialists may see (E7).
    require(scoping.allows(role, "import"))
    out = io.BytesIO()
    result = export_workbook(unit_scope(unit, role, request.user.pk), out)
    log_access(request, action="export", obj=unit, rows=result.rows, sha256=result.sha256, format="xlsx")
    out.seek(0)
    day = timezone.localdate().strftime("%Y%m%d")
    return _attachment(out, f"tochuc-{unit.code}-{day}.xlsx")
