"""Benchmark: `scorecard import` on the largest workbooks its limits let through.

    python bench/imports.py [--runs 3] [--out bench/IMPORTS.md]

Target (issue 14, item 15): any import within the documented limits (5 MB file, 50 MB unpacked)
takes under 5 s and 300 MB on a 2-core machine. The workbooks are made here from a template of
the bundled rubric, each as bad as the limits allow:

* rows: one cell in each row below the template's, up to the 50 MB unpacked limit (about a
  million rows; refused unread, as its sheet is over the 6 MB a sheet may unpack to) and up to
  just under that sheet limit (read, as far as the template's rows go);
* dense: cells packed into the rows of the Answers sheet the import reads, up to the unpacked
  limit (2 million cells: refused unread) and up to just under the sheet limit (250,000 cells,
  every one parsed);
* strings: a shared-string table just under its 8 MB limit, of strings as long as a note may be;
* problems: thousands of rows the rubric does not have (each a problem: 100 are listed).

Each import runs in a fresh process; the time is wall time, the memory the process's peak RSS.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import openpyxl

from scorecard.selfassess import MAX_SHEET_BYTES, MAX_UNPACKED_BYTES, MAX_WORKBOOK_BYTES

SCORECARD = str(Path(sys.executable).parent / "scorecard")
ANSWERS = "xl/worksheets/sheet2.xml"


def _template(folder: Path) -> Path:
    path = folder / "template.xlsx"
    subprocess.run([SCORECARD, "template", "--org", "QE1", "-o", str(path)], check=True, capture_output=True)
    return path


def _rezip(source: Path, target: Path, replace: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, replace.pop(item.filename, src.read(item.filename)))
    return target


def _with_rows(template: Path, target: Path, rows: bytes) -> Path:
    """The template with `rows` (<row> elements) after the Answers sheet's own."""
    with zipfile.ZipFile(template) as archive:
        sheet = archive.read(ANSWERS)
    head, tail = sheet.split(b"</sheetData>")
    return _rezip(template, target, {ANSWERS: head + rows + b"</sheetData>" + tail})


def _room(template: Path, limit: int) -> int:
    """Bytes of rows that keep the Answers sheet within `limit` and the workbook within its limit."""
    with zipfile.ZipFile(template) as archive:
        unpacked = sum(i.file_size for i in archive.infolist())
        sheet = archive.getinfo(ANSWERS).file_size
    return min(limit - sheet, MAX_UNPACKED_BYTES - unpacked) - 1024


def spread_rows(template: Path, target: Path, limit: int) -> Path:
    """One cell in each row below the template's, as far down as `limit` allows (at most the
    sheet's 1,048,576 rows)."""
    room, rows, size = _room(template, limit), [], 0
    for r in range(400, 1_048_577):
        row = b'<row r="%d"><c r="H%d"><v>1</v></c></row>' % (r, r)
        if size + len(row) > room:
            break
        rows.append(row)
        size += len(row)
    return _with_rows(template, target, b"".join(rows))


def dense(template: Path, target: Path, limit: int) -> Path:
    """As many cells as `limit` allows, all in the rows the import does read (just below the
    template's own), so that none is skipped for being too far down."""
    first = openpyxl.load_workbook(template, read_only=True)["Answers"].max_row + 1
    cell = b'<c r="H%d"><v>1</v></c>'
    per_row = _room(template, limit) // (len(cell % (first + 100)) * 100) - 1
    rows = b"".join(b'<row r="%d">' % r + (cell % r) * per_row + b"</row>" for r in range(first, first + 100))
    return _with_rows(template, target, rows)


def big_strings(template: Path, target: Path) -> Path:
    """The shared-string table padded to just under its 8 MB limit with strings of 20,000
    characters (the longest a note may be); openpyxl reads the whole table."""
    with zipfile.ZipFile(template) as archive:
        table = archive.read("xl/sharedStrings.xml")
    pad, k = [], 0
    while len(table) + sum(map(len, pad)) < 8 * 1024 * 1024 - 30_000:
        pad.append(b"<si><t>" + (b"%06d " % k) * 2_857 + b"</t></si>")
        k += 1
    head, tail = table.rsplit(b"</sst>", 1)
    return _rezip(template, target, {"xl/sharedStrings.xml": head + b"".join(pad) + b"</sst>" + tail})


def many_problems(template: Path, target: Path) -> Path:
    rows = b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>X%d</t></is></c></row>' % (r, r, r) for r in range(400, 2_400))
    return _with_rows(template, target, rows)


# A small launcher runs each import and reports its rusage: a child forked from this process
# would count this process's memory (the workbooks built above) in its peak.
_LAUNCH = """
import os, subprocess, sys, time
start = time.perf_counter()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
_, status, usage = os.wait4(p.pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss / 1024)
sys.stdout.write(p.stderr.read().decode())
"""


def measure(book: Path) -> tuple[float, float, str]:
    command = [SCORECARD, "import", str(book), "-o", str(book.with_suffix(".json")), "--force"]
    out = subprocess.run([sys.executable, "-c", _LAUNCH, *command], check=True, capture_output=True, text=True).stdout
    head, _, stderr = out.partition("\n")
    seconds, peak = map(float, head.split())
    first = stderr.splitlines()[0] if stderr.strip() else "(imported)"
    return seconds, peak, first.split(": ", 1)[-1][:110]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        template = _template(folder)
        books = {"rows, to the unpacked limit": spread_rows(template, folder / "rows-all.xlsx", MAX_UNPACKED_BYTES),
                 "rows, to the sheet limit": spread_rows(template, folder / "rows.xlsx", MAX_SHEET_BYTES),
                 "dense, to the unpacked limit": dense(template, folder / "dense-all.xlsx", MAX_UNPACKED_BYTES),
                 "dense, to the sheet limit": dense(template, folder / "dense.xlsx", MAX_SHEET_BYTES),
                 "strings": big_strings(template, folder / "strings.xlsx"), "problems": many_problems(template, folder / "problems.xlsx")}
        lines = ["| workbook | file | unpacked | time (median) | peak memory | outcome |", "|---|---|---|---|---|---|"]
        for name, book in books.items():
            with zipfile.ZipFile(book) as archive:
                unpacked = sum(i.file_size for i in archive.infolist())
            size = book.stat().st_size
            assert size <= MAX_WORKBOOK_BYTES and unpacked <= MAX_UNPACKED_BYTES, (name, size, unpacked)
            runs = [measure(book) for _ in range(args.runs)]
            seconds = statistics.median(r[0] for r in runs)
            peak = max(r[1] for r in runs)
            lines.append(f"| {name} | {size / 1e6:.2f} MB | {unpacked / 1e6:.1f} MB | {seconds:.2f} s | {peak:.0f} MB | {runs[0][2]} |")
    report = "\n".join(lines) + "\n"
    if args.out:
        args.out.write_text(report)
    print(report)


if __name__ == "__main__":
    main()
