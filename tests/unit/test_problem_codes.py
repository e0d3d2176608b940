"""Problem codes and typed places: the catalogue, the README's table of it, the JSON report, the
reading order of workbook cells, and register codes checked as page names when read."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import openpyxl
import pytest
from conftest import TINY, record

from scorecard.problem_codes import CODES
from scorecard.problems import Cell, Column, Elsewhere, InvalidInput, Key, Problem
from scorecard.register import load_register

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "scorecard"


# ---------------------------------------------------------------- the catalogue


def test_a_problem_with_a_code_not_in_the_catalogue_cannot_be_made() -> None:
    with pytest.raises(ValueError, match="not-a-real-code"):
        Problem("f.json", "", "message", code="not-a-real-code")
    assert Problem("f.json", "", "message", code="not-json").code == "not-json"


def _codes_in_source() -> dict[str, list[str]]:
    """Every code written in the package, with where: a `code=` keyword or a `code` parameter's
    default (Problem, Reader.problem, refuse, the YAML builder's fail, ...) and the first
    argument of Finding."""
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            values: list[ast.expr] = []
            if isinstance(node, ast.Call):
                values += [k.value for k in node.keywords if k.arg == "code"]
                if isinstance(node.func, ast.Name) and node.func.id == "Finding" and node.args:
                    values.append(node.args[0])
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                arguments = node.args
                positional = arguments.posonlyargs + arguments.args
                pairs = list(zip(positional[len(positional) - len(arguments.defaults):], arguments.defaults, strict=True))
                pairs += [(a, d) for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True) if d is not None]
                values += [default for arg, default in pairs if arg.arg == "code"]
            if isinstance(node, ast.Return) and path.name == "problem_codes.py" and node.value is not None:
                values.append(node.value)  # schema_code and model_code return codes
            for value in values:
                if isinstance(value, ast.IfExp):  # code="a" if ... else "b"
                    candidates = [value.body, value.orelse]
                else:
                    candidates = [value]
                for candidate in candidates:
                    if isinstance(candidate, ast.Constant) and isinstance(candidate.value, str):
                        found.setdefault(candidate.value, []).append(f"{path.relative_to(ROOT)}:{candidate.lineno}")
    return found


def test_every_code_written_in_the_package_is_in_the_catalogue_and_every_entry_is_used() -> None:
    written = _codes_in_source()
    unknown = {code: where for code, where in written.items() if code not in CODES}
    assert not unknown, f"codes not in scorecard/problem_codes.py: {unknown}"
    # schema_code and model_code also give codes from their tables, by the rule a value broke.
    from scorecard import problem_codes

    tables = set(problem_codes._SCHEMA_CODES.values()) | set(problem_codes._MODEL_CODES.values())
    assert tables <= set(CODES), tables - set(CODES)
    unused = set(CODES) - set(written) - tables
    assert not unused, f"catalogue codes no problem is raised with: {sorted(unused)}"


def test_codes_are_kebab_case_with_a_title_and_one_sentence() -> None:
    for code, entry in CODES.items():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", code), code
        assert entry.title and entry.title[0].isupper(), code
        assert entry.description.endswith(".") and entry.description.count(". ") == 0, code


def test_the_readme_table_is_the_catalogue() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("\n## Problem codes\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([^`]+)` \| (.+) \|$", section, re.MULTILINE)
    assert rows == [(code, entry.description) for code, entry in CODES.items()]


# ---------------------------------------------------------------- places


def test_places_print_as_problems_always_have() -> None:
    assert str(Problem("r.json", "", "m", code="not-json")) == "r.json: /: m"
    assert str(Problem("r.yaml", "/bands/0", "m", 7, code="bad-bands")) == "r.yaml:7: /bands/0: m"
    assert str(Problem("b.xlsx", Cell("Answers", 10, 6), "m", code="cell-error")) == "b.xlsx: Answers!F10: m"
    assert str(Problem("b.xlsx", Cell("Answers", 3), "m", code="not-a-template")) == "b.xlsx: Answers!3:3: m"
    assert str(Problem("b.xlsx", Cell("Sources"), "m", code="not-a-template")) == "b.xlsx: Sources: m"
    assert str(Problem("b.xlsx", Elsewhere(), "m", code="more-problems")) == "b.xlsx: …: m"
    assert str(Problem("requests.csv", Column(2, "sent"), "m", 4, code="not-a-date")) == "requests.csv:4: column B (sent): m"
    assert str(Problem("requests.csv", Key("QWE"), "m", code="already-sent")) == "requests.csv: QWE: m"


@pytest.mark.parametrize("text", ["Answers!F10", "Answers!AA7", "Lists!B3", "Answers!3:3", "Sources", "Answers!ZZ99"])
def test_a_cell_written_as_text_is_read_back_as_the_same_cell(text: str) -> None:
    assert str(Cell.parse(text)) == text


def test_cells_sort_by_row_then_column_as_a_reader_reads() -> None:
    places = ["Answers!F10", "Answers!AA7", "Answers!F7", "Answers!B7", "Answers!3:3", "Answers", "Lists!B3"]
    problems = [Problem("b.xlsx", Cell.parse(p), "m", code="cell-error") for p in places]
    problems.append(Problem("b.xlsx", Elsewhere(), "m", code="more-problems"))
    order = [p.pointer for p in InvalidInput(problems).problems]
    assert order == ["Answers", "Answers!3:3", "Answers!B7", "Answers!F7", "Answers!AA7", "Answers!F10", "Lists!B3", "…"]


def test_pointers_still_sort_with_numbers_as_numbers() -> None:
    problems = [Problem("r.json", p, "m", code="wrong-type") for p in ["/items/10", "/items/2", "", "/a"]]
    assert [p.pointer for p in InvalidInput(problems).problems] == ["", "/a", "/items/2", "/items/10"]


# ---------------------------------------------------------------- the JSON report


def _json_report(run_line, args: list) -> list[dict]:
    result = run_line(["--output-format", "json", *args], expect=1)
    payload = json.loads(result.stdout)
    assert payload["status"] == "fail"
    return payload["problems"]


def test_json_report_gives_each_problem_its_code_and_location(run_line, tmp_path: Path) -> None:
    (tmp_path / "AAA.json").write_text("[1, 2")
    (tmp_path / "ZZZ.json").write_text(json.dumps(record("ZZZ", {"S1": "service"})))
    problems = _json_report(run_line, ["validate", tmp_path, "--rubric", TINY / "rubric.yaml"])
    by_code = {p["code"]: p for p in problems}
    broken = by_code["not-json"]
    assert broken["file"] == str(tmp_path / "AAA.json") and broken["pointer"] == "" and broken["line"] == 1
    assert broken["location"] == {"kind": "line", "line": 1, "pointer": ""}
    unknown = by_code["unknown-body"]
    assert (unknown["file"], unknown["pointer"], unknown["line"]) == (str(tmp_path / "ZZZ.json"), "/organisation", None)
    assert unknown["location"] == {"kind": "pointer", "pointer": "/organisation"}
    assert "not in the register" in unknown["message"]
    assert all(p["code"] in CODES for p in problems)


def test_schema_problems_are_coded_by_what_must_be_fixed(run_line, tmp_path: Path) -> None:
    bad = record("AAA", {"S1": "nope", "ZZ": 1}, assessed_on="2024-13-01", extra=1)
    del bad["assessor"]
    bad["sources"][0]["url"] = "ftp://example.org"
    (tmp_path / "AAA.json").write_text(json.dumps(bad))
    problems = _json_report(run_line, ["validate", tmp_path, "--rubric", TINY / "rubric.yaml"])
    assert {(p["pointer"], p["code"]) for p in problems} == {
        ("", "missing-key"), ("", "unknown-key"), ("/answers", "unknown-criterion"), ("/answers/S1/value", "value-not-allowed"),
        ("/assessed_on", "not-a-date"), ("/sources/0/url", "bad-link"),
    }


def test_json_report_locates_workbook_cells_by_sheet_row_and_column(run_line, tmp_path: Path) -> None:
    book = tmp_path / "BBB.xlsx"
    run_line(["template", "--org", "BBB", "--rubric", TINY / "rubric.yaml", "-o", book])
    workbook = openpyxl.load_workbook(book)
    answers = workbook["Answers"]
    answers["D23"] = "=1+2"
    answers["D4"] = "=2+2"
    workbook.save(book)
    problems = _json_report(run_line, ["import", book, "--rubric", TINY / "rubric.yaml", "-o", tmp_path / "BBB.json"])
    formulas = [p for p in problems if p["code"] == "formula-not-allowed"]
    assert [p["pointer"] for p in formulas] == ["Answers!D4", "Answers!D23"]  # row 4 before row 23
    assert formulas[1]["location"] == {"kind": "cell", "sheet": "Answers", "row": 23, "column": 4, "cell": "D23"}
    assert not (tmp_path / "BBB.json").exists()


def test_text_report_lists_cells_in_reading_order(run_line, tmp_path: Path) -> None:
    book = tmp_path / "BBB.xlsx"
    run_line(["template", "--org", "BBB", "--rubric", TINY / "rubric.yaml", "-o", book])
    workbook = openpyxl.load_workbook(book)
    workbook["Answers"]["D23"] = "=1+2"
    workbook["Answers"]["D4"] = "=2+2"
    workbook.save(book)
    lines = run_line(["import", book, "--rubric", TINY / "rubric.yaml", "-o", tmp_path / "BBB.json"], expect=1).stderr.splitlines()
    places = [line.split(": ")[1] for line in lines if "a formula is not allowed" in line]
    assert places == ["Answers!D4", "Answers!D23"]


# ---------------------------------------------------------------- register codes name pages


def _register(tmp_path: Path, *codes: str) -> Path:
    path = tmp_path / "register.csv"
    path.write_text("code,name,region\n" + "".join(f"{c},{c} Board,North\n" for c in codes), "utf-8")
    return path


@pytest.mark.parametrize("code, why", [
    ("A.A", "use only letters, digits, - and _"),
    ("a/b", "use only letters, digits, - and _"),
    ("-AA", "use only letters, digits, - and _"),
    ("A" * 65, "field too long"),
    ("con", "con is a reserved name"),
    ("Index", "index is a reserved name"),
])
def test_a_register_code_that_cannot_name_a_page_is_refused_when_read(tmp_path: Path, code: str, why: str) -> None:
    path = _register(tmp_path, "AAA", code)
    with pytest.raises(InvalidInput) as caught:
        load_register(path)
    (problem,) = caught.value.problems
    assert (problem.file, problem.line) == (str(path), 3)
    assert problem.code == ("value-too-long" if len(code) > 64 else "bad-body-code")
    assert why in problem.message


def test_register_codes_differing_only_in_case_are_refused_when_read(tmp_path: Path) -> None:
    path = _register(tmp_path, "AAA", "BBB", "aaa")
    with pytest.raises(InvalidInput) as caught:
        load_register(path)
    (problem,) = caught.value.problems
    assert (problem.line, problem.code) == (4, "bad-body-code")
    assert str(problem) == f"{path}:4: /: codes 'AAA' and 'aaa' differ only in case; their pages would collide"


def test_a_rubric_whose_register_has_a_dotted_code_fails_validate_not_score(run_line, tmp_path: Path) -> None:
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text((TINY / "rubric.yaml").read_text("utf-8"), "utf-8")
    register = (TINY / "register.csv").read_text("utf-8")
    (tmp_path / "register.csv").write_text(register.replace("\nAAA,", "\nA.A,", 1), "utf-8")
    assert "A.A," in (tmp_path / "register.csv").read_text("utf-8")
    problems = _json_report(run_line, ["validate", TINY / "evidence", "--rubric", rubric])
    assert [(p["code"], p["file"], p["line"]) for p in problems] == [("bad-body-code", str(tmp_path / "register.csv"), 2)]


def test_every_bundled_register_names_pages_safely() -> None:
    from scorecard.register import bundled_registers, resolve

    names = [n for n in bundled_registers() if n != "in-force" and "-changes-" not in n]  # those two list registers, not bodies
    assert len(names) >= 2
    for name in names:
        assert load_register(resolve(name, ROOT / "rubric.yaml")).bodies, name
