"""What stands between the app and anything but the person who started it, as one ASGI layer:

- the Host header must be 127.0.0.1:PORT or localhost:PORT (a page elsewhere cannot reach the app
  through a name it points at 127.0.0.1: DNS rebinding);
- every request carries the session's cookie, which only the link printed at start gives
  (``/?token=...``, once: the cookie is HttpOnly and SameSite=Strict, and the token leaves the
  address bar at once);
- a request body is at most ``MAX_BODY`` bytes (a case file's limit, with room for the form);
- pages may load nothing from elsewhere (Content-Security-Policy), are never framed or cached,
  and send no referrer elsewhere;
- an unexpected failure is a plain 500 page and one log line with the error's type, never its
  text or a traceback (either could quote the case).

Form posts are checked for their CSRF token where the form is read (docgen.web.app).
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Callable
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from docgen.case.loading import MAX_BYTES

COOKIE = "docgen_session"
#: A case file's limit, and room for the rest of a form around an uploaded file.
MAX_BODY = MAX_BYTES + 256 * 1024

HEADERS = [
    (b"content-security-policy", b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                                 b"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),  # no-referrer would make a browser send "Origin: null"
    (b"cache-control", b"no-store"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]

log = logging.getLogger("docgen.web")


class _TooLarge(Exception):
    pass


class Guard:
    """The ASGI layer around the app (see the module's docstring)."""

    def __init__(self, app: ASGIApp, *, port: int, token: str, new_session: Callable[[], str],
                 has_session: Callable[[str], bool]) -> None:
        self.app = app
        self.port = port
        self.token = token
        self.new_session = new_session
        self.has_session = has_session

    def allowed_hosts(self) -> set[bytes]:
        return {f"127.0.0.1:{self.port}".encode(), f"localhost:{self.port}".encode()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "lifespan":
                await self.app(scope, receive, send)
            return
        started = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = list(message.get("headers", [])) + HEADERS
            await send(message)

        try:
            await self._handle(scope, receive, guarded_send)
        except _TooLarge:
            if not started:
                await _plain(guarded_send, 413, "That is more than docgen takes at once (5 MiB).")
        except Exception as error:  # a defect: never its text or traceback, which could quote the case
            log.error("internal error (%s) on %s %s", type(error).__name__, scope.get("method"), scope.get("path"))
            if not started:
                await _plain(guarded_send, 500, f"Something went wrong inside docgen ({type(error).__name__}). "
                                                "Your case is still here: go back and try again.")

    async def _handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers", []))
        if headers.get(b"host") not in self.allowed_hosts():
            await _plain(send, 400, "This address is not docgen's. Open the link docgen printed when it started.")
            return
        origin = headers.get(b"origin")
        if origin is not None and origin not in {b"http://" + host for host in self.allowed_hosts()}:
            await _plain(send, 403, "A page from elsewhere cannot send anything to docgen.")
            return
        session = _cookie(headers.get(b"cookie", b""))
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        offered = (query.get("token") or [""])[0]
        if offered:
            if not hmac.compare_digest(offered.encode(), self.token.encode()):
                await _plain(send, 403, "That link is out of date. Open the link docgen printed when it started.")
                return
            if session is None or not self.has_session(session):
                session = self.new_session()
            cookie = f"{COOKIE}={session}; HttpOnly; SameSite=Strict; Path=/"
            await send({"type": "http.response.start", "status": 303,
                        "headers": [(b"location", scope.get("path", "/").encode() or b"/"),
                                    (b"set-cookie", cookie.encode()), (b"content-length", b"0")]})
            await send({"type": "http.response.body", "body": b""})
            return
        if session is None or not self.has_session(session):
            await _plain(send, 403, "Open docgen from the link it printed when it started "
                                    "(it begins http://127.0.0.1 and ends with ?token=...).")
            return
        scope.setdefault("state", {})["session_id"] = session
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            await _plain(send, 413, "That is more than docgen takes at once (5 MiB).")
            return
        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > MAX_BODY:
                    raise _TooLarge
            return message

        await self.app(scope, counted_receive, send)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def _cookie(header: bytes) -> str | None:
    cookies: SimpleCookie = SimpleCookie()
    try:
        cookies.load(header.decode("latin-1"))
    except Exception:  # a malformed cookie header is no session
        return None
    morsel = cookies.get(COOKIE)
    return morsel.value if morsel is not None else None


async def _plain(send: Send, status: int, text: str) -> None:
    body = (f"<!doctype html><html lang=en><meta charset=utf-8><title>docgen</title>"
            f"<p>{text}</p></html>").encode()
    headers: list[Any] = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
