"""The app answers only its own session, on its own address, to its own forms, and within the
case file's size limit; pages load nothing from elsewhere and no case text reaches a log."""

from __future__ import annotations

import logging

import pytest
from conftest import ROOT
from web_client import BASE, PORT, make_client

from docgen.case.loading import MAX_BYTES

SAMPLE = ROOT / "samples" / "bind-labelled-fnd.yaml"


def test_without_the_token_every_page_is_refused() -> None:
    with make_client(signed_in=False) as client:
        for path in ("/", "/s/patient", "/preview", "/download/case.yaml", "/static/app.css", "/nowhere"):
            response = client.get(path)
            assert response.status_code == 403, path
            assert "link it printed" in response.text


def test_a_wrong_token_is_refused_and_sets_no_cookie() -> None:
    with make_client(signed_in=False) as client:
        response = client.get("/?token=not-the-token", follow_redirects=False)
        assert response.status_code == 403
        assert "set-cookie" not in response.headers
        assert client.get("/").status_code == 403


def test_the_token_sets_a_strict_http_only_cookie_and_leaves_the_address() -> None:
    with make_client(signed_in=False) as client:
        response = client.get(f"/?token={client.token}", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/"
        cookie = response.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
        assert client.token not in cookie  # the session's own id, not the printed token
        assert client.get("/").status_code == 200


def test_a_forged_session_cookie_is_refused() -> None:
    with make_client(signed_in=False) as client:
        client.cookies.set("docgen_session", "made-up")
        assert client.get("/").status_code == 403


@pytest.mark.parametrize("host", ["evil.example", f"evil.example:{PORT}", f"127.0.0.1:{PORT + 1}", "127.0.0.1",
                                  f"localhost.evil.example:{PORT}", f"0.0.0.0:{PORT}", ""])
def test_another_host_header_is_refused(host: str) -> None:
    with make_client() as client:
        response = client.get("/", headers={"host": host})
        assert response.status_code == 400
        assert "not docgen's" in response.text


def test_localhost_and_127_0_0_1_are_both_accepted() -> None:
    with make_client() as client:
        assert client.get("/", headers={"host": f"localhost:{PORT}"}).status_code == 200
        assert client.get("/", headers={"host": f"127.0.0.1:{PORT}"}).status_code == 200


def test_a_token_link_through_another_host_is_refused() -> None:
    with make_client(signed_in=False) as client:
        response = client.get(f"/?token={client.token}", headers={"host": "rebound.example"}, follow_redirects=False)
        assert response.status_code == 400
        assert "set-cookie" not in response.headers


def test_a_post_without_its_csrf_token_is_refused() -> None:
    with make_client() as client:
        for data in ({"patient.name": "Mallory"}, {"patient.name": "Mallory", "csrf": "wrong"}):
            response = client.post("/s/patient", data=data)
            assert response.status_code == 403
            assert "expired" in response.text
        assert "Mallory" not in client.get("/s/patient").text
        assert client.post("/save", data={}).status_code == 403
        assert client.post("/import/accept", data={}).status_code == 403
        assert client.post("/import", files={"file": ("dose-log.csv", b"Date,Dose\n")}, data={"kind": "doses"}).status_code == 403


def test_a_post_with_its_csrf_token_is_taken() -> None:
    with make_client() as client:
        response = client.post_page("patient", {"patient.name": "Jordan A. Rivera"}, follow_redirects=False)
        assert response.status_code == 303  # type: ignore[attr-defined]
        assert "Jordan A. Rivera" in client.get("/s/patient").text


def test_a_post_from_another_origin_is_refused_even_with_the_token() -> None:
    with make_client() as client:
        csrf = client.csrf()
        response = client.post("/s/patient", data={"csrf": csrf, "patient.name": "Mallory"},
                               headers={"origin": "http://evil.example"})
        assert response.status_code == 403
        same = client.post("/s/patient", data={"csrf": csrf, "patient.name": "Jordan"},
                           headers={"origin": BASE}, follow_redirects=False)
        assert same.status_code == 303


def test_an_upload_over_the_case_file_limit_is_refused() -> None:
    with make_client() as client:
        csrf = client.csrf("/import")
        too_big = b"Date,Medication,Dose\n" + b"2024-03-01,clonazepam,1\n" * (MAX_BYTES // 24 + 10)
        assert len(too_big) > MAX_BYTES
        response = client.post("/import", data={"csrf": csrf, "kind": "doses"},
                               files={"file": ("dose-log.csv", too_big, "text/csv")})
        assert response.status_code == 413
        assert "5 MiB" in response.text


def test_a_body_far_over_the_limit_is_refused_from_its_length() -> None:
    with make_client() as client:
        csrf = client.csrf("/import")
        response = client.post("/import", data={"csrf": csrf, "kind": "doses"},
                               files={"file": ("dose-log.csv", b"x" * (MAX_BYTES * 2), "text/csv")})
        assert response.status_code == 413


def test_an_upload_within_the_limit_is_read() -> None:
    with make_client() as client:
        csrf = client.csrf("/import")
        data = (ROOT / "samples" / "dose-log.csv").read_bytes()
        response = client.post("/import", data={"csrf": csrf, "kind": "doses", "tablet_mg": "0.5"},
                               files={"file": ("dose-log.csv", data, "text/csv")})
        assert response.status_code == 200
        assert "What the import would do" in response.text


def test_pages_load_nothing_from_elsewhere() -> None:
    with make_client(SAMPLE) as client:
        for path in ("/", "/s/medications", "/preview", "/import"):
            response = client.get(path)
            policy = response.headers["content-security-policy"]
            assert "default-src 'none'" in policy and "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
            assert response.headers["cache-control"] == "no-store"
            assert response.headers["referrer-policy"] == "same-origin"
            assert "http://" not in response.text.replace(BASE, "") and "https://" not in response.text
        for static in ("/static/app.css", "/static/app.js"):
            text = client.get(static).text
            assert "http://" not in text and "https://" not in text and "@import" not in text and "url(" not in text


def test_no_case_text_reaches_a_log(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with make_client(SAMPLE) as client:
        client.post_page("patient", {"patient.name": "Zoë Łukasiewicz-Núñez", "patient.date_of_birth": "31/02/1971"})
        client.get("/s/medications")
        client.get("/preview/timeline/1.png")
        client.get("/download/timeline.pdf")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Łukasiewicz" not in logged and "Kowalczyk" not in logged and "31/02" not in logged


def test_an_unexpected_failure_is_a_plain_page_naming_only_its_type(monkeypatch: pytest.MonkeyPatch,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    import docgen.web.app as web_app

    def broken(*_arguments: object, **_keywords: object) -> object:
        raise RuntimeError("Theresa M. Kowalczyk, F44.4")

    monkeypatch.setattr(web_app, "build_view", broken)
    with make_client(SAMPLE) as client:
        response = client.get("/s/patient")
    assert response.status_code == 500
    assert "RuntimeError" in response.text and "Kowalczyk" not in response.text
    assert all("Kowalczyk" not in record.getMessage() and record.exc_info is None for record in caplog.records)
