"""Runs every ```python block of the README, so the Python quickstart cannot rot."""

from __future__ import annotations

import re

import pytest

from conftest import REPO

BLOCKS = re.findall(r"```python\n(.*?)```", (REPO / "README.md").read_text(encoding="utf-8"), re.S)


def test_readme_has_a_python_quickstart() -> None:
    assert BLOCKS


@pytest.mark.parametrize("code", BLOCKS)
def test_readme_block(code: str) -> None:
    exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
