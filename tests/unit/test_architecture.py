"""The layers ARCHITECTURE.md describes, held by the imports each module makes: the pure core
imports no reader, writer or command; renderers only render; the API knows nothing of the command
line; only the command line speaks click."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "scorecard"

# The pure core: shapes, vocabulary, conditions, scoring, comparing. Besides itself it may name
# the types three readers define (a register's bodies, an area overlay, a succession of
# registers): it uses their values, never their loading.
CORE = {"models", "vocabulary", "conditions", "engine", "summary", "compare", "result", "round_words"}
CORE_MAY_ALSO = {"register", "areas", "succession"}
# What a renderer may use besides the core: the other renderers, the register's page-name rule,
# the overlay, problems for its refusals, the bundled templates, the self-assessment layout it
# lays out and the rubric loader's result type.
RENDER_MAY_ALSO = {"render", "register", "areas", "problems", "problem_codes", "quoting", "resources", "selfassess_form", "rubric"}
COMMAND_LINE = {"cli", "cli_inputs", "cli_score", "cli_rubric", "cli_round", "cli_forms", "__main__"}


def imports(path: Path) -> set[str]:
    """The package modules and third-party top-level names a module imports, anywhere in it (a
    function's lazy import and a TYPE_CHECKING block count)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
            if node.module == "scorecard":
                names += [f"scorecard.{alias.name}" for alias in node.names]
        for name in names:
            parts = name.split(".")
            found.add(parts[1] if parts[0] == "scorecard" and len(parts) > 1 else parts[0])
    return found - {"scorecard", "__version__"}


def package_modules() -> dict[str, set[str]]:
    """First part of each module's dotted name below the package (render/html.py is render) ->
    what it imports; a package's modules are listed one by one under their own names too."""
    out: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).with_suffix("")
        out["/".join(relative.parts)] = imports(path)
    return out


MODULES = package_modules()
OURS = {name.split("/")[0] for name in MODULES} | {p.stem for p in PACKAGE.glob("*.py")}


def top(name: str) -> str:
    return name.split("/")[0]


def ours(names: set[str]) -> set[str]:
    return {n for n in names if n in OURS}


def test_the_check_sees_lazy_and_type_only_imports(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("import typing as t\nif t.TYPE_CHECKING:\n    from scorecard.api import x\n"
                     "def f():\n    from scorecard.render import html\n    import click\n")
    assert imports(probe) == {"typing", "api", "render", "click"}


@pytest.mark.parametrize("module", sorted(m for m in MODULES if top(m) in CORE))
def test_the_core_imports_no_reader_writer_or_command(module):
    extra = ours(MODULES[module]) - CORE - CORE_MAY_ALSO
    assert not extra, f"scorecard/{module}.py is pure and may not import {sorted(extra)}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if top(m) == "render"))
def test_renderers_only_render(module):
    extra = ours(MODULES[module]) - CORE - RENDER_MAY_ALSO
    assert not extra, f"scorecard/{module}.py renders and may not import {sorted(extra)}"


def test_only_the_command_line_speaks_click_or_imports_the_command_line():
    for module, names in MODULES.items():
        if module in COMMAND_LINE:
            continue
        assert "click" not in names, f"scorecard/{module}.py imports click"
        assert not names & COMMAND_LINE, f"scorecard/{module}.py imports the command line"


def test_the_api_is_imported_only_by_the_package_and_the_command_line():
    users = {module for module, names in MODULES.items() if "api" in names}
    assert users <= COMMAND_LINE | {"__init__"}, users
    assert "cli_score" in users  # the check sees the command line's use of it
