"""The browser app (web/, built into web/dist by `make web`) served by Django at `/`.

Every path that is not the API (`/api/`), a hospital's API (`/h/`) or collected static files answers with the
app: a file of the build when one exists at that path (hashed assets under /assets/ are cached for a year), else
index.html, so the app's own router handles deep links (/accounts?page=2). Before a build this answers 503 with
how to make one, in the API's error shape. In production a proxy or CDN may serve web/dist itself.
"""

import mimetypes
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from core.exceptions import error_response

_IMMUTABLE = "public, max-age=31536000, immutable"


def content_security_policy() -> str:
    """What the app's page may load: its own scripts only (tokens live in localStorage, so no injected script
    may run), inline styles (Element Plus sets style attributes), images also from object storage (presigned
    photo links). Downloads are navigations, which the policy does not restrict."""
    storage = (
        getattr(settings, "S3_PUBLIC_ENDPOINT_URL", None) or getattr(settings, "S3_ENDPOINT_URL", None) or ""
    )
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            f"img-src 'self' data: blob: {storage}".strip(),
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def _dist() -> Path:
    return Path(getattr(settings, "WEB_DIST_DIR", settings.ROOT_DIR / "web" / "dist")).resolve()


def _file(path: Path, cache_control: str) -> FileResponse:
    content_type, _encoding = mimetypes.guess_type(path.name)
    response = FileResponse(path.open("rb"), content_type=content_type or "application/octet-stream")
    response["Cache-Control"] = cache_control
    return response


def spa(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return error_response(405, "method_not_allowed", _("不允许的请求方法。"))
    dist = _dist()
    index = dist / "index.html"
    if not index.is_file():
        return error_response(
            503,
            "web_not_built",
            _("网页端尚未构建：请运行 make web（或在 web/ 目录执行 npm ci && npm run build）。"),
            error_type="server_error",
        )
    relative = request.path.lstrip("/")
    if relative:
        candidate = (dist / relative).resolve()
        # A file of the build, never anything outside it (../ in the path).
        if candidate.is_relative_to(dist) and candidate.is_file():
            immutable = candidate.is_relative_to(dist / "assets")
            return _file(candidate, _IMMUTABLE if immutable else "no-cache")
        if relative.startswith("assets/"):
            # A missing script must not get the HTML page (the browser would report a syntax error).
            return error_response(404, "not_found", _("未找到。"))
    response = _file(index, "no-cache")
    response["Content-Security-Policy"] = content_security_policy()
    return response
