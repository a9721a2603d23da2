"""Refactor speed: how time grows with file size, and the CPU the whole tool spends on a corpus.

    python benchmarks/bench_refactor.py [--max N] [--budget S] [--rounds N] [--corpus DIR]
                                        [--skip-growth] [--skip-corpus] [--json]

Growth: ``codemod.refactor(text)`` (all passes) on synthetic files of 10 to 50,000
instructions in two shapes. "mixed" is a realistic file: FROM, then repeating blocks of apt,
pip and apk RUNs, COPY, ENV, WORKDIR, USER, an ONBUILD now and then, and every 250
instructions another FROM stage with ``COPY --from=0``. "runs" is one stage of consecutive
``RUN echo n``. Per size the table shows the best round in CPU seconds, microseconds per
instruction, and the growth exponent log(t2/t1)/log(n2/n1) from the size before: 1 is linear,
2 is quadratic. The overall exponent from 1,000 to 10,000 instructions should be at most 1.15.
A size is skipped (and said so) when the time predicted from the previous exponent exceeds
``--budget`` seconds; a size's extra rounds are only run while its total stays in the budget.

Corpus: every file of DIR (default ../shared/corpus/dev beside the repository), read
as UTF-8 with surrogateescape, then, in interleaved rounds, parsed only, refactored with all
passes, with merge-runs only and with name-stages only. Files the parser rejects
(codemod.ParseError) are counted and skipped. The table shows each one's best round in CPU
seconds and its ratio to parsing ("x parse"; ``codemod.parse`` reads an instruction's detail
only when asked, so parsing alone is cheap), then the 10 slowest files under all passes (best
round) with their size and instruction count.

All times are CPU seconds of this process (time.process_time): less disturbed than wall-clock
time by other work on a shared machine. Nothing is asserted; the figures are printed.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import codemod

ROOT = Path(__file__).resolve().parents[1]
SIZES = (10, 100, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000)
OVERALL = (1_000, 10_000)
TARGET_EXPONENT = 1.15
STAGE_EVERY = 250


# --- synthetic files ---------------------------------------------------------------------------

def _mixed_block(i: int) -> list[str]:
    block = [
        "RUN apt-get update",
        f"RUN apt-get install -y pkg{i}",
        f"COPY file{i} /dst/",
        f"ENV K_{i}=v",
        f"RUN pip install x{i}",
        f"RUN apk add y{i}",
        "WORKDIR /app",
        f"RUN echo {i}",
        f"USER u{i % 5}",
    ]
    if i % 7 == 3:
        block.append(f"ONBUILD RUN echo onbuild {i}")
    return block


def _mixed_lines() -> Iterator[str]:
    yield "FROM debian:12"
    count, stage, i = 1, 1, 0
    while True:
        for line in _mixed_block(i):
            if count and count % STAGE_EVERY == 0:
                yield "FROM alpine:3.19"
                yield f"COPY --from=0 /app /app{stage}"
                count, stage = count + 2, stage + 1
            yield line
            count += 1
        i += 1


def mixed(n: int) -> str:
    """FROM, then repeating realistic blocks, with an extra stage every STAGE_EVERY lines."""
    lines: list[str] = []
    for line in _mixed_lines():
        if len(lines) >= n:
            break
        lines.append(line)
    return "\n".join(lines[:n]) + "\n"


def runs(n: int) -> str:
    """One stage: FROM and n - 1 consecutive ``RUN echo i``."""
    return "FROM alpine:3.19\n" + "".join(f"RUN echo {i}\n" for i in range(n - 1))


SHAPES: dict[str, Callable[[int], str]] = {"mixed": mixed, "runs": runs}


# --- growth --------------------------------------------------------------------------------------

@dataclass
class Point:
    instructions: int
    seconds: float | None = None
    rounds: int = 0
    exponent: float | None = None
    skipped: str = ""

    @property
    def us_per_instruction(self) -> float | None:
        return None if self.seconds is None else self.seconds / self.instructions * 1e6


def cpu(fn: Callable[[], object]) -> float:
    gc.collect()
    start = time.process_time()
    fn()
    return time.process_time() - start


def exponent(a: Point, b: Point) -> float | None:
    if not a.seconds or not b.seconds:
        return None
    return math.log(b.seconds / a.seconds) / math.log(b.instructions / a.instructions)


def predicted(done: list[Point], n: int) -> float | None:
    """Seconds predicted for n instructions from the last two measured sizes (at least linear)."""
    measured = [p for p in done if p.seconds is not None]
    if not measured:
        return None
    last = measured[-1]
    slope = max(last.exponent or 1.0, 1.0)
    return (last.seconds or 0.0) * math.pow(n / last.instructions, slope)


def measure_size(texts: dict[str, str], points: dict[str, Point], rounds: int, budget: float) -> None:
    """Interleaved rounds over the shapes; a shape stops repeating once another round would
    take its total for this size past the budget."""
    spent = {name: 0.0 for name in texts}
    for r in range(rounds):
        for name, text in texts.items():
            point = points[name]
            if r and spent[name] + (point.seconds or 0.0) > budget:
                continue
            clear_caches()  # every size starts cold: no instruction read by an earlier round
            seconds = cpu(lambda: codemod.refactor(text))
            spent[name] += seconds
            point.seconds = seconds if point.seconds is None else min(point.seconds, seconds)
            point.rounds += 1


def growth(sizes: list[int], rounds: int, budget: float) -> dict[str, list[Point]]:
    results: dict[str, list[Point]] = {name: [] for name in SHAPES}
    for n in sizes:
        texts: dict[str, str] = {}
        points: dict[str, Point] = {}
        for name, make in SHAPES.items():
            point = Point(n)
            results[name].append(point)
            guess = predicted(results[name][:-1], n)
            if guess is not None and guess > budget:
                point.skipped = f"predicted {guess:.0f} s > budget {budget:.0f} s"
            else:
                texts[name], points[name] = make(n), point
        measure_size(texts, points, rounds, budget)
        for name in points:
            done = [p for p in results[name][:-1] if p.seconds is not None]
            if done:
                points[name].exponent = exponent(done[-1], points[name])
        for name in SHAPES:
            print_point(name, results[name][-1])
    return results


def overall(points: list[Point]) -> tuple[str, float | None]:
    by_size = {p.instructions: p for p in points if p.seconds is not None}
    low, high = OVERALL
    if low in by_size and high in by_size:
        return f"{low:,} -> {high:,}", exponent(by_size[low], by_size[high])
    larger = [n for n in by_size if n > low]
    if low in by_size and larger:
        return f"{low:,} -> {max(larger):,} (largest measured)", exponent(by_size[low], by_size[max(larger)])
    return f"{low:,} -> {high:,}", None


def fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def print_point(shape: str, p: Point) -> None:
    if p.skipped:
        print(f"{shape:<6} {p.instructions:>8,}  skipped: {p.skipped}", flush=True)
        return
    print(
        f"{shape:<6} {p.instructions:>8,} {p.rounds:>6} {fmt(p.seconds, '.4f'):>10} "
        f"{fmt(p.us_per_instruction, '.1f'):>10} {fmt(p.exponent, '.2f'):>9}",
        flush=True,
    )


def report_growth(results: dict[str, list[Point]]) -> dict[str, object]:
    out: dict[str, object] = {}
    for name, points in results.items():
        span, value = overall(points)
        verdict = "" if value is None else (" (within target)" if value <= TARGET_EXPONENT else " (over target)")
        print(f"{name}: overall exponent {span}: {fmt(value, '.2f')}; target <= {TARGET_EXPONENT}{verdict}")
        out[name] = {
            "points": [asdict(p) | {"us_per_instruction": p.us_per_instruction} for p in points],
            "overall": {"span": span, "exponent": value},
        }
    return out


# --- corpus --------------------------------------------------------------------------------------

@dataclass
class Corpus:
    paths: list[Path]
    texts: list[str]
    read_seconds: float
    megabytes: float = field(init=False)

    def __post_init__(self) -> None:
        self.megabytes = sum(len(t.encode("utf-8", "surrogateescape")) for t in self.texts) / 1e6


def load(directory: Path) -> Corpus:
    start = time.process_time()
    paths = sorted(p for p in directory.rglob("*") if p.is_file())
    texts = [p.read_bytes().decode("utf-8", "surrogateescape") for p in paths]
    return Corpus(paths, texts, time.process_time() - start)


def clear_caches() -> None:
    from codemod import parser

    getattr(parser, "clear_caches", lambda: None)()


def contenders() -> dict[str, Callable[[str], object]]:
    return {
        "parse only": lambda s: codemod.parse(s),
        "refactor, all passes": lambda s: codemod.refactor(s),
        "refactor, merge-runs": lambda s: codemod.refactor(s, passes=["merge-runs"]),
        "refactor, name-stages": lambda s: codemod.refactor(s, passes=["name-stages"]),
    }


def one_round(fn: Callable[[str], object], texts: list[str]) -> tuple[float, list[float | None]]:
    """Total CPU seconds over the corpus, and each file's seconds (None: ParseError)."""
    clear_caches()
    gc.collect()
    per_file: list[float | None] = []
    start = time.process_time()
    for text in texts:
        began = time.process_time()
        try:
            fn(text)
        except codemod.ParseError:
            per_file.append(None)
            continue
        per_file.append(time.process_time() - began)
    return time.process_time() - start, per_file


def instruction_count(text: str) -> int | None:
    try:
        return len(codemod.parse(text).instructions)
    except codemod.ParseError:
        return None


def keep_best(best: float | None, seconds: float | None) -> float | None:
    if best is None or seconds is None:
        return seconds if best is None else best
    return min(best, seconds)


def corpus_figures(corpus: Corpus, rounds: int) -> dict[str, object]:
    runners = contenders()
    for fn in runners.values():  # warm up: parser tables loaded, imports done
        one_round(fn, corpus.texts[:20])
    totals: dict[str, list[float]] = {name: [] for name in runners}
    best_file: list[float | None] = [None] * len(corpus.texts)
    skipped: dict[str, int] = {}
    for _ in range(rounds):
        for name, fn in runners.items():
            total, per_file = one_round(fn, corpus.texts)
            totals[name].append(total)
            skipped[name] = sum(1 for s in per_file if s is None)
            if name == "refactor, all passes":
                best_file = [keep_best(b, s) for b, s in zip(best_file, per_file)]
    return {"totals": totals, "skipped": skipped, "per_file": best_file}


def slowest(corpus: Corpus, per_file: list[float | None], count: int = 10) -> list[dict[str, object]]:
    timed = sorted(((s, i) for i, s in enumerate(per_file) if s is not None), reverse=True)[:count]
    return [
        {
            "file": str(corpus.paths[i].relative_to(corpus.paths[i].parents[1])),
            "bytes": len(corpus.texts[i].encode("utf-8", "surrogateescape")),
            "instructions": instruction_count(corpus.texts[i]),
            "ms": s * 1000,
        }
        for s, i in timed
    ]


def report_corpus(directory: Path, rounds: int) -> dict[str, object]:
    corpus = load(directory)
    print(f"corpus: {len(corpus.texts)} files, {corpus.megabytes:.2f} MB ({directory}); "
          f"read+decode {corpus.read_seconds:.3f} s CPU", flush=True)
    figures = corpus_figures(corpus, rounds)
    totals: dict[str, list[float]] = figures["totals"]  # type: ignore[assignment]
    skipped: dict[str, int] = figures["skipped"]  # type: ignore[assignment]
    parse_best = min(totals["parse only"])
    print(f"\n{'run':<24} {'best s':>8} {'files':>6} {'MB/s':>7} {'x parse':>8} {'ParseError':>11}   (per round s)")
    for name, samples in totals.items():
        best = min(samples)
        files = len(corpus.texts) - skipped[name]
        rounds_text = " ".join(f"{s:.2f}" for s in samples)
        print(f"{name:<24} {best:>8.3f} {files:>6} {corpus.megabytes / best:>7.2f} "
              f"{best / parse_best:>8.2f} {skipped[name]:>11}   {rounds_text}")
    overhead = min(totals["refactor, all passes"]) - parse_best
    print(f"(CPU seconds of the best round; refactor overhead over parsing: {overhead:.3f} s)")
    top = slowest(corpus, figures["per_file"])  # type: ignore[arg-type]
    print(f"\nslowest files, all passes (best round):\n{'ms':>9} {'bytes':>8} {'instr':>6}  file")
    for row in top:
        print(f"{row['ms']:>9.1f} {row['bytes']:>8} {fmt(row['instructions'], 'd'):>6}  {row['file']}")  # type: ignore[arg-type]
    return {
        "directory": str(directory), "files": len(corpus.texts), "megabytes": corpus.megabytes,
        "read_seconds": corpus.read_seconds, "rounds": totals, "best": {k: min(v) for k, v in totals.items()},
        "parse_errors": skipped, "overhead_over_parse": overhead, "slowest": top,
    }


# --- main ----------------------------------------------------------------------------------------

def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--max", type=int, default=max(SIZES), help="largest synthetic size")
    parser.add_argument("--budget", type=float, default=120.0, help="seconds a size may be predicted to take")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (best is shown)")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "dev")
    parser.add_argument("--skip-growth", action="store_true")
    parser.add_argument("--skip-corpus", action="store_true")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON as well")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    print(f"codemod {codemod.__version__} from {Path(codemod.__file__).parent}; Python {sys.version.split()[0]}")
    figures: dict[str, object] = {}
    if not args.skip_growth:
        codemod.refactor(mixed(50))  # warm up: parser tables loaded, imports done
        sizes = [n for n in SIZES if n <= args.max]
        print(f"\ngrowth: codemod.refactor, all passes; best of {args.rounds} rounds, budget {args.budget:.0f} s")
        print(f"{'shape':<6} {'instr':>8} {'rounds':>6} {'best s':>10} {'us/instr':>10} {'exponent':>9}")
        figures["growth"] = report_growth(growth(sizes, args.rounds, args.budget))
    if not args.skip_corpus:
        if args.corpus.is_dir():
            print()
            figures["corpus"] = report_corpus(args.corpus, args.rounds)
        else:
            print(f"\ncorpus: {args.corpus} is not a directory; skipped")
    if args.json:
        print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
