"""Static checks of the web UI's files: no inline code for the CSP to forbid, no HTML
sinks in fogwatch's own scripts, vendor assets built from the current lockfile."""

from __future__ import annotations

import hashlib
import os
import re
from html.parser import HTMLParser

import pytest

from fogwatch.web import STATIC_DIR

from conftest import REPO

OWN_SCRIPTS = sorted((STATIC_DIR / "js").glob("*.js"))


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_text = ""
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag in ("script", "style")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.script_text += data.strip()


def test_index_has_no_inline_code_or_outside_sources():
    parser = _Tags()
    parser.feed((STATIC_DIR / "index.html").read_text())
    assert parser.script_text == ""  # no inline <script> or <style> bodies
    for tag, attrs in parser.tags:
        assert "style" not in attrs, tag
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        for key in ("src", "href"):
            value = attrs.get(key)
            if value:
                assert value.startswith(("/static/", "#")), value  # nothing from elsewhere
    scripts = [a["src"] for t, a in parser.tags if t == "script"]
    assert scripts[0] == "/static/js/trusted-types.js"  # the policy exists before Leaflet


@pytest.mark.parametrize("path", OWN_SCRIPTS, ids=lambda p: p.name)
def test_own_scripts_never_parse_strings_as_html(path):
    source = path.read_text()
    if path.name == "trusted-types.js":
        return
    for sink in (
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
        "new Function",
    ):
        assert sink not in source, f"{path.name} uses {sink}"
    assert not re.search(r"\.style\s*=", source), "inline styles would break the CSP"


def test_vendor_assets_match_the_lockfile():
    stamp = STATIC_DIR / "vendor" / ".build-stamp"
    if not stamp.exists():
        if os.environ.get("CI"):
            pytest.fail("vendor assets are not built: run scripts/build-web.sh")
        pytest.skip("vendor assets are not built: run scripts/build-web.sh")
    frontend = REPO / "frontend"
    want = hashlib.sha256(
        (frontend / "package-lock.json").read_bytes() + (frontend / "build.mjs").read_bytes()
    ).hexdigest()
    assert stamp.read_text().strip() == want, "frontend changed: run scripts/build-web.sh"
    for asset in (
        "leaflet/leaflet.js",
        "leaflet/leaflet.css",
        "markercluster/leaflet.markercluster.js",
        "world/countries-50m.geojson",
        "world/countries-110m.geojson",
    ):
        assert (STATIC_DIR / "vendor" / asset).stat().st_size > 0, asset
