"""What each of the package's fast paths buys: every one turned off in turn, on one synthetic round.

    python bench/fastpaths.py [--size 10000] [--runs 3] [--out bench/FASTPATHS.md]

Each fast path is a plainer way of doing the same thing that the package does not take, because
this benchmark shows it costs time or memory that matters. For each, the stage it speeds up (see
bench/run.py) is run with it on and with it off, in fresh processes, alternating, and the medians
are compared; the outputs are the same either way (tests hold the fast paths to that). On a
shared machine compare the ratios, not the absolute times. Fast paths the benchmark showed worth
little were removed from the package; bench/RESULTS.md says which.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import typing as t
from pathlib import Path

HERE = Path(__file__).resolve().parent

# name -> (stage it speeds up, what turning it off means)
FAST_PATHS: dict[str, tuple[str, str]] = {
    "collector paused while loading": ("validate", "the cyclic collector left running while records load"),
    "cheap look before the lone-surrogate pattern": ("validate", "the precise pattern run on every file"),
    "compiled validator decides": ("validate", "jsonschema (which words the errors) deciding every record"),
    "records built from the bytes": ("validate", "records built from the parsed document"),
    "each distinct answer scored once": ("score", "every answer of every body scored"),
    "scorecard.json body by body": ("json", "one call of the serialiser for the whole scorecard"),
    "organisation page looks sources up": ("html", "a macro call for every source cited"),
}


# ---------------------------------------------------------------- in the child process


def _turn_off(name: str) -> None:  # one branch per fast path, read as a list
    """Replace one fast path by the plain way it stands for, in this process only."""
    import re

    from scorecard import engine, evidence, loaders, summary

    if name == "collector paused while loading":
        evidence.collector = type("NoPause", (), {"paused": staticmethod(contextlib.nullcontext)})
    elif name == "cheap look before the lone-surrogate pattern":
        loaders._SURROGATE_ESCAPE = re.compile("")  # matches every text: the precise pattern always runs
    elif name == "compiled validator decides":

        def errors(self: t.Any, document: t.Any, name: str) -> list[t.Any]:
            loaders.check_depth(document, name)
            return evidence._plainest(evidence._validator(self.schema).iter_errors(document))

        evidence.RecordValidator.errors = errors
    elif name == "records built from the bytes":
        real, real_parse = evidence.Record, evidence.parse_json
        last: dict[str, t.Any] = {}

        def parse(data: bytes, name: str) -> t.Any:
            last["document"] = real_parse(data, name)
            return last["document"]

        class FromDocument:  # the record just parsed, validated from the document instead
            @staticmethod
            def model_validate_json(data: bytes) -> t.Any:
                return real.model_validate(last["document"])

        evidence.parse_json = parse
        evidence.Record = FromDocument
    elif name == "each distinct answer scored once":

        def score(self: t.Any, plan: t.Any, answer: t.Any) -> t.Any:
            scored = engine.score_answer(plan.criterion, answer, plan.ranks)
            weighted = None if scored.points is None else scored.points * plan.per_point
            return (summary.as_float(scored.points), scored.descriptor, weighted)

        engine._Scoring.score = score
    elif name == "scorecard.json body by body":
        from scorecard.render import json_

        json_.dumps = lambda card: card.__pydantic_serializer__.to_json(card, indent=2) + b"\n"
    elif name == "organisation page looks sources up":
        from scorecard.render import html

        templates = Path(tempfile.mkdtemp()) / "templates"
        shutil.copytree(html.data_dir("templates"), templates)
        page = templates / "organisation.html"
        text = page.read_text("utf-8")
        text = re.sub(r"\{% set cited = \{\} %\}.*?\{% endfor %\}\n", "", text, count=1)
        text = text.replace("cited[c.source.id]", "source_link(c.source)").replace("cited[source.id]", "source_link(source)")
        page.write_text(text, "utf-8")
        html.data_dir = lambda name: templates if name == "templates" else Path(name)
    else:
        raise SystemExit(f"unknown fast path {name}")


def child(stage: str, folder: Path, off: str | None) -> dict[str, float]:
    sys.path.insert(0, str(HERE))
    import run

    if off:
        _turn_off(off)
    return run.child(stage, folder)


# ---------------------------------------------------------------- in the parent


def _run(stage: str, folder: Path, off: str | None) -> dict[str, float]:
    command = [sys.executable, str(Path(__file__)), "--child", stage, str(folder), off or ""]
    out = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10_000, help="bodies in the synthetic round (default: %(default)s)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each, alternating; the median is reported (default: %(default)s)")
    parser.add_argument("--only", action="append", choices=sorted(FAST_PATHS), help="measure only this fast path (repeatable)")
    parser.add_argument("--out", type=Path, help="write the Markdown report here (default: print it)")
    parser.add_argument("--child", nargs=3, metavar=("STAGE", "FOLDER", "OFF"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]), args.child[2] or None)))
        return

    sys.path.insert(0, str(HERE))
    from generate import generate
    from run import machine

    names = args.only or list(FAST_PATHS)
    rows = []
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / str(args.size)
        generate(args.size, folder, seed=1)
        for name in names:
            stage, _ = FAST_PATHS[name]
            on: list[dict[str, float]] = []
            off: list[dict[str, float]] = []
            for _ in range(args.runs):
                on.append(_run(stage, folder, None))
                off.append(_run(stage, folder, name))
            row = [statistics.median(r["seconds"] for r in runs) for runs in (on, off)] + [max(r["peak_mb"] for r in runs) for runs in (on, off)]
            rows.append((name, stage, *row))
            print(f"{name:<45} {stage:<8} on {row[0]:7.3f} s {row[2]:5.0f} MB  off {row[1]:7.3f} s {row[3]:5.0f} MB", file=sys.stderr)
    lines = [
        "# What each fast path buys",
        "",
        f"Machine: {machine()}.",
        "",
        f"Reproduce: `python bench/fastpaths.py --size {args.size} --runs {args.runs}` (synthetic round from "
        f"`bench/generate.py`, seed 1, {args.size:,} bodies). Each row runs one stage of bench/run.py with the "
        f"fast path on and off, alternating, {args.runs} runs each in fresh processes; times are medians, "
        "memory the largest peak resident set.",
        "",
        "| fast path | stage | on | off (the plain way) | off / on |",
        "|---|---|---|---|---|",
    ]
    for name, stage, on_s, off_s, on_mb, off_mb in rows:
        lines.append(
            f"| {name} | {stage} | {on_s:.3f} s, {on_mb:.0f} MB | {off_s:.3f} s, {off_mb:.0f} MB ({FAST_PATHS[name][1]}) "
            f"| {off_s / on_s:.2f}x time, {off_mb - on_mb:+.0f} MB |"
        )
    report = "\n".join(lines) + "\n"
    if args.out:
        args.out.write_text(report, "utf-8")
    else:
        print(report)


if __name__ == "__main__":
    main()
