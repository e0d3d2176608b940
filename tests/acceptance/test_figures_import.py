"""`scorecard figures import`: a measure-by-body download (or code,value) into a round's records."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

HEADER = ["measure", "org_type", "org_id", "org_name", "date", "numerator", "denominator", "calc_value", "percentile"]
BODIES = ["QKK", "QWE", "QGH", "QHL"]


def download(path: Path, months: list[str], rows: dict[str, dict[str, tuple[float, float]]], measure: str = "opioidper1000",
             org_type: str = "stp", extra: list[list[str]] = ()) -> Path:
    """A file laid out as the publisher's measure-by-body CSV (made-up numbers)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for month in months:
        for code, by_month in rows.items():
            if month in by_month:
                numerator, denominator = by_month[month]
                writer.writerow([measure, org_type, code, f"NAME OF {code}", f"{month}-01", numerator, denominator,
                                 numerator / denominator, 50])
    for row in extra:
        writer.writerow(row)
    path.write_text(out.getvalue(), "utf-8")
    return path


def months_of(first_year: int, first_month: int, count: int) -> list[str]:
    out, year, month = [], first_year, first_month
    for _ in range(count):
        out.append(f"{year}-{month:02d}")
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    return out


@pytest.fixture
def round_dir(tmp_path, run_line) -> Path:
    folder = tmp_path / "foi-2026"
    run_line(["round", "new", folder, "--rubric", "nhse-dfm-2023", "--register", "icbs-2026"])
    for code in BODIES:
        record = {
            "organisation": code, "rubric": {"id": "nhse-dfm-2023", "version": "1.0.0"}, "round": "foi-2026",
            "kind": "foi-response", "response": "replied" if code != "QHL" else "no-reply", "assessor": "An assessor",
            "assessed_on": "2026-10-01", "sources": [], "answers": {},
        }
        (folder / f"{code}.json").write_text(json.dumps(record, indent=2) + "\n", "utf-8")
    return folder


def figures(run_line, folder: Path, csv_file: Path, *extra, criterion: str = "MD2", expect: int = 0):
    return run_line(["figures", "import", csv_file, "--criterion", criterion, "--into", folder, "--downloaded", "2025-10-20", *extra], expect=expect)


# The 24 months to October 2025: before the measure changed on 1 November 2025.
MONTHS = months_of(2023, 11, 24)


def steady(numerator: float, denominator: float = 1000.0, skip: tuple[str, ...] = ()) -> dict[str, tuple[float, float]]:
    return {m: (numerator, denominator) for m in MONTHS if m not in skip}


def test_the_latest_months_are_combined_as_one_ratio_and_written_with_a_source(run_line, round_dir, tmp_path):
    rows = {"QKK": steady(50), "QWE": steady(30, skip=("2025-03", "2025-04")), "QGH": steady(40), "QHL": steady(60)}
    # QKK's latest month is larger: it weighs more than a small one would.
    rows["QKK"]["2025-10"] = (300, 2000)
    extra = [["opioidper1000", "stp", "QMJ", "A 2022 BODY", "2025-10-01", "1", "1", "1", "1"],
             ["opioidper1000", "stp", "ZZZ", "NOT A BODY", "2025-10-01", "1", "1", "1", "1"]]
    csv_file = download(tmp_path / "opioidper1000.csv", MONTHS, rows, extra=extra)
    before = (round_dir / "QHL.json").read_bytes()
    result = figures(run_line, round_dir, csv_file, "--accept-unit")
    out = result.stdout
    assert "Wrote MD2 into 3 records" in out
    assert "November 2024 to October 2025" in out and "downloaded 2025-10-20" in out
    assert "Codes in the file that are not in the register, left out: QMJ, ZZZ" in out
    assert "Record says refused or no reply (such records carry no answers), not written: QHL" in out
    assert "QWE: 2 months missing (2025-03, 2025-04)" in out
    assert "No record in the round yet" not in out and "No figure in the file" not in out
    assert (round_dir / "QHL.json").read_bytes() == before
    qkk = json.loads((round_dir / "QKK.json").read_text("utf-8"))
    # (11 x 50 + 300) / (11 x 1000 + 2000) = 850 / 13000, not the mean of the monthly ratios.
    assert qkk["answers"]["MD2"]["value"] == round(850 / 13000, 4)
    assert "12 months of November 2024 to October 2025 combined as one ratio" in qkk["answers"]["MD2"]["note"]
    assert "accepted as a stand-in" in qkk["answers"]["MD2"]["note"]
    assert qkk["sources"] == [{
        "id": "opioidper1000-2025-10",
        "title": "OpenPrescribing: High dose opioid items per 1000 patients (opioidper1000), November 2024 to October 2025, downloaded 2025-10-20",
        "date": "2025-10-20", "url": "https://openprescribing.net/measure/opioidper1000/", "reference": "opioidper1000",
    }]
    qwe = json.loads((round_dir / "QWE.json").read_text("utf-8"))
    assert qwe["answers"]["MD2"]["value"] == 0.03
    assert "10 months of" in qwe["answers"]["MD2"]["note"] and "left out: 2025-03, 2025-04" in qwe["answers"]["MD2"]["note"]
    run_line(["validate", round_dir])
    # An answer already there is kept unless --force.
    again = figures(run_line, round_dir, csv_file, "--accept-unit").stdout
    assert "Already answer MD2, kept (give --force to replace): QGH, QKK, QWE" in again
    figures(run_line, round_dir, csv_file, "--accept-unit", "--force", "--months", "3")
    assert json.loads((round_dir / "QGH.json").read_text("utf-8"))["answers"]["MD2"]["value"] == 0.04
    # A body missing from the download altogether is named.
    only_two = download(tmp_path / "two-bodies.csv", MONTHS, {"QKK": steady(50), "QWE": steady(30)})
    out = figures(run_line, round_dir, only_two, "--accept-unit", "--force").stdout
    assert "No figure in the file for the months taken: QGH" in out


def test_a_percent_change_compares_the_latest_months_with_those_before(run_line, round_dir, tmp_path):
    rows = {"QKK": {m: (50 if m < "2024-11" else 45, 1000) for m in MONTHS}}
    csv_file = download(tmp_path / "change.csv", MONTHS, rows)
    out = figures(run_line, round_dir, csv_file, "--accept-unit", criterion="MD3").stdout
    assert "Wrote MD3 into 1 record" in out
    assert json.loads((round_dir / "QKK.json").read_text("utf-8"))["answers"]["MD3"]["value"] == -10.0


def test_a_unit_that_is_not_the_criterions_is_refused_in_words(run_line, round_dir, tmp_path):
    csv_file = download(tmp_path / "m.csv", MONTHS, {"QKK": steady(50)})
    result = figures(run_line, round_dir, csv_file, expect=1)
    assert ("criterion MD2 asks for patients per 1,000 on 120 mg/day OME or more; measure opioidper1000 counts "
            "high-dose opioid items per 1,000 patients a month. These are not the same unit") in result.stderr
    assert "MD2" not in (round_dir / "QKK.json").read_text("utf-8")


def test_the_threshold_change_is_refused_by_download_date_and_by_month(run_line, round_dir, tmp_path):
    csv_file = download(tmp_path / "m.csv", [*MONTHS, "2025-11"], {"QKK": {**steady(50), "2025-11": (40, 1000)}})
    late = run_line(["figures", "import", csv_file, "--criterion", "MD2", "--into", round_dir, "--accept-unit", "--downloaded", "2026-08-22"], expect=1)
    assert ("downloaded on 2026-08-22, on or after 2025-11-01, when measure opioidper1000 changed: "
            "the high-dose threshold moved from 120 to 90 mg/day") in late.stderr
    assert "recounts the whole series" in late.stderr
    months = figures(run_line, round_dir, csv_file, "--accept-unit", expect=1)
    assert "1 of the months taken (2025-11 on) are from 2025-11-01 or later" in months.stderr and "--until 2025-10" in months.stderr
    figures(run_line, round_dir, csv_file, "--accept-unit", "--until", "2025-10")
    assert json.loads((round_dir / "QKK.json").read_text("utf-8"))["answers"]["MD2"]["value"] == 0.05


def test_another_org_type_another_measure_and_bad_cells_are_reported_by_line(run_line, round_dir, tmp_path):
    rows = {"QKK": steady(50)}
    practices = download(tmp_path / "practices.csv", MONTHS, rows, org_type="practice")
    result = figures(run_line, round_dir, practices, "--accept-unit", expect=1)
    assert f"{practices}:2: /: org_type 'practice': these rows are not the register's bodies, which are 'stp'" in result.stderr
    # Mixed in with the register's kind, other kinds are left out and listed.
    mixed = download(tmp_path / "mixed.csv", MONTHS, rows, extra=[["opioidper1000", "regional_team", "Y56", "LONDON", "2025-10-01", "1", "2", "", ""]])
    out = figures(run_line, round_dir, mixed, "--accept-unit").stdout
    assert "Wrote MD2 into 1 record" in out and "Rows for other kinds of organisation, left out: regional_team (1 row)" in out
    other = download(tmp_path / "other.csv", MONTHS, rows, measure="opioidspercent")
    result = figures(run_line, round_dir, other, "--accept-unit", "--force", expect=1)
    assert f"{other}:2: /: holds measure 'opioidspercent'; criterion MD2 expects 'opioidper1000'" in result.stderr
    bad = download(tmp_path / "bad.csv", MONTHS[-2:], rows, extra=[["opioidper1000", "stp", "QWE", "X", "October", "1", "2", "", ""],
                                                                   ["opioidper1000", "stp", "QWE", "X", "2025-09-01", "many", "2", "", ""]])
    result = figures(run_line, round_dir, bad, "--accept-unit", expect=1)
    assert f"{bad}:4: /: date 'October' is not a month (YYYY-MM-01)" in result.stderr
    assert f"{bad}:5: /: numerator 'many' and denominator '2' must be numbers" in result.stderr
    assert "nothing was written" in result.stderr
    (tmp_path / "junk.csv").write_text("a,b,c\n1,2,3\n", "utf-8")
    result = figures(run_line, round_dir, tmp_path / "junk.csv", expect=1)
    assert "expected a measure download" in result.stderr and "or the two columns code,value" in result.stderr


def test_a_criterion_that_is_not_a_number_is_refused(run_line, round_dir, tmp_path):
    csv_file = download(tmp_path / "m.csv", MONTHS, {"QKK": steady(50)})
    result = figures(run_line, round_dir, csv_file, criterion="SV1", expect=2)
    assert "criterion SV1 takes a choice answer, not a number" in result.stderr
    result = figures(run_line, round_dir, csv_file, criterion="XX9", expect=2)
    assert "has no such criterion" in result.stderr


def test_a_two_column_file_is_accepted_with_a_title(run_line, round_dir, tmp_path):
    two = tmp_path / "two.csv"
    two.write_text("code,value\nQKK,3.5\nQWE,4\nZZZ,1\n", "utf-8")
    result = figures(run_line, round_dir, two, expect=1)
    assert "give --title" in result.stderr
    out = figures(run_line, round_dir, two, "--title", "Patients on high doses, from the national comparators", "--url", "https://example.org/c").stdout
    assert "Wrote MD2 into 2 records" in out and "not in the register, left out: ZZZ" in out
    qwe = json.loads((round_dir / "QWE.json").read_text("utf-8"))
    assert qwe["answers"]["MD2"]["value"] == 4.0 and qwe["sources"][0]["url"] == "https://example.org/c"
    (tmp_path / "neg.csv").write_text("code,value\nQKK,-2\nQWE,lots\n", "utf-8")
    result = figures(run_line, round_dir, tmp_path / "neg.csv", "--title", "x", expect=1)
    assert "neg.csv:2: /: -2 is outside what MD2 allows" in result.stderr and "neg.csv:3: /: 'lots' is not a number" in result.stderr


def test_a_percentage_measure_in_the_criterions_unit_needs_no_override(run_line, tmp_path):
    import shutil

    import yaml
    from conftest import TINY

    rubric = yaml.safe_load((TINY / "rubric.yaml").read_text("utf-8"))
    p2 = next(c for s in rubric["sections"] for c in s["criteria"] if c["id"] == "P2")
    p2["answer"]["measure"] = {"id": "share", "title": "Share of items", "url": "https://example.org/share", "unit": "per 1,000", "percentage": True}
    shutil.copy(TINY / "register.csv", tmp_path / "register.csv")
    (tmp_path / "rubric.yaml").write_text(json.dumps(rubric, default=str), "utf-8")
    folder = tmp_path / "test-1"
    run_line(["round", "new", folder, "--rubric", tmp_path / "rubric.yaml", "--register", "register.csv"])
    shutil.copy(TINY / "evidence" / "AAA.json", folder / "AAA.json")
    csv_file = download(tmp_path / "share.csv", ["2025-01", "2025-02"], {"AAA": {"2025-01": (1, 40), "2025-02": (2, 60)}, "BBB": {"2025-01": (1, 10)}},
                        measure="share", org_type="ccg")
    out = run_line(["figures", "import", csv_file, "--criterion", "P2", "--into", folder, "--months", "2", "--downloaded", "2025-03-05", "--force",
                   "--rubric", tmp_path / "rubric.yaml"]).stdout
    assert "Wrote P2 into 1 record" in out and "No record in the round yet, so no figure written: BBB" in out and "stand-in" not in out
    answer = json.loads((folder / "AAA.json").read_text("utf-8"))["answers"]["P2"]
    assert answer["value"] == 3.0  # (1 + 2) / (40 + 60) x 100
    assert "2 months of January 2025 to February 2025 combined as one ratio (numerators 3 / denominators 100 x 100)." in answer["note"]
