"""Running the app: on 127.0.0.1 only, on a free port unless one is asked for, with no access log
(request lines would name pages and no more, but a log of health paperwork is not wanted at all)."""

from __future__ import annotations

import logging
import socket
import webbrowser
from collections.abc import Callable
from pathlib import Path

HOST = "127.0.0.1"


def bind(port: int = 0) -> socket.socket:
    """A listening socket on 127.0.0.1 (``port`` 0: a free one)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((HOST, port))
    listener.listen(64)
    listener.set_inheritable(True)
    return listener


def serve(case_file: Path | None = None, *, port: int = 0, open_browser: bool = True,
          say: Callable[[str], None] = print) -> None:
    """Serve the app until interrupted (Ctrl-C)."""
    import uvicorn

    from docgen.web.app import create_app

    listener = bind(port)
    bound = listener.getsockname()[1]
    app, token = create_app(case_file, port=bound)
    url = f"http://{HOST}:{bound}/?token={token}"
    logging.getLogger("docgen.web").addHandler(logging.StreamHandler())
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False, log_level="warning",
                                           lifespan="off", server_header=False, date_header=False))
    say(f"docgen is running at {url}")
    say("Keep this window open while you use docgen; press Ctrl-C here to stop it.")
    if open_browser:
        webbrowser.open(url)
    try:
        server.run(sockets=[listener])
    finally:
        listener.close()
