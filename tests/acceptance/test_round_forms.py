"""Forms for every body of a round: `scorecard template --all --round DIR --out-dir FOLDER`
writes 36 workbooks, `scorecard import FILE... --into DIR` reads them back, all or nothing."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest


@pytest.fixture
def forms(tmp_path, run_line) -> tuple[Path, Path]:
    folder = tmp_path / "foi-2026"
    run_line(["round", "new", folder, "--rubric", "nhse-dfm-2023", "--register", "icbs-2026"])
    out = tmp_path / "forms"
    result = run_line(["template", "--all", "--round", folder, "--out-dir", out])
    assert "Wrote 36 workbooks" in result.stdout
    return folder, out


def fill(book: Path, answer: str | None = "No service", source_id: str = "reply") -> Path:
    """Answer the first question and name one source, found by the sheets' own headings."""
    wb = openpyxl.load_workbook(book)
    answers, sources, details = wb["Answers"], wb["Sources"], wb["Instructions"]
    head = next(r for r in range(1, 20) if answers.cell(r, 1).value == "Criterion")
    column = {str(answers.cell(head, c).value).split(" ")[0]: c for c in range(1, answers.max_column + 1)}
    if answer is not None:
        answers.cell(head + 1, column["Answer"]).value = answer
        answers.cell(head + 1, column["Source"]).value = source_id
    top = next(r for r in range(1, 20) if sources.cell(r, 1).value == "Id")
    for offset, value in enumerate(["reply", "Reply to the request", "2026-09-24"]):
        sources.cell(top + 1, 1 + offset).value = value
    rows = {details.cell(r, 1).value: r for r in range(1, details.max_row + 1)}
    details.cell(rows["Completed by"], 2).value = "An assessor"
    details.cell(rows["Date completed (YYYY-MM-DD)"], 2).value = dt.datetime(2026, 10, 1)
    wb.save(book)
    return book


def test_36_forms_are_written_filled_and_imported_into_the_round(forms, run_line):
    folder, out = forms
    books = sorted(out.glob("*.xlsx"))
    assert len(books) == 36 and books[0].name == "D7T5G.xlsx"
    for book in books:
        fill(book)
    result = run_line(["import", *books, "--into", folder])
    assert "Imported 36 workbooks" in result.stdout
    records = sorted(folder.glob("*.json"))
    assert len(records) == 37  # and round.json
    record = json.loads((folder / "QKK.json").read_text("utf-8"))
    assert record["round"] == "foi-2026" and record["kind"] == "foi-response"  # the round's kind
    assert record["answers"]["SV1"] == {"value": "none", "source": "reply"}
    run_line(["validate", folder])
    # Never overwritten without --force; with it, all are replaced.
    before = (folder / "QKK.json").read_bytes()
    result = run_line(["import", books[0], books[1], "--into", folder], expect=1)
    assert f"{folder / 'D7T5G.json'} exists; give --force to replace it" in result.stderr
    assert "nothing was written" in result.stderr
    run_line(["import", *books, "--into", folder, "--force"])
    assert (folder / "QKK.json").read_bytes() == before  # the same workbooks give the same bytes


def test_every_problem_of_every_workbook_is_reported_and_nothing_written(forms, run_line, tmp_path):
    folder, out = forms
    good = fill(out / "QKK.xlsx")
    maybe = fill(out / "QWE.xlsx", answer="Maybe")
    no_source = fill(out / "QGH.xlsx", source_id="nowhere")
    other_round = tmp_path / "other.xlsx"
    run_line(["template", "--org", "QKK", "--rubric", "nhse-dfm-2023", "--round", "another-round", "-o", other_round])
    fill(other_round)
    twice = tmp_path / "QKK-again.xlsx"
    twice.write_bytes(good.read_bytes())
    result = run_line(["import", good, maybe, no_source, other_round, twice, "--into", folder], expect=1)
    err = result.stderr.splitlines()
    assert any(line.startswith(f"{maybe}: Answers!D4: ") and '"Maybe" is not one of' in line for line in err), err
    assert any(line.startswith(f"{no_source}: Answers!F4: ") and "'nowhere'" in line for line in err), err
    assert any(line.startswith(f"{other_round}: ") and "round 'another-round', not 'foi-2026'" in line for line in err), err
    assert any(line.startswith(f"{twice}: ") and "QKK is also in" in line for line in err), err
    assert err[-1].endswith("nothing was written.")
    assert sorted(p.name for p in folder.glob("*.json")) == ["round.json"]
    # --valid-only imports the one good workbook, still lists the rest and exits 1.
    result = run_line(["import", good, maybe, no_source, "--into", folder, "--valid-only"], expect=1)
    assert "imported the 1 valid one" in result.stderr
    assert sorted(p.name for p in folder.glob("*.json")) == ["QKK.json", "round.json"]


def test_usage_errors_for_the_many_workbook_forms(forms, run_line, tmp_path):
    folder, out = forms
    books = sorted(out.glob("*.xlsx"))[:2]
    assert "--into" in run_line(["import", *books], expect=2).stderr
    assert "not a round folder" in run_line(["template", "--all", "--round", tmp_path, "--out-dir", tmp_path / "f"], expect=2).stderr
    assert "--force" in run_line(["template", "--all", "--round", folder, "--out-dir", out], expect=2).stderr
    assert "give --org CODE and -o" in run_line(["template", "--org", "QKK"], expect=2).stderr
    run_line(["template", "--org", "QKK", "--org", "QWE", "--round", folder, "--out-dir", tmp_path / "two"])
    assert sorted(p.name for p in (tmp_path / "two").iterdir()) == ["QKK.xlsx", "QWE.xlsx"]


def test_a_form_says_what_it_is_for(forms, run_line, tmp_path):
    """A round of requests gets evidence forms for an assessor; a self-assessment round, and a
    single template, are self-assessments."""
    _, out = forms
    instructions = openpyxl.load_workbook(out / "QKK.xlsx")["Instructions"]
    assert str(instructions["A1"].value).startswith("Evidence form for ")
    own = tmp_path / "self-2026"
    run_line(["round", "new", own, "--rubric", "nhse-dfm-2023", "--register", "icbs-2026", "--kind", "self-assessment"])
    run_line(["template", "--org", "QKK", "--round", own, "--out-dir", tmp_path / "own"])
    assert str(openpyxl.load_workbook(tmp_path / "own" / "QKK.xlsx")["Instructions"]["A1"].value).startswith("Self-assessment for ")
