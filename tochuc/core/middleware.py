"""The security checks every request passes, in one middleware (SECURITY.md A3-A8, C5, E3, G2, G3).

Runs after authentication and scoping. Before the view: session lifetime (idle 15 min,
administrators 5, absolute 8 h), the second factor where policy requires it, a forced password
change, and rate limits on expensive work. After it: refusals (403/404 on a route) and reads of
a person's record go to the reading register; security headers; a generic 500 page carrying a
correlation id that is also in the log.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse

from tochuc.accounts import auth
from tochuc.accounts.access import log_access, log_auth
from tochuc.accounts.ratelimit import classify, hit, refusal

logger = logging.getLogger("tochuc.security")

# Content-Security-Policy: no foreign or injected script, no plugins, no framing, no <base> games.
# An inline <script> runs only with the request's nonce: `<script nonce="{{ request.csp_nonce }}">`.
CSP = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
# Routes reachable while a second factor or a new password is still owed.
OPEN_ROUTES = {"core:health"}
OPEN_NAMESPACES = {"accounts"}
# URL keyword arguments that name a person: a successful GET on them is a read of a personal record.
PERSON_KWARGS = ("person_id", "person_pk", "person")
PERSON_NAMESPACES = {"people", "cadres"}

MSG_BUSY = "Hệ thống đang bận ghi dữ liệu. Vui lòng thử lại sau ít giây."


def _is_open(match) -> bool:
    return match is not None and (match.namespace in OPEN_NAMESPACES or match.view_name in OPEN_ROUTES)


class SecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.correlation_id = uuid.uuid4().hex[:16]  # type: ignore[attr-defined]
        request.csp_nonce = secrets.token_urlsafe(16)  # type: ignore[attr-defined]
        response = self.get_response(request)
        self._log_outcome(request, response)
        if getattr(request, "failed_with", None) and response.status_code >= 500:
            response = self._generic_error(request)
        response["X-Request-ID"] = request.correlation_id
        response.setdefault("Content-Security-Policy", CSP.format(nonce=request.csp_nonce))
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # Personal records must not linger in shared browsers or proxies (ASVS 14.3.2).
            response.setdefault("Cache-Control", "no-store")
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        match = request.resolver_match
        roles = {g.role for g in request.scope.grants} if hasattr(request, "scope") else None
        expired = auth.session_expired(request.session, user, roles)
        if expired:
            log_auth(action="auth.timeout", request=request, user=user, reason=expired)
            logout(request)
            return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}")
        if not _is_open(match):
            if auth.needs_second_factor(user, roles) and not _verified(user):
                return redirect(f"{reverse('accounts:otp')}?{urlencode({'next': request.get_full_path()})}")
            if auth.password_change_due(user, roles):
                return redirect("accounts:password_change")
        kind = classify(request)
        if kind:
            allowed, retry = hit(user, kind)
            if not allowed:
                log_access(request, action=f"limit.{kind}", result="denied")
                return refusal(request, retry)
        return None

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, OperationalError) and "locked" in str(exception).lower():
            # A writer holds the SQLite lock past the busy timeout: say so, never hang (G3).
            logger.warning("database locked", extra={"correlation_id": request.correlation_id})
            response = HttpResponse(MSG_BUSY, status=503, content_type="text/plain; charset=utf-8")
            response["Retry-After"] = "5"
            return response
        if not isinstance(exception, Http404 | PermissionDenied):
            request.failed_with = type(exception).__name__  # type: ignore[attr-defined]
            logger.error(
                "unhandled exception",
                exc_info=exception,
                extra={"correlation_id": request.correlation_id, "path": request.path, "method": request.method},
            )
        return None

    def _log_outcome(self, request: HttpRequest, response: HttpResponse) -> None:
        user = getattr(request, "user", None)
        match = getattr(request, "resolver_match", None)
        if user is None or not user.is_authenticated or match is None or getattr(request, "access_logged", False):
            return
        target = {k: str(v) for k, v in match.kwargs.items()}
        if response.status_code in (403, 404):
            # Refused attempts go to the reading register whoever refused them (E3).
            log_access(
                request,
                action="denied",
                object_type=match.view_name[:64],
                object_id=",".join(target.values())[:64],
                result="denied",
                method=request.method,
                status=response.status_code,
            )
        elif request.method == "GET" and response.status_code == 200 and match.namespace in PERSON_NAMESPACES:
            person = next((target[k] for k in PERSON_KWARGS if k in target), None)
            if person is None and match.namespace == "people" and "pk" in target:
                person = target["pk"]
            if person is not None:
                log_access(request, action="view", object_type="people.person", object_id=person, route=match.view_name)

    def _generic_error(self, request: HttpRequest) -> HttpResponse:
        body = render_to_string("accounts/server_error.html", {"correlation_id": request.correlation_id})
        return HttpResponse(body, status=500)


def _verified(user) -> bool:
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified()) if callable(is_verified) else False
