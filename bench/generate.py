"""Synthetic evidence for benchmarks: N bodies answering a rubric, deterministic for a seed.

    python bench/generate.py N OUTDIR [--seed S] [--rubric PATH|ID]

writes OUTDIR/register.csv (N made-up bodies), OUTDIR/rubric.yaml (the rubric, unchanged except
that it names that register) and OUTDIR/evidence/ (one record per body and a round.json), so that

    scorecard score OUTDIR/evidence --rubric OUTDIR/rubric.yaml

runs as is. The mix is meant to look like a real round: most bodies reply, some refuse, some stay
silent; replies leave some criteria unanswered or not held; notes are a few sentences long and
records cite one to three sources. Nothing here is real data.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
import typing as t
from pathlib import Path

from scorecard.models.rubric import BooleanAnswer, ChoiceAnswer, MultiAnswer, NumberAnswer, Rubric
from scorecard.rubric import find_rubric_option, load_rubric

WORDS = (  # noqa: SIM905 (prose to read, not a list of 54 words)
    "the board said it is reviewing its pathway with local practices and expects to agree a plan "
    "after consulting patients clinicians pharmacists and commissioners during the coming year while "
    "training for prescribers continues and data on long term prescribing is shared monthly with "
    "primary care networks although no dedicated service has been commissioned yet"
).split()
REGIONS = ("North", "Midlands", "East", "London", "South East", "South West")


def _note(rng: random.Random) -> str:
    sentences = []
    for _ in range(rng.randint(1, 3)):
        words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
        sentences.append(" ".join(words).capitalize() + ".")
    return " ".join(sentences)


def _value(rng: random.Random, answer: t.Any) -> t.Any:
    if isinstance(answer, ChoiceAnswer):
        return rng.choice(answer.options).value
    if isinstance(answer, MultiAnswer):
        return [o.value for o in answer.options if rng.random() < 0.5]
    if isinstance(answer, BooleanAnswer):
        return rng.random() < 0.5
    assert isinstance(answer, NumberAnswer)
    low = answer.minimum if answer.minimum is not None else 0.0
    high = answer.maximum if answer.maximum is not None else low + 100.0
    return round(rng.uniform(low, high), 2)


def _record(rng: random.Random, rubric: Rubric, code: str, round_id: str) -> dict[str, t.Any]:
    roll = rng.random()
    response = "replied" if roll < 0.8 else "refused" if roll < 0.85 else "no-reply"
    sources = [
        {
            "id": f"s{i}",
            "title": f"Reply from {code}, part {i}",
            "date": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "url": f"https://example.org/{code.lower()}/{i}",
            "reference": f"FOI-{rng.randint(1000, 9999)}",
        }
        for i in range(1, rng.randint(1, 3) + 1)
    ]
    answers: dict[str, t.Any] = {}
    if response == "replied":
        for criterion_id, (_, criterion) in rubric.criteria.items():
            roll = rng.random()
            if roll < 0.10:
                continue  # not answered
            if roll < 0.18:
                answers[criterion_id] = {"outcome": "not-held", "note": _note(rng)}
            elif roll < 0.21:
                answers[criterion_id] = {"outcome": "not-applicable", "note": _note(rng)}
            else:
                answers[criterion_id] = {"value": _value(rng, criterion.answer), "source": rng.choice(sources)["id"], "note": _note(rng)}
    return {
        "organisation": code,
        "rubric": {"id": rubric.id, "version": rubric.version},
        "round": round_id,
        "kind": "foi-response",
        "response": response,
        "assessor": "Benchmark generator",
        "assessed_on": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "sources": sources,
        "answers": answers,
    }


def generate(n: int, out: Path, seed: int = 1, rubric_ref: str = "nhse-dfm-2023") -> Path:
    path = find_rubric_option(rubric_ref)
    if path is None:
        raise SystemExit(f"generate: no rubric {rubric_ref!r}")
    rubric = load_rubric(path).rubric
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    evidence = out / "evidence"
    evidence.mkdir(exist_ok=True)
    for old in evidence.glob("*.json"):
        old.unlink()
    codes = [f"X{i:05d}" for i in range(n)]
    with (out / "register.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "name", "short_name", "region"])
        for code in codes:
            writer.writerow([code, f"Synthetic body {code}", code, rng.choice(REGIONS)])
    text = path.read_text("utf-8")
    text, count = re.subn(r"(?m)^register:.*$", "register: register.csv", text)
    if count != 1:
        raise SystemExit(f"generate: {path} has no top-level register line to replace")
    (out / "rubric.yaml").write_text(text, "utf-8")
    round_id = f"synthetic-{n}"
    for code in codes:
        data = _record(rng, rubric, code, round_id)
        (evidence / f"{code}.json").write_text(json.dumps(data, indent=2) + "\n", "utf-8")
    info = {"round": round_id, "title": f"Synthetic round of {n:,} bodies (benchmark only)", "illustrative": True}
    (evidence / "round.json").write_text(json.dumps(info, indent=2) + "\n", "utf-8")
    return evidence


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of bodies")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rubric", default="nhse-dfm-2023", help="rubric file or bundled id (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    evidence = generate(args.n, args.outdir, args.seed, args.rubric)
    print(f"wrote {args.n:,} records to {evidence}", file=sys.stderr)


if __name__ == "__main__":
    main()
