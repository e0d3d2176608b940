"""Rebuild the area overlays of the ICB registers from the reference data (run from the repository
root: `python3 rubrics/registers/overlays/derive.py /work/shared/reference`).

Writes, for each register, `<register>/areas.csv` (one row per constituency and ICB) and
`<register>/map.hexjson` (the hex layout). README.md beside this script says where every input
comes from and how the 2026 files are derived; this script is that description, runnable, so the
shipped files can be checked. Standard library only; the output is the same for the same input.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REGISTERS = HERE.parent

# The local authorities (LAD24CD) of each ICB split on 1 April 2026, by the successor that took
# them. The succession file names the parts (Hertfordshire / west Essex; Suffolk / north east
# Essex; east Berkshire / Farnham and Surrey Heath / the rest to Hampshire and Isle of Wight):
# these are the local authorities those parts are made of. Each code was checked against the
# constituencies it feeds in lad24-pcon24-shares.json (e.g. E07000214 feeds only Surrey Heath).
SPLIT_BY_LOCAL_AUTHORITY: dict[str, dict[str, str]] = {
    "QM7": {  # Hertfordshire and West Essex
        "E07000095": "S1Y5D", "E07000096": "S1Y5D", "E07000098": "S1Y5D", "E07000099": "S1Y5D",
        "E07000102": "S1Y5D", "E07000103": "S1Y5D", "E07000240": "S1Y5D", "E07000241": "S1Y5D",
        "E07000242": "S1Y5D", "E07000243": "S1Y5D",  # the ten Hertfordshire districts
        "E07000072": "D7T5G", "E07000073": "D7T5G", "E07000077": "D7T5G",  # Epping Forest, Harlow, Uttlesford
    },
    "QJG": {  # Suffolk and North East Essex
        "E07000200": "T6Y0W", "E07000202": "T6Y0W", "E07000203": "T6Y0W", "E07000244": "T6Y0W",
        "E07000245": "T6Y0W",  # Babergh, Ipswich, Mid Suffolk, East Suffolk, West Suffolk
        "E07000071": "D7T5G", "E07000076": "D7T5G",  # Colchester, Tendring
    },
    "QNQ": {  # Frimley
        "E06000036": "S0E4D", "E06000039": "S0E4D", "E06000040": "S0E4D",  # Bracknell Forest, Slough, Windsor and Maidenhead
        "E07000214": "S9B9J", "E07000216": "S9B9J",  # Surrey Heath, Waverley (Farnham)
        "E07000209": "S9B9J",  # Guildford (Ash): in Surrey, but the succession file does not name it
        "E07000089": "QRL", "E07000092": "QRL",  # Hart, Rushmoor
    },
}
# Local authorities whose part of a split ICB is not named by the succession file: a share placed
# through one of them is marked as an estimate.
UNNAMED_PART = {"E07000209"}

# Short labels for the six ICBs opened in 2026 (the 2022 layout gives the others theirs).
NEW_LABELS = {"S1Y5D": "CEA", "D7T5G": "ESX", "T6Y0W": "N&S", "Z9B2Z": "WNL", "S0E4D": "TV", "S9B9J": "SSX"}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def successors(changes: list[dict[str, str]]) -> tuple[dict[str, str], set[str]]:
    """Whole predecessor -> successor, and the split predecessors."""
    whole: dict[str, str] = {}
    split: set[str] = set()
    for row in changes:
        for part in row["predecessors"].split(";"):
            code = part.split("(")[0].strip()
            if "(" in part:
                split.add(code)
            elif code != row["code"]:
                whole[code] = row["code"]
    return whole, split


def rows_2022(reference: Path) -> list[dict[str, str]]:
    mps = {r["PCON24CD"]: r["MP"] for r in read_csv(reference / "constituencies" / "mps-2026-04-03.csv")}
    out = []
    for r in read_csv(reference / "constituencies" / "pcon24-icb22-overlap.csv"):
        out.append({
            "area_code": r["PCON24CD"], "area_name": r["PCON24NM"], "representative": mps[r["PCON24CD"]],
            "body": r["icb22_code_h"], "share": f"{float(r['share_of_constituency_pop']):.4f}", "estimated": "",
        })
    return out


def rows_2026(rows: list[dict[str, str]], reference: Path, changes: list[dict[str, str]]) -> list[dict[str, str]]:
    whole, split = successors(changes)
    lad = json.loads((reference / "constituencies" / "lad24-pcon24-shares.json").read_text("utf-8"))
    in_constituency: dict[str, dict[str, float]] = {}
    for authority, shares in lad.items():
        for constituency, share in shares.items():
            in_constituency.setdefault(constituency, {})[authority] = share
    totals: dict[tuple[str, str], list[float | bool]] = {}
    for r in rows:
        share = float(r["share"])
        if r["body"] in split:
            parts = SPLIT_BY_LOCAL_AUTHORITY[r["body"]]
            authorities = {a: w for a, w in in_constituency[r["area_code"]].items() if a in parts}
            if not authorities:
                raise SystemExit(f"{r['area_name']}: no local authority of {r['body']} found")
            taken = {parts[a] for a in authorities}
            weight = sum(authorities.values())
            # One successor: the whole share goes to it. Several: divided by the local authorities'
            # weights in the lookup (basis undocumented), so an estimate.
            guess = len(taken) > 1 or any(a in UNNAMED_PART for a in authorities)
            placed = [(parts[a], share * w / weight) for a, w in authorities.items()] if len(taken) > 1 else [(taken.pop(), share)]
        else:
            placed, guess = [(whole.get(r["body"], r["body"]), share)], False
        for body, part in placed:
            entry = totals.setdefault((r["area_code"], body), [0.0, False, r["area_name"], r["representative"]])  # type: ignore[list-item]
            entry[0] += part  # type: ignore[operator]
            entry[1] = entry[1] or guess
    return [
        {"area_code": code, "area_name": str(e[2]), "representative": str(e[3]), "body": body,
         "share": f"{e[0]:.4f}", "estimated": "yes" if e[1] else ""}
        for (code, body), e in sorted(totals.items())
    ]


def _cube(q: int, r: int) -> tuple[float, float]:
    # odd-r offset -> axial coordinates, so distances between hexes are honest
    return q - (r - (r & 1)) / 2, r


def layout_2026(layout: dict, changes: list[dict[str, str]], register_2026: list[dict[str, str]]) -> dict:
    """Each successor at the hex of one of its whole predecessors: the one nearest the mean
    position of all of them (ties: the first in code order). Bodies that kept their code keep
    their hex. The hexes of split bodies and of the other merged predecessors are left empty."""
    hexes = layout["hexes"]
    by_successor: dict[str, list[str]] = {}
    for row in changes:
        by_successor[row["code"]] = sorted(p for p in (x.strip() for x in row["predecessors"].split(";")) if "(" not in p)
    out = {}
    for body in sorted(r["code"] for r in register_2026):
        predecessors = by_successor.get(body, [body])
        points = [_cube(hexes[p]["q"], hexes[p]["r"]) for p in predecessors]
        mean = (sum(x for x, _ in points) / len(points), sum(y for _, y in points) / len(points))
        chosen = min(predecessors, key=lambda p: (abs(_cube(hexes[p]["q"], hexes[p]["r"])[0] - mean[0])
                                                  + abs(_cube(hexes[p]["q"], hexes[p]["r"])[1] - mean[1]), p))
        hex_ = hexes[chosen]
        out[body] = {"n": NEW_LABELS.get(body, hex_["n"]), "q": hex_["q"], "r": hex_["r"], "from": ";".join(predecessors)}
    return {"layout": layout["layout"], "hexes": out}


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["area_code", "area_name", "representative", "body", "share", "estimated"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(sorted(rows, key=lambda r: (r["area_name"], r["body"])))


def main(reference: Path, out: Path = HERE) -> None:
    changes = read_csv(REGISTERS / "icb-changes-2026.csv")
    layout = json.loads((reference / "maps" / "nhs-icb-2022.hexjson").read_text("utf-8"))
    old = rows_2022(reference)
    write_csv(out / "icbs-2022" / "areas.csv", old)
    write_csv(out / "icbs-2026" / "areas.csv", rows_2026(old, reference, changes))
    kept = {code: {"n": h["n"], "q": h["q"], "r": h["r"]} for code, h in sorted(layout["hexes"].items())}
    (out / "icbs-2022" / "map.hexjson").write_text(json.dumps({"layout": layout["layout"], "hexes": kept}, indent=1) + "\n", "utf-8")
    new = layout_2026(layout, changes, read_csv(REGISTERS / "icbs-2026.csv"))
    (out / "icbs-2026" / "map.hexjson").write_text(json.dumps(new, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        raise SystemExit("usage: derive.py REFERENCE_FOLDER [OUTPUT_FOLDER]")
    main(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) == 3 else HERE)
