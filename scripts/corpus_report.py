"""Run the passes over a corpus of real Dockerfiles and report what they did.

    python scripts/corpus_report.py [CORPUS_DIR ...] [--pass NAME] [--hadolint] [--show N]

For every pass (alone, then all together): how many files it changed, how many it declined
something in (with the most common reasons), and the checks every output must pass: it parses
(ours and BuildKit's parser, the `dockerfile` package), running the passes again changes
nothing, and no other exception. With --hadolint, hadolint's findings before and after are
counted per rule (no rule may gain findings). Exit status 1 if any check failed.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import codemod  # noqa: E402
from codemod.engine import refactor  # noqa: E402
from codemod.passes import REGISTRY  # noqa: E402

try:
    import dockerfile as buildkit
except ImportError:  # pragma: no cover
    buildkit = None


def files_under(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        found.extend(sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path])
    return found


def hadolint_counts(texts: list[str]) -> collections.Counter[str]:
    exe = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    counts: collections.Counter[str] = collections.Counter()
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, text in enumerate(texts):
            path = Path(tmp) / f"{i}.Dockerfile"
            path.write_bytes(text.encode("utf-8", "surrogateescape"))
            paths.append(str(path))
        for chunk in range(0, len(paths), 200):
            done = subprocess.run([exe, "--no-fail", "-f", "json", *paths[chunk:chunk + 200]], capture_output=True, text=True)
            try:
                for finding in json.loads(done.stdout or "[]"):
                    counts[finding["code"]] += 1
            except json.JSONDecodeError:
                counts["hadolint-error"] += 1
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=[str(ROOT.parent / "shared" / "corpus" / "dev")])
    parser.add_argument("--pass", dest="only", action="append", help="report only these passes")
    parser.add_argument("--hadolint", action="store_true", help="count hadolint findings before and after")
    parser.add_argument("--show", type=int, default=5, help="reasons to show per pass")
    args = parser.parse_args()

    files = files_under(args.paths)
    texts = []
    for path in files:
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        try:
            codemod.parse(text)
        except codemod.ParseError:
            continue
        texts.append((path, text))
    print(f"{len(texts)} Dockerfiles parsed ({len(files) - len(texts)} rejected as BuildKit rejects them)")

    runs = [[p] for p in REGISTRY if not args.only or p.name in args.only]
    if not args.only:
        runs.append(list(REGISTRY))
    failed = False
    for selected in runs:
        label = selected[0].name if len(selected) == 1 else "all passes"
        changed = declined = 0
        reasons: collections.Counter[str] = collections.Counter()
        kinds: collections.Counter[str] = collections.Counter()
        problems: list[str] = []
        outputs: list[str] = []
        start = time.perf_counter()
        for path, text in texts:
            try:
                result = refactor(text, passes=selected)
            except Exception as error:  # a crash is a failed check
                problems.append(f"{path.name}: crash {error!r}")
                continue
            outputs.append(result.text)
            if any(d.severity == "error" for d in result.diagnostics):
                problems.extend(f"{path.name}: {d.message}" for d in result.diagnostics if d.severity == "error")
            notes = [d for d in result.diagnostics if d.severity == "info"]
            if notes:
                declined += 1
                for note in notes:
                    reasons[re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", note.message)] += 1
            if not result.changed:
                continue
            changed += 1
            for change in result.changes:
                kinds[f"{change.pass_name} [{change.safety}]"] += 1
            try:
                codemod.parse(result.text)
            except codemod.ParseError as error:
                problems.append(f"{path.name}: output does not parse: {error}")
            if buildkit is not None:
                try:
                    buildkit.parse_string(result.text)
                except buildkit.GoParseError as error:
                    problems.append(f"{path.name}: BuildKit rejects the output: {error}")
            again = refactor(result.text, passes=selected)
            if again.changed:
                problems.append(f"{path.name}: not idempotent")
        seconds = time.perf_counter() - start
        print(f"\n== {label}: {changed} files changed, {declined} with something declined, {len(problems)} failed checks ({seconds:.1f} s)")
        for kind, count in kinds.most_common():
            print(f"   {count:6d} changes  {kind}")
        for reason, count in reasons.most_common(args.show):
            print(f"   {count:6d} declined {reason}")
        for problem in problems[:20]:
            print(f"   FAILED {problem}")
        failed = failed or bool(problems)
        if args.hadolint and len(selected) > 1:
            before = hadolint_counts([t for _, t in texts])
            after = hadolint_counts(outputs)
            print("   hadolint findings per rule (before -> after):")
            for code in sorted(set(before) | set(after)):
                mark = "  NEW" if after[code] > before[code] else ""
                print(f"     {code:8s} {before[code]:6d} -> {after[code]:6d}{mark}")
                failed = failed or after[code] > before[code]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
