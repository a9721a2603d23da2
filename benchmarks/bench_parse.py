"""Parse+render throughput beside BuildKit's parser and dockerfile-parse, in one run.

    python benchmarks/bench_parse.py [CORPUS_DIR] [--rounds N]

CORPUS_DIR defaults to ../shared/corpus/dev. The contenders run in interleaved rounds over the
same files, timed in CPU seconds (a noisy machine slows all of them alike); the table shows each
one's best round and its speed relative to BuildKit's parser (above 1: faster), and the ratio
of every round. Also printed: the
cold start of ``msb-refactor --help`` and of a first parse in a new process, and the memory
the parsed trees of the whole corpus hold.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import codemod  # noqa: E402
from codemod.parser import clear_caches  # noqa: E402


def load(directory: Path) -> list[str]:
    files = sorted(p for p in directory.rglob("*") if p.is_file())
    return [p.read_bytes().decode("utf-8", "surrogateescape") for p in files]


def contenders() -> dict[str, Callable[[str], object]]:
    out: dict[str, Callable[[str], object]] = {
        "msb-refactor parse+render": lambda s: codemod.parse(s).render(),
        "msb-refactor parse+as_buildkit": lambda s: codemod.parse(s).as_buildkit(),
    }
    try:
        import dockerfile

        out["BuildKit (dockerfile pkg)"] = dockerfile.parse_string
    except ImportError:
        print("(dockerfile not installed: pip install dockerfile==3.4.0)")
    try:
        from dockerfile_parse import DockerfileParser

        def dockerfile_parse(text: str) -> object:
            parser = DockerfileParser(fileobj=io.BytesIO())
            parser.content = text
            return parser.structure

        out["dockerfile-parse"] = dockerfile_parse
    except ImportError:
        print("(dockerfile-parse not installed)")
    return out


def one_round(fn: Callable[[str], object], texts: list[str]) -> float:
    """CPU seconds (this process, all threads) for one pass over the corpus: less disturbed
    by other work on a shared machine than wall-clock time."""
    clear_caches()
    gc.collect()
    start = time.process_time()
    for text in texts:
        try:
            fn(text)
        except Exception:  # files a parser rejects still count: they were read
            pass
    return time.process_time() - start


def cold_start() -> tuple[float, float]:
    script = Path(sys.executable).parent / "msb-refactor"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "codemod.cli"]
    helps, parses = [], []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([*command, "--help"], capture_output=True, check=True)
        helps.append(time.perf_counter() - start)
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", "import codemod; codemod.parse('FROM a\\nRUN b\\n')"],
            capture_output=True, check=True, cwd=ROOT,
        )
        parses.append(time.perf_counter() - start)
    return statistics.median(helps), statistics.median(parses)


def memory(texts: list[str]) -> tuple[float, float]:
    gc.collect()
    tracemalloc.start()
    trees = []
    for text in texts:
        try:
            trees.append(codemod.parse(text))
        except codemod.ParseError:
            pass
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return current / 1e6, peak / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus" / "dev"))
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    texts = load(Path(args.corpus))
    megabytes = sum(len(t.encode("utf-8", "surrogateescape")) for t in texts) / 1e6
    print(f"corpus: {len(texts)} files, {megabytes:.2f} MB ({args.corpus})")

    runners = contenders()
    for fn in runners.values():  # warm up: parser tables loaded, imports done
        one_round(fn, texts[:50])
    times: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(args.rounds):
        for name, fn in runners.items():
            times[name].append(one_round(fn, texts))

    reference = times.get("BuildKit (dockerfile pkg)")
    print(f"\n{'parser':<32} {'best s':>8} {'files/s':>9} {'MB/s':>7} {'x BuildKit':>11} {'(per round)':>24}")
    for name, samples in times.items():
        best = min(samples)
        ratio = rounds = ""
        if reference:
            ratio = f"{min(reference) / best:.2f}"
            rounds = " ".join(f"{r / s:.2f}" for r, s in zip(reference, samples))
        print(f"{name:<32} {best:>8.3f} {len(texts) / best:>9.0f} {megabytes / best:>7.2f} {ratio:>11}   {rounds}")
    print("(CPU seconds of the best round; 'x BuildKit' = BuildKit's best / this parser's best)")

    help_s, parse_s = cold_start()
    print(f"\ncold start: msb-refactor --help {help_s * 1000:.0f} ms; new process + first parse {parse_s * 1000:.0f} ms")
    held, peak = memory(texts)
    print(f"memory: trees of the whole corpus hold {held:.1f} MB ({held / megabytes:.1f}x the text), peak {peak:.1f} MB")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
