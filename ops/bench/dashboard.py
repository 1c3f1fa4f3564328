"""The React dashboard's weight and first paint (frontend/, docs/dashboard.md).

- `dashboard_js_gzip_kb`: the JavaScript home needs before it renders (index.html's module
  script and its modulepreloads), each file gzipped at level 9, summed, in kB. Budget ≤ 300.
- `dashboard_fcp_ms`: first contentful paint of `/dashboard/` (home, with a session planted) in
  Debian's Chromium at 1280x800, the median of 5 cold page loads (`frontend/e2e/fcp.mjs`). The
  build is served exactly as Django serves it (mcp_payments.dashboard: index.html for every
  route, the hashed assets), here by a local static server so no database is needed. Budget
  ≤ 2,000 ms.

The build is made first when frontend/ changed (`scripts/frontend.sh build`). Skipped without
npm or Chromium. `python -m ops.bench dashboard` runs it.
"""

from __future__ import annotations

import gzip
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
from functools import partial
from pathlib import Path

from .context import REPO_ROOT, BenchContext
from .registry import BenchmarkSkipped, Figures, benchmark

FRONTEND = REPO_ROOT / "frontend"
DIST = FRONTEND / "dist"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
RUNS = 5


def initial_js_gzip_kb(dist: Path = DIST) -> float:
    """kB (1024 bytes) of gzip-9 of every JS file index.html loads up front."""
    html = (dist / "index.html").read_text()
    files = re.findall(r'(?:src|href)="/dashboard/(assets/[^"]+\.js)"', html)
    total = sum(len(gzip.compress((dist / name).read_bytes(), 9)) for name in files)
    return round(total / 1024, 1)


class _Handler(http.server.SimpleHTTPRequestHandler):
    """/dashboard/assets/* from dist/assets, any other /dashboard/* → index.html."""

    def translate_path(self, path: str) -> str:
        path = path.split("?", 1)[0]
        if path.startswith("/dashboard/assets/"):
            return str(DIST / path.removeprefix("/dashboard/"))
        return str(DIST / "index.html")

    def log_message(self, format: str, *args: object) -> None:
        pass


def _serve() -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@benchmark("dashboard")
def dashboard(ctx: BenchContext) -> Figures:
    if shutil.which("npm") is None or not os.access(CHROMIUM, os.X_OK):
        raise BenchmarkSkipped("needs npm and Chromium (/usr/bin/chromium)")
    bash, node = shutil.which("bash") or "/bin/bash", shutil.which("node") or "node"
    subprocess.run([bash, "scripts/frontend.sh", "build"], cwd=REPO_ROOT, check=True)  # noqa: S603
    server, base = _serve()
    try:
        output = subprocess.run(  # noqa: S603 (our own script and a local URL)
            [node, "e2e/fcp.mjs", base, str(RUNS)],
            cwd=FRONTEND,
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        ).stdout
    finally:
        server.shutdown()
    fcp = json.loads(output.strip().splitlines()[-1])["dashboard_fcp_ms"]
    return {"dashboard_js_gzip_kb": initial_js_gzip_kb(), "dashboard_fcp_ms": fcp}
