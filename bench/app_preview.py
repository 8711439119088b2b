"""The app's preview: the time from a changed field to its updated preview image.

Run by hand: `python bench/app_preview.py` (`--runs N`). On the fullest sample
(samples/bind-labelled-fnd.yaml), a symptom's severity is changed on the Symptoms page, the page is
sent as the browser's script sends it (the whole page's form, asking for JSON), and the updated
timeline page image the answer names is fetched: that is what a person waits for. In process,
through Starlette's test client (no socket, no browser: their share is a few milliseconds on
127.0.0.1). Warm: after two changes, as while someone is filling in a page. Prints the best and
the median of the runs.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from starlette.testclient import TestClient  # noqa: E402

from docgen.web.app import create_app  # noqa: E402

SAMPLE = ROOT / "samples" / "bind-labelled-fnd.yaml"
PORT = 8765
SEVERITY = "symptoms[0].course[0].severity"


class _Form(HTMLParser):
    """The values a browser would send for the page's form (text fields, selects, text areas)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        name = found.get("name")
        if tag == "input" and name and found.get("type") not in ("submit", "radio", "checkbox", "file"):
            self.values[name] = found.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select is not None and "selected" in found:
            self.values[self._select] = found.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.values[self._textarea] += data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    arguments = parser.parse_args()
    app, token = create_app(SAMPLE, port=PORT)
    client = TestClient(app, base_url=f"http://127.0.0.1:{PORT}")
    client.get(f"/?token={token}")
    form = _Form()
    form.feed(client.get("/s/symptoms").text)
    values = {key: value for key, value in form.values.items() if key != "action"}
    assert SEVERITY in values, "the sample's first symptom has no severity reading"
    times = []
    for run in range(arguments.runs + 2):
        values[SEVERITY] = str(3 + run % 5)
        start = time.perf_counter()
        answer = client.post("/s/symptoms", data={**values, "action": "autosave"}, headers={"accept": "application/json"})
        image = re.search(r'src="(/preview/timeline/1\.png\?v=\d+)"', answer.json()["preview"])
        assert image is not None, "the answer names no preview image"
        png = client.get(image.group(1).replace("&amp;", "&"))
        elapsed = time.perf_counter() - start
        assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
        if run >= 2:
            times.append(elapsed)
    print(f"changed field -> updated timeline preview image, {SAMPLE.name}, warm, {len(times)} runs: "
          f"best {min(times) * 1000:.0f} ms, median {statistics.median(times) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
