"""Runs every ```python block of the README and the guides, so their samples cannot rot.
Blocks run with the repository's root as the working directory."""

from __future__ import annotations

import os
import re

import pytest

from conftest import REPO

DOCS = ["README.md", "docs/guide.md", "docs/guide.zh-CN.md", "docs/ingest.md", "docs/incentives.md", "docs/design.md", "docs/testing.md", "docs/limits.md", "docs/plan.md", "docs/python.md"]
BLOCKS = [
    pytest.param(code, id=f"{doc}#{i}")
    for doc in DOCS
    for i, code in enumerate(re.findall(r"```python\n(.*?)```", (REPO / doc).read_text(encoding="utf-8"), re.S))
]


def test_every_doc_has_a_python_sample() -> None:
    for doc in DOCS:
        assert "```python" in (REPO / doc).read_text(encoding="utf-8"), doc


@pytest.mark.parametrize("code", BLOCKS)
def test_doc_block(code: str) -> None:
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        exec(compile(code, "docs", "exec"), {"__name__": "docs"})
    finally:
        os.chdir(cwd)
