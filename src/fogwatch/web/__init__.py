"""fogwatch's web UI: static HTML, CSS and ES modules under `static/`, served by the API app.

Third-party assets (Leaflet, marker clustering, Natural Earth borders) are built into
`static/vendor/` by scripts/build-web.sh from frontend/package-lock.json.
"""

from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent / "static"
