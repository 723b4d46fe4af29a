"""How far the speed verdict can be trusted, at default settings.

- false-accept rate over A/A verdicts (a baseline against itself; goal <= 1%);
- detection rate of a true 10% and a true 5% speedup (synthetic `busy` target; goal >= 95% for 10%);
- median seconds per verdict for each bundled target (goal <= 15 s);
- harness overhead: verdict wall time minus time inside timed calls, as a fraction (goal <= 30%);
- the seconds the fresh-process checks add to an accepting verdict, per bundled target;
- per target, how the trusted figures agree with the in-process ones: the share of the claimed
  CPU saving per round the kernel's count of each process's CPU time sees (1: all of it), and
  the CPU per round outside the timer beyond the baseline's (`kernel_unseen_s`).

Writes results/benchmarks/verdict_quality.json.

    .venv/bin/python benchmarks/verdict_quality.py [--aa 100] [--detect 40]
"""

import argparse
from pathlib import Path
from typing import Any

from _common import median, timed_verdict, write
from rich.console import Console

from harness.bench.runner import BenchSettings
from harness.targets.loader import bundled_names, load_target

BUSY = Path(__file__).resolve().parent / "busy"
SETTINGS = BenchSettings()


def aa_verdicts(count: int) -> list[dict[str, Any]]:
    names = bundled_names()
    runs = []
    for index in range(count):
        target = load_target(names[index % len(names)])
        runs.append(timed_verdict(target, target.baseline_source(), 1000 + index, SETTINGS))
        print(
            f"A/A {index + 1}/{count} {target.name}: accepted={runs[-1]['accepted']} "
            f"{runs[-1]['seconds']:.1f}s {runs[-1]['reason']}",
            flush=True,
        )
    return runs


def detection(example: str, count: int) -> list[dict[str, Any]]:
    target = load_target(str(BUSY))
    source = (BUSY / "examples" / f"{example}.py").read_text()
    runs = []
    for index in range(count):
        runs.append(timed_verdict(target, source, 2000 + index, SETTINGS))
        print(
            f"{example} {index + 1}/{count}: accepted={runs[-1]['accepted']} "
            f"speedup={runs[-1]['speedup']}",
            flush=True,
        )
    return runs


def true_speedup(example: str) -> float | None:
    """The speedup measured with a long budget: what the short verdicts try to detect."""
    target = load_target(str(BUSY))
    source = (BUSY / "examples" / f"{example}.py").read_text()
    long_run = BenchSettings(min_blocks=40, max_blocks=40, budget_seconds=600)
    return timed_verdict(target, source, 7, long_run)["speedup"]


def fast_verdicts() -> list[dict[str, Any]]:
    runs = []
    for name in bundled_names():
        target = load_target(name)
        source = (target.folder / "examples" / "fast.py").read_text()
        runs.extend(timed_verdict(target, source, 3000 + i, SETTINGS) for i in range(5))
    return runs


def overhead(runs: list[dict[str, Any]], key: str) -> float | None:
    """The median over verdicts of (wall - timed) / wall."""
    fractions = [(r[key] - r["timed_seconds"]) / r[key] for r in runs if r["timed_seconds"]]
    return median(fractions)


def pooled_overhead(runs: list[dict[str, Any]], key: str) -> float | None:
    """All verdicts' time outside timed calls over all their time: what a user waits for."""
    timed = [r for r in runs if r["timed_seconds"]]
    total = sum(r[key] for r in timed)
    return (total - sum(r["timed_seconds"] for r in timed)) / total if total else None


def agreement(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Median and range of the kernel clock's agreement and of its unseen CPU per round."""
    shares = sorted(r["kernel_agreement"] for r in runs if r["kernel_agreement"] is not None)
    unseen = sorted(r["kernel_unseen_s"] for r in runs if r["kernel_unseen_s"] is not None)
    return {
        "verdicts": len(runs),
        "agreement_median": median(shares),
        "agreement_range": [shares[0], shares[-1]] if shares else None,
        "unseen_ms_median": median([u * 1000 for u in unseen]),
        "unseen_ms_range": [unseen[0] * 1000, unseen[-1] * 1000] if unseen else None,
    }


def summarize(
    aa: list[dict[str, Any]],
    d10: list[dict[str, Any]],
    d5: list[dict[str, Any]],
    fast: list[dict[str, Any]],
    truths: dict[str, float | None],
) -> dict[str, Any]:
    everything = aa + fast
    per_target = {
        name: median([r["seconds"] for r in everything if r["target"] == name])
        for name in bundled_names()
    }
    return {
        "aa_verdicts": len(aa),
        "false_accept_rate": sum(r["accepted"] for r in aa) / len(aa) if aa else None,
        "detection_10pct": sum(r["accepted"] for r in d10) / len(d10) if d10 else None,
        "detection_5pct": sum(r["accepted"] for r in d5) / len(d5) if d5 else None,
        "true_speedups": truths,
        "median_seconds_per_verdict": per_target,
        # the fresh-process checks (one-time setup, results kept between calls), run when the
        # benchmark would accept: each bundled target's own faster example
        "fresh_check_seconds_per_target": {
            name: median(
                [r["fresh_seconds"] for r in fast if r["target"] == name and r["fresh_seconds"]]
            )
            for name in bundled_names()
        },
        "fast_examples_accepted": f"{sum(r['accepted'] for r in fast)}/{len(fast)}",
        # claimed savings of 5% to several times: the faster examples and the busy target
        "kernel_agreement_per_target": {
            name: agreement([r for r in fast if r["target"] == name]) for name in bundled_names()
        }
        | {"busy (5% and 10%)": agreement(d10 + d5)},
        # no saving claimed: A/A verdicts, where only the unseen CPU means anything
        "kernel_unseen_aa": agreement(aa),
        "overhead_fraction_of_verdict": overhead(everything, "seconds"),
        "overhead_fraction_of_benchmark_stage": overhead(everything, "bench_seconds"),
        "pooled_overhead_fraction_of_verdicts": pooled_overhead(everything, "seconds"),
        "settings": SETTINGS.model_dump(),
        "runs": {"aa": aa, "detect_10": d10, "detect_5": d5, "fast_examples": fast},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aa", type=int, default=100, help="A/A verdicts")
    parser.add_argument("--detect", type=int, default=40, help="verdicts per detection level")
    args = parser.parse_args()
    truths = {"faster_10": true_speedup("faster_10"), "faster_5": true_speedup("faster_5")}
    figures = summarize(
        aa_verdicts(args.aa),
        detection("faster_10", args.detect),
        detection("faster_5", args.detect),
        fast_verdicts(),
        truths,
    )
    path = write("verdict_quality", figures)
    shown = {key: value for key, value in figures.items() if key not in {"runs", "settings"}}
    Console().print(shown)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
