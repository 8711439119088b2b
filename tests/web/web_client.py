"""Helpers for the web app's tests: an app behind its guard, driven through Starlette's TestClient
(no socket), and the CSRF token of a page."""

from __future__ import annotations

import re
from pathlib import Path

from starlette.testclient import TestClient

from docgen.web.app import create_app

PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"


class Client(TestClient):
    token: str

    def csrf(self, path: str = "/s/patient") -> str:
        match = re.search(r'name="csrf" value="([^"]+)"', self.get(path).text)
        assert match is not None
        return match.group(1)

    def post_page(self, slug: str, fields: dict[str, str], action: str = "update", **kwargs: object) -> object:
        return self.post(f"/s/{slug}", data={"csrf": self.csrf(f"/s/{slug}"), "action": action, **fields}, **kwargs)  # type: ignore[arg-type]


def make_client(case_file: Path | None = None, *, signed_in: bool = True) -> Client:
    app, token = create_app(case_file, port=PORT)
    client = Client(app, base_url=BASE)
    client.token = token
    if signed_in:
        response = client.get(f"/?token={token}", follow_redirects=False)
        assert response.status_code == 303
    return client

