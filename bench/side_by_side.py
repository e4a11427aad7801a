"""bench/run.sh's table: each engine's req/s, p50 and p99 per route side by side, with the targets
(p99 under 50 ms for the four pages, at least 1,000 req/s for the API list, the province's
compliance under 2 s), each marked met (✓) or missed (✗).
Usage: python3 bench/side_by_side.py WORK ENGINE...  (WORK/ENGINE.tsv, WORK/ENGINE-province.txt)"""
import os
import sys

NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# Per row of ENGINE.tsv, in bench/run.sh's order: (label, p99 limit in ms, minimum req/s).
TARGETS = [("p99 < 50 ms", 50, 0), ("p99 < 50 ms", 50, 0), ("p99 < 50 ms, ≥ 1,000 req/s", 50, 1000), ("p99 < 50 ms", 50, 0), ("", None, 0)]


def ms(text):
    for unit, factor in (("us", 1e-3), ("ms", 1.0), ("s", 1000.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float("nan")


def main(work, engines):
    rows = {e: [line.rstrip("\n").split("\t") for line in open(os.path.join(work, e + ".tsv"))] for e in engines}
    print()
    print("| route | target | " + " | ".join(f"{NAMES[e]} req/s | p50 | p99" for e in engines) + " |")
    print("|" + "---|" * (2 + 3 * len(engines)))
    for i, (label, limit, minimum) in enumerate(TARGETS):
        cells = []
        for e in engines:
            route, rps, p50, p99, errors = (rows[e][i] + [""] * 5)[:5]
            mark = ""
            if limit is not None:
                mark = " ✓" if ms(p99) < limit and float(rps or 0) >= minimum else " ✗"
            cells.append(f"{rps} | {p50} | {p99}{mark}" + (f" ({errors.strip()})" if errors.strip() else ""))
        print(f"| {rows[engines[0]][i][0]} | {label} | " + " | ".join(cells) + " |")
    print()
    for e in engines:
        stations, year, times = open(os.path.join(work, e + "-province.txt")).read().rstrip("\n").split("\t")
        best = min(float(t) for t in times.split())
        print(f"{NAMES[e]}: GET /api/v1/compliance?year={year} — {stations} stations, three runs: {times} s "
              f"(target: under 2 s{' ✓' if best < 2 else ' ✗'})")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
