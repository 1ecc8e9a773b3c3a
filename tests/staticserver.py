"""Serve a built site on 127.0.0.1 the way a static host does.

The site is mounted at the path of ``site_url`` (/kvm-knowledge-base/),
text files are gzip-compressed when the client accepts it, directories
serve their index.html, and a missing file gets 404.html with status 404.
Used by the browser tests and the benchmark.
"""
from __future__ import annotations

import gzip
import mimetypes
import sys
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlparse

PREFIX = "/kvm-knowledge-base/"
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")
mimetypes.add_type("application/javascript", ".js")
mimetypes.add_type("image/svg+xml", ".svg")


def make_handler(root: Path, use_gzip: bool):
    root = root.resolve()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # quiet
            pass

        def _resolve(self) -> Path | None:
            path = unquote(urlparse(self.path).path)
            if not path.startswith(PREFIX):
                return None
            rel = path[len(PREFIX):]
            target = (root / rel).resolve()
            if root not in target.parents and target != root:
                return None
            if target.is_dir():
                target = target / "index.html"
            return target if target.is_file() else None

        def do_GET(self):
            parsed = urlparse(self.path)
            if parsed.path == PREFIX.rstrip("/"):
                self.send_response(301)
                self.send_header("Location", PREFIX + (f"?{parsed.query}" if parsed.query else ""))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            target = self._resolve()
            status = 200
            if target is None:
                target, status = root / "404.html", 404
            body = target.read_bytes()
            ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            self.send_response(status)
            self.send_header("Content-Type", ctype + ("; charset=utf-8" if ctype.startswith("text/") else ""))
            if use_gzip and ctype.startswith(COMPRESSIBLE) and "gzip" in self.headers.get("Accept-Encoding", ""):
                body = gzip.compress(body, 6)
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Vary", "Accept-Encoding")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            self.wfile.write(body)

    return Handler


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A browser that closes a kept-alive connection is not an error of the
        # site; anything else is still printed with its traceback.
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


@contextmanager
def serve(root: Path, use_gzip: bool = True):
    """Yield the base URL of `root` served on a free loopback port."""
    server = _Server(("127.0.0.1", 0), make_handler(root, use_gzip))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    finally:
        server.shutdown()
        server.server_close()
