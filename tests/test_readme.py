"""The README's Python examples run as written."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_block_runs(code):
    ns: dict = {}
    exec(compile(code, str(README), "exec"), ns)
    if "res" in ns:
        assert -1.0 <= ns["res"].portfolio["roi_mean"] and ns["res"].portfolio["roi_se"] > 0
