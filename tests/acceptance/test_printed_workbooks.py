"""The workbooks as their readers print them: LibreOffice Calc (the real reader, as chromium is for
the site) converts the bundled round's scorecard.xlsx, one body's workbook and a self-assessment
template to PDF on A4, and poppler reads the pages back. PNGs of a few pages, and the page count
of every sheet, are kept in tests/printed/ for people to look at.

`.ci/run` installs libreoffice-calc and poppler-utils; without them these tests fail (they are
not skipped: printing is a feature).
"""

from __future__ import annotations

import collections
import json
import re
import shutil
import subprocess
import typing as t
from pathlib import Path

import openpyxl
import pytest
from test_self_assessment import EXPECTED, RUBRIC, fill, make_template

KEPT = Path(__file__).parents[1] / "printed"
PAGE_LIMIT = 120  # the whole bundled scorecard.xlsx, as README states
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
_PAGE = re.compile(r"<page [^>]*>(.*?)</page>", re.S)


class Word(t.NamedTuple):
    x: float
    y: float
    x2: float
    y2: float
    text: str


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: `bash .ci/run` installs libreoffice-calc and poppler-utils")
    return found


def to_pdf(books: list[Path], out: Path, profile: Path, target: str = "pdf") -> None:
    """Convert with a LibreOffice profile of our own, so that runs in parallel do not clash."""
    subprocess.run([_tool("soffice"), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", target,
                    "--outdir", str(out), *map(str, books)], check=True, capture_output=True, timeout=600)


def pages(pdf: Path) -> list[list[Word]]:
    html = subprocess.run([_tool("pdftotext"), "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return [[Word(float(a), float(b), float(c), float(d), _unescape(w)) for a, b, c, d, w in _WORD.findall(page)] for page in _PAGE.findall(html)]


def _unescape(text: str) -> str:
    return text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")


def header_sheet(page: list[Word], sheets: t.Sequence[str]) -> str:
    """The sheet a page belongs to, from its running head (the sheet's name, top right)."""
    top = min(w.y for w in page)
    head = " ".join(w.text for w in sorted((w for w in page if w.y < top + 4 and w.x > 300), key=lambda w: w.x))
    return max((s for s in sheets if head.endswith(s)), key=len, default=f"? {head}")


def pdf_size(pdf: Path) -> list[tuple[float, float]]:
    info = subprocess.run([_tool("pdfinfo"), "-f", "1", "-l", "9999", str(pdf)], check=True, capture_output=True, text=True).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]


def keep_pngs(pdf: Path, name: str, numbers: t.Iterable[int]) -> None:
    KEPT.mkdir(exist_ok=True)
    for n in numbers:
        subprocess.run([_tool("pdftoppm"), "-r", "70", "-png", "-singlefile", "-f", str(n), "-l", str(n), str(pdf),
                        str(KEPT / f"{name}-page-{n:03d}")], check=True, capture_output=True)


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, t.Any]:
    from click.testing import CliRunner

    from scorecard.cli import cli

    root = tmp_path_factory.mktemp("printed")
    shutil.rmtree(KEPT, ignore_errors=True)  # only this run's pages
    KEPT.mkdir()
    out = root / "out"
    result = CliRunner().invoke(cli, ["score", "--out", str(out), "--format", "xlsx", "--per-organisation", "-q"])
    assert result.exit_code == 0, result.output
    body = sorted((out / "organisations").iterdir())[0]
    template = root / "template.xlsx"
    result = CliRunner().invoke(cli, ["template", "--org", body.stem, "-o", str(template)])
    assert result.exit_code == 0, result.output
    # A narrow sheet of 10 pt text prints at 100%: the height of its words is what 10 pt
    # measures in the font LibreOffice prints Arial with here (Liberation Sans where installed).
    from scorecard.render.xlsx_book import Book

    calibration = Book("calibration", None, "Calibration")
    calibration.sheet("S", [20]).add(["Calibration"])
    (root / "calibration.xlsx").write_bytes(calibration.bytes())
    scotland = root / "scotland"
    from scorecard.resources import data_dir

    result = CliRunner().invoke(cli, ["score", str(data_dir("evidence") / "scotland-illustrative-2025"), "--out", str(scotland), "--format", "xlsx", "-q"])
    assert result.exit_code == 0, result.output
    (scotland / "scorecard.xlsx").rename(scotland / "scotland.xlsx")
    devon = out / "organisations" / "QJK.xlsx"  # one of the bodies a constituency is split between
    to_pdf([out / "scorecard.xlsx", body, devon, template, root / "calibration.xlsx", scotland / "scotland.xlsx"], root / "pdf", root / "profile")
    book = openpyxl.load_workbook(out / "scorecard.xlsx", read_only=True)
    return {"root": root, "out": out, "body": body, "sheets": book.sheetnames, "pdf": root / "pdf",
            "scotland": openpyxl.load_workbook(scotland / "scotland.xlsx", read_only=True).sheetnames}


def test_the_scottish_scorecard_prints_every_sheet_on_a4(printed):
    pdf = printed["pdf"] / "scotland.pdf"
    all_pages = pages(pdf)
    counts = collections.Counter(header_sheet(p, printed["scotland"]) for p in all_pages)
    (KEPT / "scotland-pages.json").write_text(json.dumps({"total": len(all_pages), **counts}, indent=2) + "\n")
    assert set(counts) == set(printed["scotland"]) and len(all_pages) <= PAGE_LIMIT, counts
    assert {(round(w), round(h)) for w, h in pdf_size(pdf)} <= {(595, 842), (842, 595)}
    keep_pngs(pdf, "scotland", [1])
    # its nine-character codes print whole, each a word of its own beside the body's name
    import csv as csv_module

    from scorecard.resources import data_dir

    with open(data_dir("rubrics") / "registers" / "nhs-scotland-health-boards.csv", newline="", encoding="utf-8") as f:
        codes = {row["code"] for row in csv_module.DictReader(f)}
    summary = {w.text for p in all_pages if header_sheet(p, printed["scotland"]) == "Summary" for w in p}
    assert len(codes) == 14 and codes <= summary, codes - summary


def test_the_scorecard_prints_on_a4_within_the_page_limit(printed):
    pdf = printed["pdf"] / "scorecard.pdf"
    all_pages = pages(pdf)
    counts = collections.Counter(header_sheet(p, printed["sheets"]) for p in all_pages)
    KEPT.mkdir(exist_ok=True)
    (KEPT / "scorecard-pages.json").write_text(json.dumps({"total": len(all_pages), **counts}, indent=2) + "\n")
    assert set(counts) == set(printed["sheets"]), counts  # every page says which sheet it is
    assert len(all_pages) <= PAGE_LIMIT, counts
    assert {(round(w), round(h)) for w, h in pdf_size(pdf)} <= {(595, 842), (842, 595)}  # A4, portrait or landscape
    first = {s: next(k for k, p in enumerate(all_pages, start=1) if header_sheet(p, printed["sheets"]) == s) for s in counts}
    keep_pngs(pdf, "scorecard", sorted({1, first["National summary"], first["Constituencies"], first["Constituencies"] + 1,
                                        first["Evidence"], first["Sources"], first["Methodology"] + 2}))
    for k, page in enumerate(all_pages, start=1):
        words = " ".join(w.text for w in page)
        assert re.search(rf"Page {k} of {len(all_pages)}\b", words), k  # the footer numbers every page


def test_every_sheet_prints_one_page_wide_with_its_header_on_every_page(printed):
    """Over then down, one page wide: every page of a table shows its first and last columns'
    headings (the header row is repeated at the top of each page)."""
    all_pages = pages(printed["pdf"] / "scorecard.pdf")
    ends = {"Summary": ("Rank", "Categories"), "Evidence": ("Code", "Source"), "Sources": ("Code", "Link"), "Flags": ("Code", "Caps")}
    seen = collections.Counter()
    for page in all_pages:
        sheet = header_sheet(page, printed["sheets"])
        if sheet in ends:
            seen[sheet] += 1
            texts = {w.text for w in page}
            assert set(ends[sheet]) <= texts, (sheet, seen[sheet])
    assert seen["Evidence"] > 1 and seen["Summary"] > 1  # so the check above covers repeated headers


def test_every_body_name_on_the_summary_prints_whole(printed):
    """Read down the printed Body column of the Summary: every body's full name is there, none
    clipped by a row too short for it."""
    from scorecard.rubric import bundled_rubrics, load_rubric

    loaded = load_rubric(bundled_rubrics()["nhse-dfm-2023"])
    all_pages = pages(printed["pdf"] / "scorecard.pdf")
    column = ""
    for page in all_pages:
        if header_sheet(page, printed["sheets"]) != "Summary":
            continue
        body = next(w for w in page if w.text == "Body")
        region = next(w for w in page if w.text == "Region" and abs(w.y - body.y) < 2)
        words = sorted((w for w in page if body.x - 1 <= w.x < region.x - 1 and w.y > body.y + 1), key=lambda w: (round(w.y), w.x))
        column += " " + " ".join(w.text for w in words)
        # a row too short for its name lets the name's last line print over the next row's
        overlaps = [(a.text, b.text) for a in words for b in words
                    if a is not b and a.y < b.y and b.y < a.y2 - 1 and a.x < b.x2 and b.x < a.x2]
        assert not overlaps, overlaps
    column = re.sub(r"-\s+", "-", column)  # a name broken after a hyphen ("Stoke-on-" / "Trent")
    names = [b.name for b in loaded.register.bodies.values()]
    assert len(names) == 42  # the whole register of the bundled round
    missing = [n for n in names if n not in column]
    assert not missing, missing


def test_every_constituency_name_on_the_area_sheet_prints_whole(printed):
    """Read down the printed Constituency column of the Constituencies sheet: every one of the
    543 names is there, none clipped, and the header is on every page of it."""
    import csv as csv_module

    all_pages = [p for p in pages(printed["pdf"] / "scorecard.pdf") if header_sheet(p, printed["sheets"]) == "Constituencies"]
    assert 1 < len(all_pages) <= 20, len(all_pages)  # 580 rows, most of them one line
    column = ""
    for page in all_pages:
        # the header row, repeated on every page (not the "MP" of the sheet's heading)
        mp = next(w for w in page if w.text == "MP" and any(c.text == "Constituency" and abs(c.y - w.y) < 2 for c in page))
        start = max((w for w in page if w.text == "Constituency" and abs(w.y - mp.y) < 2 and w.x < mp.x), key=lambda w: w.x)
        words = sorted((w for w in page if start.x - 1 <= w.x < mp.x - 1 and w.y > mp.y + 1), key=lambda w: (round(w.y), w.x))
        column += " " + " ".join(w.text for w in words)
        overlaps = [(a.text, b.text) for a in words for b in words  # a row too short for its name
                    if a is not b and a.y < b.y and b.y < a.y2 - 1 and a.x < b.x2 and b.x < a.x2]
        assert not overlaps, overlaps
        assert {"Share", "Band", "Estimated"} <= {w.text for w in page if abs(w.y - mp.y) < 2}
    column = re.sub(r"-\s+", "-", column)
    with open(Path(__file__).parents[2] / "rubrics" / "registers" / "overlays" / "icbs-2022" / "areas.csv", newline="", encoding="utf-8") as f:
        names = {row["area_name"] for row in csv_module.DictReader(f)}
    assert len(names) == 543
    missing = [n for n in sorted(names) if n not in column]
    assert not missing, missing


def test_a_body_workbook_lists_its_constituencies_on_its_first_page(printed):
    first = pages(printed["pdf"] / "QJK.pdf")[0]
    rows = collections.defaultdict(list)  # the page's lines of text, each read left to right
    for w in first:
        rows[round(w.y)].append(w)
    lines = [" ".join(w.text for w in sorted(words, key=lambda w: w.x)) for _, words in sorted(rows.items())]
    for words in ("NHS Devon Integrated Care Board (QJK)", "Tiverton and Minehead 45.8% Rachel Gilmour NHS Somerset",
                  "MPs as of 3 April 2026", "Open Parliament Licence v3.0", "Exeter 100.0% Steve Race none"):
        assert any(words in line for line in lines), (words, lines)
    keep_pngs(printed["pdf"] / "QJK.pdf", "body-QJK", [1])


def test_a_body_workbook_names_the_body_on_every_page(printed):
    pdf = printed["pdf"] / f"{printed['body'].stem}.pdf"
    name = openpyxl.load_workbook(printed["body"], read_only=True).properties.title.split(":")[0]
    all_pages = pages(pdf)
    KEPT.mkdir(exist_ok=True)
    (KEPT / "body-pages.json").write_text(json.dumps({printed["body"].stem: len(all_pages)}) + "\n")
    assert 1 <= len(all_pages) <= 25
    for k, page in enumerate(all_pages, start=1):
        assert name in " ".join(w.text for w in page), k
    keep_pngs(pdf, "body", [1, 2])


def test_the_template_prints_on_a4_at_nine_points_or_more(printed):
    """Text at print scale, measured against 10 pt text printed at 100%."""
    ten = next(w for w in pages(printed["pdf"] / "calibration.pdf")[0] if w.text == "Calibration")
    pdf = printed["pdf"] / "template.pdf"
    all_pages = pages(pdf)
    assert {(round(w), round(h)) for w, h in pdf_size(pdf)} <= {(595, 842), (842, 595)}
    answers = [p for p in all_pages if header_sheet(p, ["Instructions", "Answers", "Sources"]) == "Answers"]
    assert answers
    top = min(w.y for w in answers[0])
    heights = sorted(w.y2 - w.y for p in answers for w in p if w.y > top + 20 and w.y < max(x.y for x in p) - 20)
    sizes = [10 * h / (ten.y2 - ten.y) for h in heights]
    assert sizes[len(sizes) // 20] >= 9.0, sizes[:10]  # 95% of the text at 9 pt or more
    keep_pngs(pdf, "template", [1, 2, 3])


def test_a_template_filled_in_then_saved_by_libreoffice_imports_the_same(run_line, tmp_path):
    filled = fill(make_template(run_line, tmp_path), tmp_path / "filled.xlsx")
    to_pdf([filled], tmp_path / "resaved", tmp_path / "profile", target="xlsx:Calc MS Excel 2007 XML")
    resaved = tmp_path / "resaved" / "filled.xlsx"
    assert resaved.read_bytes() != filled.read_bytes()
    out = tmp_path / "BBB.json"
    run_line(["import", resaved, "--rubric", RUBRIC, "-o", out])
    assert json.loads(out.read_text("utf-8")) == EXPECTED


def test_an_opendocument_copy_is_refused_with_advice(run_line, tmp_path):
    filled = fill(make_template(run_line, tmp_path), tmp_path / "filled.xlsx")
    to_pdf([filled], tmp_path / "ods", tmp_path / "profile", target="ods")
    ods = tmp_path / "ods" / "filled.ods"
    for book in (ods, shutil.copy(ods, tmp_path / "renamed.xlsx")):
        result = run_line(["import", book, "--rubric", RUBRIC, "-o", tmp_path / "x.json"], expect=1)
        assert "this is an OpenDocument spreadsheet: save it as Excel 2007-365 (.xlsx) and import that" in result.stderr
        assert "Traceback" not in result.stderr
        assert len([line for line in result.stderr.splitlines() if line.startswith(str(book))]) == 1


def test_libreoffice_reads_escape_like_and_markup_like_text_as_typed(tmp_path):
    from scorecard.render.xlsx_book import Book

    values = ["_x0041_ stays", "<r><t>injected</t></r>", "=1+1"]
    for stream in (True, False):
        book = Book("t", "2024-01-01", "Test", stream=stream)
        sheet = book.sheet("S", [30])
        for value in values:
            sheet.add([value])
        path = tmp_path / f"text-{stream}.xlsx"
        path.write_bytes(book.bytes())
        to_pdf([path], tmp_path / "csv", tmp_path / "profile", target="csv")
        assert (tmp_path / "csv" / f"text-{stream}.csv").read_text("utf-8").splitlines() == values
