"""Benchmarks: wall time and peak memory of each stage at 42, 1,000 and 10,000 bodies.

    python bench/run.py [--sizes 42,1000,10000] [--runs 5] [--out bench/RESULTS.md]

For each size it generates a synthetic round (bench/generate.py, seed 1) and measures, each in a
fresh child process so that one stage's memory does not hide another's:

* validate  - load the rubric and read, parse and validate every record
* score     - the engine alone, on records already loaded
* json, xlsx, html - each format alone, on a scorecard already computed (xlsx: scorecard.xlsx and
              scorecard.csv beside it, as `--format xlsx` writes them)
* workbook  - scorecard.xlsx alone (XlsxWriter), the cells the floor below writes
* command   - the whole `scorecard score` command with every default output, as a user runs it
* floors    - what the libraries alone need for the same output: openpyxl in write-only mode
              writing the same cells, and jinja2 compiling the same templates once and rendering
              them from contexts captured during our own render. Our writers are reported as a
              ratio to them.

Times are medians of --runs runs; memory is the child's peak resident set (it includes the
Python interpreter and what the stage had to load first). The report names the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import typing as t
from pathlib import Path

HERE = Path(__file__).resolve().parent
STAGES = ("validate", "score", "json", "xlsx", "workbook", "html", "xlsx-floor", "html-floor")


# ---------------------------------------------------------------- in the child process


def _load(folder: Path) -> t.Any:
    from scorecard.evidence import load_round
    from scorecard.rubric import load_rubric

    loaded = load_rubric(folder / "rubric.yaml")
    return loaded, load_round([folder / "evidence"], loaded)


def _scorecard(folder: Path) -> t.Any:
    from scorecard.engine import Provenance, score

    loaded, round_ = _load(folder)
    card = score(loaded.rubric, round_.records, loaded.register, Provenance(loaded.sha256, round_.sha256, round_.info))
    return loaded, card


def _xlsx_cells(data: bytes) -> list[tuple[str, list[list[t.Any]]]]:
    """Every sheet's cell values in a workbook we wrote, to give the floor the same work."""
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return [(ws.title, [list(row) for row in ws.iter_rows(values_only=True)]) for ws in book.worksheets]


def _floor_xlsx(sheets: list[tuple[str, list[list[t.Any]]]]) -> None:
    import io

    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    for title, rows in sheets:
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    book.save(io.BytesIO())


def _captured_renders(card: t.Any, rubric: t.Any) -> list[tuple[t.Any, dict[str, t.Any]]]:
    """Run our HTML writer once, recording each template and the context it was given."""
    import jinja2

    from scorecard.render import html

    captured: list[tuple[t.Any, dict[str, t.Any]]] = []
    real = jinja2.Template.render

    def spy(self: jinja2.Template, *args: t.Any, **kwargs: t.Any) -> str:
        captured.append((self, dict(*args, **kwargs)))
        return real(self, *args, **kwargs)

    jinja2.Template.render = spy  # type: ignore[method-assign]
    try:
        html.render(card, rubric)
    finally:
        jinja2.Template.render = real  # type: ignore[method-assign]
    return captured


def child(stage: str, folder: Path) -> dict[str, float]:
    """Run one stage once; return its seconds and this process's peak memory."""
    # Import everything first: a user pays for imports once per command, and the command stage
    # measures that; the stages measure the work.
    import scorecard.engine
    import scorecard.evidence
    import scorecard.rubric  # noqa: F401
    from scorecard.render import RENDERER_BY_FORMAT, render

    for target in RENDERER_BY_FORMAT.values():
        __import__(target.split(":")[0])

    if stage == "validate":
        start = time.perf_counter()
        _load(folder)
        seconds = time.perf_counter() - start
    elif stage == "score":
        from scorecard.engine import Provenance, score

        loaded, round_ = _load(folder)
        start = time.perf_counter()
        score(loaded.rubric, round_.records, loaded.register, Provenance(loaded.sha256, round_.sha256, round_.info))
        seconds = time.perf_counter() - start
    elif stage in ("json", "xlsx", "html"):
        loaded, card = _scorecard(folder)
        start = time.perf_counter()
        render([stage], card, loaded.rubric)
        seconds = time.perf_counter() - start
    elif stage == "workbook":
        from scorecard.render.excel import scorecard_workbook

        loaded, card = _scorecard(folder)
        start = time.perf_counter()
        scorecard_workbook(card, loaded.rubric)
        seconds = time.perf_counter() - start
    elif stage == "xlsx-floor":
        loaded, card = _scorecard(folder)
        sheets = _xlsx_cells(render(["xlsx"], card, loaded.rubric)["scorecard.xlsx"])
        start = time.perf_counter()
        _floor_xlsx(sheets)
        seconds = time.perf_counter() - start
    elif stage == "html-floor":
        loaded, card = _scorecard(folder)
        captured = _captured_renders(card, loaded.rubric)
        environment = captured[0][0].environment
        # jinja2 alone would compile each template from its source once, as our writer does,
        # then render every page: at 42 bodies compiling is most of the work.
        sources = [environment.loader.get_source(environment, name) for name in environment.loader.list_templates() if name.endswith(".html")]
        start = time.perf_counter()
        for source, filename, _ in sources:
            environment.compile(source, filename=filename)
        for template, context in captured:
            template.render(context)
        seconds = time.perf_counter() - start
    else:
        raise SystemExit(f"unknown stage {stage}")
    return {"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


# ---------------------------------------------------------------- in the parent


def _run_child(stage: str, folder: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, str(Path(__file__)), "--child", stage, str(folder)], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout)


def _run_command(folder: Path) -> dict[str, float]:
    """The whole command as a user runs it: wall time and the process's peak memory."""
    with tempfile.TemporaryDirectory() as out:
        command = [str(Path(sys.executable).parent / "scorecard"), "score", str(folder / "evidence"),
                   "--rubric", str(folder / "rubric.yaml"), "--out", out, "-q"]
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"scorecard score failed: {process.stderr.read().decode() if process.stderr else ''}")
    return {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024}


def _help_time() -> float:
    command = [str(Path(sys.executable).parent / "scorecard"), "--help"]
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    return {"seconds": statistics.median(r["seconds"] for r in runs), "peak_mb": max(r["peak_mb"] for r in runs)}


def machine() -> str:
    from importlib.metadata import version

    from scorecard import __version__

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB; {platform.platform()}; Python {platform.python_version()}; "
        f"scorecard {__version__}, "
        + ", ".join(f"{name} {version(name)}" for name in ("pydantic", "jsonschema", "jsonschema-rs", "XlsxWriter", "openpyxl", "jinja2"))
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="42,1000,10000", help="comma-separated body counts (default: %(default)s)")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement; the median is reported (default: %(default)s)")
    parser.add_argument("--out", type=Path, help="write the Markdown report here (default: print it)")
    parser.add_argument("--child", nargs=2, metavar=("STAGE", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]))))
        return

    sys.path.insert(0, str(HERE))
    from generate import generate

    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[int, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory() as work:
        for n in sizes:
            folder = Path(work) / str(n)
            generate(n, folder, seed=1)
            results[n] = {}
            for stage in (*STAGES, "command"):
                runs = [(_run_command(folder) if stage == "command" else _run_child(stage, folder)) for _ in range(args.runs)]
                results[n][stage] = _median(runs)
                print(f"{n:>6} {stage:<11} {results[n][stage]['seconds']:8.3f} s {results[n][stage]['peak_mb']:8.1f} MB", file=sys.stderr)
    help_seconds = statistics.median(_help_time() for _ in range(args.runs))
    report = _report(sizes, results, help_seconds, args.runs)
    if args.out:
        args.out.write_text(report, "utf-8")
    else:
        print(report)


def _report(sizes: list[int], results: dict[int, dict[str, dict[str, float]]], help_seconds: float, runs: int) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {machine()}.",
        "",
        f"Reproduce: `python bench/run.py --sizes {','.join(map(str, sizes))} --runs {runs} --out bench/RESULTS.md` "
        "(synthetic rounds from `bench/generate.py`, seed 1). Times are medians of "
        f"{runs} runs, each stage in a fresh process; memory is that process's peak resident set.",
        "",
        f"`scorecard --help`: {help_seconds:.3f} s (target under 0.3 s).",
        "",
        "| stage | " + " | ".join(f"{n:,} bodies" for n in sizes) + " |",
        "|---|" + "---|" * len(sizes),
    ]
    for stage in (*STAGES, "command"):
        cells = [f"{results[n][stage]['seconds']:.3f} s, {results[n][stage]['peak_mb']:.0f} MB" for n in sizes]
        lines.append(f"| {stage} | " + " | ".join(cells) + " |")
    lines += ["", "Derived:", ""]
    for n in sizes:
        r = results[n]
        rate = n / r["validate"]["seconds"] if r["validate"]["seconds"] else float("inf")
        lines.append(
            f"* {n:,} bodies: validation {rate:,.0f} records/s; XlsxWriter workbook {r['workbook']['seconds'] / r['xlsx-floor']['seconds']:.2f}x "
            f"the openpyxl write-only floor writing the same cells; html writer {r['html']['seconds'] / r['html-floor']['seconds']:.2f}x the jinja2 floor; "
            f"whole command {1000 * r['command']['seconds'] / n:.2f} ms a body."
        )
    if len(sizes) >= 2:
        small, large = sizes[-2], sizes[-1]
        per_small = results[small]["command"]["seconds"] / small
        per_large = results[large]["command"]["seconds"] / large
        lines.append(f"* Time per body at {large:,} is {per_large / per_small:.2f}x the time per body at {small:,} (target at most 1.3x).")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
