"""The app in a real browser (Debian's Chromium, driven by Playwright): from an empty form to a
downloaded packet, with a wrong date put right at its field and a dose log imported; the keyboard
alone; a phone-sized window and 200% zoom.

Without /usr/bin/chromium these tests are skipped, except in CI (the CI variable set), where they
fail: CI installs Chromium. ``DOCGEN_SCREENSHOTS=1`` writes the README's pictures, docs/app-*.png.
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARGUMENTS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = os.environ.get("DOCGEN_SCREENSHOTS") == "1"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the browser tests")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install playwright)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGUMENTS)
        yield launched
        launched.close()


class Server:
    """The app on 127.0.0.1, on a free port, in a thread of this process."""

    def __init__(self, case_file: Path | None = None) -> None:
        import uvicorn

        from docgen.web.app import create_app
        from docgen.web.server import bind

        self.listener = bind(0)
        self.port = self.listener.getsockname()[1]
        app, self.token = create_app(case_file, port=self.port)
        self.server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False, lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.listener]}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.02)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.listener.close()


@pytest.fixture
def server() -> Iterator[Server]:
    with Server() as running:
        yield running


def _page(browser: Any, server: Server, width: int = 1280, height: int = 900, zoom: float = 1) -> Any:
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=zoom,
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    outside: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(server.url) else outside.append(request.url))
    page.outside = outside
    page.goto(f"{server.url}/?token={server.token}")
    return page


def _until(page: Any, condition: str, seconds: float = 20) -> None:
    """Wait for a condition in the page (wait_for_function would need eval, which the CSP forbids)."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(condition):
        assert time.monotonic() < deadline, condition
        time.sleep(0.05)


def _shot(page: Any, name: str) -> None:
    if SCREENSHOTS:
        page.evaluate("() => window.scrollTo(0, 0)")
        page.screenshot(path=str(ROOT / "docs" / f"app-{name}.png"))


def test_from_an_empty_form_to_a_downloaded_packet(browser: Any, server: Server) -> None:
    page = _page(browser, server)
    assert page.title() == "Overview · docgen"
    page.get_by_role("link", name="Start with the patient").click()

    # a wrong date, explained next to its field, then put right
    page.get_by_label("Full name, as on the medical records").fill("Jordan A. Rivera")
    birth = page.get_by_label("Date of birth")
    birth.fill("31/02/1971")
    page.get_by_role("button", name="Update", exact=True).click()
    assert birth.get_attribute("aria-invalid") == "true"
    error = page.locator("#f-patient-date_of_birth-error")
    assert "Feb 1971 has no day 31" in error.inner_text()
    assert "f-patient-date_of_birth-error" in (birth.get_attribute("aria-describedby") or "")
    assert page.locator("#problems").evaluate("element => element === document.activeElement")
    birth.fill("14 Aug 1971")
    birth.press("Tab")  # the change is sent as it is made: the message goes without a reload
    error.wait_for(state="hidden")
    assert birth.get_attribute("aria-invalid") is None
    page.get_by_role("button", name="Update and go on to Care team").click()
    assert page.locator("h1").inner_text() == "Care team"

    # an ambiguous date offers both readings
    page.goto(f"{server.url}/s/medications")
    page.get_by_label("Drug name, generic or brand").fill("Klonopin")
    date = page.locator("#f-medications-0-doses-0-date")
    date.fill("03/04/2014")
    page.locator("#f-medications-0-doses-0-mg_per_day").fill("0.5 mg twice a day")
    page.locator("#f-medications-0-doses-0-mg_per_day").press("Tab")
    page.get_by_role("button", name="I meant 3 April 2014").wait_for()
    assert page.get_by_role("button", name="I meant 4 March 2014").is_visible()
    page.get_by_role("button", name="I meant 3 April 2014").click()
    assert date.input_value() == "2014-04-03"
    assert "0.5 mg twice a day → 1 mg/day" in page.locator("#f-medications-0-doses-0-mg_per_day-understood").inner_text()
    assert page.get_by_label("Drug name, generic or brand").input_value() == "clonazepam"
    _until(page, "() => { const image = document.querySelector('#preview img');"
                 " return image !== null && image.complete && image.naturalWidth > 500; }")
    _shot(page, "medications")

    # a dose log imported, its report read, then accepted
    page.get_by_role("navigation").get_by_role("link", name="Import", exact=True).click()
    page.get_by_label("A dose log: dates and doses of a medication").check()
    page.get_by_label("The file").set_input_files(str(ROOT / "samples" / "dose-log.csv"))
    page.get_by_label("For a dose log in tablets: the strength of one tablet, in mg").fill("0.5")
    page.get_by_role("button", name="Read the file").click()
    assert page.locator("h1").inner_text() == "What the import would do"
    assert "could be 4 Aug 2024 or 8 Apr 2024" in page.locator("ul.skipped").inner_text()
    _shot(page, "import")
    page.get_by_role("button", name="Add these").click()
    assert "Imported" in page.locator(".notice").inner_text()

    # the documents, previewed and downloaded
    page.get_by_role("navigation").get_by_role("link", name="Documents", exact=True).click()
    image = page.locator("img[alt^='Medication and symptom timeline, page 1']")
    image.wait_for()
    _until(page, "() => [...document.images].every(image => image.complete && image.naturalWidth > 0)")
    _shot(page, "documents")
    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download them all").click()
    download = waiting.value
    assert download.suggested_filename == "docgen-packet.zip"
    packet = zipfile.ZipFile(io.BytesIO(Path(download.path()).read_bytes()))
    assert {"docgen-packet/timeline.pdf", "docgen-packet/timeline.docx", "docgen-packet/SHA256SUMS"} <= set(packet.namelist())
    for line in packet.read("docgen-packet/SHA256SUMS").decode().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256(packet.read(f"docgen-packet/{name}")).hexdigest() == digest
    assert page.outside == []  # nothing was fetched from anywhere else
    page.context.close()


def test_the_keyboard_alone_fills_in_a_page(browser: Any, server: Server) -> None:
    page = _page(browser, server)
    page.goto(f"{server.url}/s/patient")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the page's content"
    page.keyboard.press("Enter")
    for _ in range(40):  # on through the page to the first field
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "f-patient-name":
            break
    assert page.evaluate("document.activeElement.id") == "f-patient-name"
    page.keyboard.type("Zoë Łukasiewicz-Núñez")
    page.keyboard.press("Enter")  # the default button is Update, not a Remove or a choice
    page.wait_for_load_state()
    assert page.locator("#f-patient-name").input_value() == "Zoë Łukasiewicz-Núñez"
    focus_ring = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focus_ring in ("solid", "auto", "none")
    page.context.close()


@pytest.mark.parametrize(("width", "zoom", "name"), [(390, 1, "phone"), (640, 2, "zoom-200")])
def test_pages_fit_a_phone_and_200_percent_zoom(browser: Any, width: int, zoom: float, name: str) -> None:
    with Server(ROOT / "samples" / "bind-labelled-fnd.yaml") as running:
        page = _page(browser, running, width=width, height=844, zoom=zoom)
        for path in ("/", "/s/patient", "/s/medications", "/s/amendment", "/import", "/preview"):
            page.goto(running.url + path)
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, (path, overflow)
        page.goto(running.url + "/s/patient")
        if SCREENSHOTS and name == "phone":
            page.screenshot(path=str(ROOT / "docs" / "app-phone.png"))
        page.context.close()


def test_a_case_file_opens_and_saves_in_place(browser: Any, tmp_path: Path) -> None:
    import shutil

    case_file = tmp_path / "case.yaml"
    shutil.copy(ROOT / "samples" / "taper-with-therapist.yaml", case_file)
    with Server(case_file) as running:
        page = _page(browser, running)
        page.goto(running.url + "/s/patient")
        page.get_by_label("Phone").fill("+1 503 555 0199")
        page.get_by_role("button", name="Update and save to case.yaml").click()
        assert f"Saved to {case_file}" in page.locator(".notice").inner_text()
        page.context.close()
    saved = case_file.read_text(encoding="utf-8")
    assert "+1 503 555 0199" in saved and "# What this case shows" in saved
