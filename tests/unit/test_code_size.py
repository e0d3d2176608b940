"""Sizes a newcomer can read (issue 17): no module in the package over 400 lines, so each can be
read in one sitting, and no function over about 60, so a long one is split into named steps that
read top-down."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "scorecard"
LIMIT = 60
MODULE_LIMIT = 400


def long_functions(source: str, name: str, limit: int = LIMIT) -> list[str]:
    """`name::function (N lines)` for each function, nested or a method, longer than `limit`
    lines from its `def` to its last line (decorators not counted)."""
    return [
        f"{name}::{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno + 1 > limit
    ]


def function(name: str, lines: int, indent: str = "") -> str:
    """A function of `lines` lines, its def included."""
    return f"{indent}def {name}():\n" + "".join(f"{indent}    x = {i}\n" for i in range(lines - 1))


def test_the_check_counts_nested_functions_and_methods():
    # Guards the check below: 61 lines are caught and 60 are not, wherever the function is.
    source = function("short", 60) + "class C:\n" + function("method", 61, "    ")
    source += "def outer():\n" + function("inner", 61, "    ") + "    return inner\n"
    assert sorted(long_functions(source, "probe.py")) == [
        "probe.py::inner (61 lines)", "probe.py::method (61 lines)", "probe.py::outer (63 lines)",
    ]


def test_no_function_in_the_package_is_over_60_lines():
    sources = sorted(PACKAGE.rglob("*.py"))
    assert PACKAGE / "compare.py" in sources
    found = [
        hit
        for path in sources
        for hit in long_functions(path.read_text("utf-8"), path.relative_to(ROOT).as_posix())
    ]
    assert found == [], "functions over 60 lines: split them into named steps\n" + "\n".join(found)


def test_no_module_in_the_package_is_over_400_lines():
    sources = sorted(PACKAGE.rglob("*.py"))
    sizes = {path.relative_to(ROOT).as_posix(): len(path.read_text("utf-8").splitlines()) for path in sources}
    assert sizes["scorecard/engine.py"] > 100  # the count is of lines, and the files are there
    found = [f"{name} ({lines} lines)" for name, lines in sizes.items() if lines > MODULE_LIMIT]
    assert found == [], "modules over 400 lines: split them by job\n" + "\n".join(found)
