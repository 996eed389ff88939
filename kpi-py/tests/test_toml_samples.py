"""Every TOML sample of the repository is TOML 1.0, which Python's `tomllib` (and any other
tool) reads: the TOML files of kpi-core, the plans and mappings of the vectors, and the
```toml blocks of the README and the docs. kpi itself reads TOML 1.1 (multi-line inline
tables, trailing commas in them); these tests keep 1.1 out of the samples.

A doc block that is a fragment on purpose (elided parts) is preceded by the line
`<!-- toml-fragment: why -->` and skipped, by name."""

from __future__ import annotations

import json
import re
import tomllib
from typing import Any

import pytest

from conftest import REPO, TESTDATA

DOCS = ["README.md", *sorted(str(p.relative_to(REPO)) for p in (REPO / "docs").glob("*.md"))]
FENCE = re.compile(r"^(?P<marker><!-- toml-fragment:[^\n]*-->\n)?(?P<indent>[ \t]*)```toml[^\n]*\n(?P<body>.*?)^(?P=indent)```", re.S | re.M)


def toml_files() -> list[Any]:
    return [pytest.param(p, id=str(p.relative_to(REPO))) for p in sorted((REPO / "kpi-core").rglob("*.toml"))]


def doc_blocks() -> list[Any]:
    blocks = []
    for doc in DOCS:
        text = (REPO / doc).read_text(encoding="utf-8")
        for m in FENCE.finditer(text):
            line = text[: m.start("indent")].count("\n") + 1
            body = re.sub(rf"(?m)^{re.escape(m['indent'])}", "", m["body"])
            marks = [pytest.mark.skip(reason=f"marked as a fragment: {m['marker'].strip()}")] if m["marker"] else []
            blocks.append(pytest.param(body, id=f"{doc}:{line}", marks=marks))
    return blocks


def vector_texts() -> list[Any]:
    """`plan_toml` and `mapping_toml` of the vectors, except those that test a TOML syntax
    error."""
    found = []

    def walk(value: Any, where: str) -> None:
        if isinstance(value, dict):
            syntax_error = isinstance(value.get("error"), dict) and value["error"].get("code", "").endswith(".syntax")
            for key, item in value.items():
                if key.endswith("_toml") and isinstance(item, str) and not syntax_error:
                    found.append(pytest.param(item, id=f"{where}/{key}"))
                walk(item, f"{where}/{key}")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, f"{where}[{i}]")

    for path in sorted(TESTDATA.rglob("*.json")):
        walk(json.loads(path.read_text(encoding="utf-8")), str(path.relative_to(TESTDATA)))
    return found


@pytest.mark.parametrize("path", toml_files())
def test_toml_file_is_toml_1_0(path) -> None:
    tomllib.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("body", doc_blocks())
def test_doc_toml_block_is_toml_1_0(body: str) -> None:
    tomllib.loads(body)


@pytest.mark.parametrize("text", vector_texts())
def test_vector_toml_is_toml_1_0(text: str) -> None:
    tomllib.loads(text)


def test_the_samples_are_found() -> None:
    assert len(toml_files()) >= 5
    assert len(doc_blocks()) >= 8
    assert len(vector_texts()) >= 60
    # The fragments are few and named.
    fragments = [p.id for p in doc_blocks() if p.marks]
    assert fragments == ["docs/incentives.md:14"], fragments
