"""docs/cli.md is generated from the commands' help; it must match the code."""

from __future__ import annotations

from fogwatch.cli_docs import render

from conftest import REPO


def test_cli_reference_is_current():
    written = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert written == render(), "run: python -m fogwatch.cli_docs > docs/cli.md"


def test_every_command_has_an_example():
    text = render()
    sections = text.split("\n## ")[1:]
    leaf_sections = [s for s in sections if "Commands:" not in s]
    missing = [s.splitlines()[0] for s in leaf_sections if "Example" not in s]
    assert not missing, f"commands whose help shows no example: {missing}"
