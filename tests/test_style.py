"""Checks that keep the code's promises: Streamlit only at the edge, documented public API."""

import ast
import inspect
from pathlib import Path

import geo

ROOT = Path(__file__).resolve().parent.parent


def test_style_only_the_page_imports_streamlit():
    # The page's parts (geo/app) and the entry (dashboard.py) draw; what they show is computed without Streamlit
    # (geo/page), and text, gazetteer, resolution and store know nothing of a page.
    offenders = []
    for path in ROOT.glob("geo/**/*.py"):
        if path.parent == ROOT / "geo" / "app":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [str(path) for n in names if n.split(".")[0] == "streamlit"]
    assert offenders == []


def test_style_every_public_function_has_a_docstring():
    missing = [name for name in geo.__all__ if not inspect.getdoc(getattr(geo, name))]
    assert missing == []


def test_style_the_entry_is_short_and_no_part_of_the_page_is_long():
    assert len((ROOT / "dashboard.py").read_text(encoding="utf-8").splitlines()) <= 80
    long = {path.name: n for path in (ROOT / "geo" / "app").glob("*.py")
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}
