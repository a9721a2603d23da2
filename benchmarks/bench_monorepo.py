"""Throughput over a monorepo: the dev corpus laid out as NAME/Dockerfile, repeated up to
--files files, checked with ``msb-refactor --check`` (all passes, and name-stages with
merge-runs), with ``--jobs 1`` and the default (one worker per core). Prints files/s, the CPU
time per file of the run (the command and its workers: less disturbed than files/s by other work
on a shared machine) and the peak memory of the run, for several tree sizes so that memory can
be seen to stay flat as the tree grows.

    python benchmarks/bench_monorepo.py [--files 10000] [--corpus ../shared/corpus/dev]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def layout(corpus: Path, target: Path, count: int) -> int:
    files = sorted(p for p in corpus.rglob("*") if p.is_file())
    if not files:
        raise SystemExit(f"no files under {corpus}")
    made = 0
    while made < count:
        for source in files:
            if made >= count:
                break
            folder = target / f"r{made // len(files)}" / source.name.replace(".", "_")
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, folder / "Dockerfile")
            made += 1
    return made


def run(tree: Path, *args: str) -> tuple[float, int, int, float]:
    """(seconds, exit code, peak resident memory in MiB of the command and its workers, CPU
    seconds of the command and its workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "codemod", "--check", "-q", "--isolated", *args, str(tree)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        print(done.stderr[-2000:], file=sys.stderr)
    return seconds, done.returncode, max(usage.ru_maxrss, before) // 1024, usage.ru_utime + usage.ru_stime - cpu_before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "dev")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    print(f"{cores} cores; corpus {args.corpus}")
    with tempfile.TemporaryDirectory(prefix="msb-monorepo-") as tmp:
        sizes = sorted({max(1, args.files // 4), args.files})
        for size in sizes:
            tree = Path(tmp) / f"repo-{size}"
            made = layout(args.corpus, tree, size)
            for label, extra in (("name-stages,merge-runs", ["--select", "name-stages,merge-runs"]), ("all passes", [])):
                for jobs in ("1", "0"):
                    seconds, code, peak, cpu = run(tree, "--jobs", jobs, *extra)
                    shown = "1" if jobs == "1" else f"{cores} (default)"
                    print(
                        f"{made:>6} files  {label:<22} jobs {shown:<12} {made / seconds:>8.0f} files/s  {seconds:6.1f} s  "
                        f"cpu {cpu / made * 1e6:5.0f} us/file  peak {peak} MiB  exit {code}"
                    )


if __name__ == "__main__":
    main()
