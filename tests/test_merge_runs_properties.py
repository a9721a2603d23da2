"""merge-runs on generated package-manager transactions (``run_strategies``).

The oracles read the input and the output with ``codemod.parse`` and ``codemod.shell.parse``
only; what a command does to apt's lists, which user a RUN runs as and which pip it calls
are decided here, from the text, not by asking the pass's model.

1. The output parses (ours and BuildKit's), a second run changes nothing, and every changed
   line lies inside a reported change.
2. Joins keep the commands: per stage, the top-level commands of the shell-form RUNs are the
   input's, plus the cleanups the pass reports, ``--no-cache``/``--no-cache-dir`` words and
   ``apk update`` removed where reported; joined RUNs were neighbours with the same flags, and
   joining changes no failure, order or shell state.
3. No cleanup of apt's lists that a later step, trigger or the image's command still needs,
   none a non-root user cannot do, none after a comment or a background job.
4. No ``--no-cache`` on an apk that lacks it, no ``--no-cache-dir`` on a pip that lacks it or
   where PIP_NO_CACHE_DIR decides.
5. Nothing but ParseError escapes, and the generated files parse.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings

import codemod
from codemod import shell
from reference import buildkit
from test_pass_properties import assert_local
from run_strategies import merge_runs_dockerfile

PASSES = ["merge-runs"]

#: Cleanup commands the pass may append (``sudo`` before each word group allowed).
CLEANUPS = {
    ("rm", "-rf", "/var/lib/apt/lists/*"): "removed apt's package lists",
    ("yum", "clean", "all"): "cleaned yum's cache",
    ("rm", "-rf", "/var/cache/yum"): "cleaned yum's cache",
    ("dnf", "clean", "all"): "cleaned dnf's cache",
    ("zypper", "clean", "--all"): "cleaned zypper's cache",
    ("microdnf", "clean", "all"): "cleaned microdnf's cache",
}
APT_LISTS_RM = ("rm", "-rf", "/var/lib/apt/lists/*")
ADDABLE_WORDS = ("--no-cache", "--no-cache-dir")
APK_DROP = "apk update && apk add became apk add --no-cache"


# --- running the pass ----------------------------------------------------------------------------


@functools.lru_cache(maxsize=2048)
def outcome(text: str) -> tuple[codemod.Result | None, BaseException | None]:
    try:
        return codemod.refactor(text, passes=PASSES), None
    except Exception as error:  # noqa: BLE001 - the properties decide what is allowed
        return None, error


def result_of(text: str) -> codemod.Result | None:
    """The pass's result; None when the input does not parse. Any other error fails the test."""
    result, error = outcome(text)
    if isinstance(error, codemod.ParseError):
        return None
    if error is not None:
        raise error
    return result


# --- reading a file: stages and what each instruction runs ----------------------------------------


@dataclass
class Stage:
    index: int
    image: str
    name: str | None
    base: int | None
    #: Indexes (into the tree's instructions) of the instructions after the FROM.
    body: list[int] = field(default_factory=list)


def stages_of(tree: codemod.Dockerfile) -> list[Stage]:
    found: list[Stage] = []
    for n, instruction in enumerate(tree.instructions):
        command = instruction.command
        if command is not None and command.name == "from":
            words = [p.text for p in command.args]
            image = words[0] if words else ""
            name = words[2].lower() if len(words) == 3 and words[1].lower() == "as" else None
            base = next((s.index for s in reversed(found) if s.name is not None and s.name == image.lower()), None)
            found.append(Stage(len(found), image, name, base))
        elif found:
            found[-1].body.append(n)
    return found


def chain(stages: list[Stage], index: int) -> list[Stage]:
    """The stage and those it is built FROM, the first one first."""
    out = [stages[index]]
    while out[-1].base is not None:
        out.append(stages[out[-1].base])
    return out[::-1]


def root_image(stages: list[Stage], index: int) -> str:
    return chain(stages, index)[0].image


def children(stages: list[Stage], index: int) -> list[Stage]:
    return [s for s in stages if s.base == index]


def shell_text(command: codemod.Command) -> str | None:
    return command.args[0].text if command.form == "shell" and command.args else None


def exec_words(command: codemod.Command) -> list[str] | None:
    if command.form != "exec" or not command.args:
        return None
    try:
        words = json.loads(command.args[0].text)
    except ValueError:
        return None
    return [str(w) for w in words] if isinstance(words, list) else None


_WRAPPER_OPTIONS = {"sudo": {"-u"}, "xargs": {"-n", "-I", "-d", "-a"}, "env": set(), "nohup": set(), "time": set()}


def unwrap(words: list[str]) -> tuple[list[str], bool]:
    """The program and its arguments, wrappers (sudo, xargs, env...) taken off; and whether
    it runs through sudo."""
    sudo = False
    at = 0
    while at < len(words) and words[at].rsplit("/", 1)[-1] in _WRAPPER_OPTIONS:
        name = words[at].rsplit("/", 1)[-1]
        sudo = sudo or name == "sudo"
        at += 1
        while at < len(words) and (words[at].startswith("-") or (name == "env" and "=" in words[at])):
            at += 2 if words[at] in _WRAPPER_OPTIONS[name] else 1
    return words[at:], sudo


SHELLS = {"sh", "bash", "dash", "ash"}


def invocations(words: list[str], depth: int = 0) -> list[list[str]]:
    """What a command runs, in order: its program and arguments, the commands of ``sh -c``
    text, ``["<script>"]`` for a script file, ``["<stdin>"]`` for a shell reading its input."""
    words, _ = unwrap(words)
    if not words:
        return []
    program = words[0].rsplit("/", 1)[-1]
    if program in SHELLS:
        if "-c" in words[1:]:
            at = words.index("-c", 1)
            return text_invocations(words[at + 1], depth + 1) if at + 1 < len(words) else []
        files = [w for w in words[1:] if not w.startswith("-")]
        return [["<script>"]] if files else [["<stdin>"]]
    if program in (".", "source") or program.endswith(".sh") or ("/" in words[0] and program not in ("apt-get", "apt", "pip", "pip3", "python3", "python")):
        return [["<script>"]]
    return [words]


def text_invocations(text: str, depth: int = 0) -> list[list[str]]:
    if depth > 4:
        return [["<script>"]]
    found = []
    for command in shell.parse(text).commands:
        found.extend(invocations([w.value for w in command.words], depth))
    return found


def heredoc_runs_body(command: codemod.Command) -> bool:
    """``RUN <<EOF`` or ``RUN bash <<EOF``: the shell runs the heredoc body."""
    text = shell_text(command) or ""
    return bool(re.match(r"^((ba)?sh\s+)?<<-?\w+$", text.strip()))


def instruction_invocations(instruction: codemod.Instruction) -> list[list[str]]:
    command = instruction.command
    if command is None:
        return []
    if command.name == "onbuild":
        command = command.subcommand
        if command is None or command.name != "run":
            return []
    if command.name not in ("run", "cmd", "entrypoint"):
        return []
    words = exec_words(command)
    if words is not None:
        return invocations(words)
    if instruction.heredocs and command.name == "run":
        if heredoc_runs_body(command):
            return [i for h in instruction.heredocs for i in text_invocations(h.body)]
        return [["<script>"]]
    text = shell_text(command)
    return text_invocations(text) if text is not None else []


APT = {"apt-get", "apt", "aptitude"}
APT_OPTIONS_WITH_VALUE = {"-o", "-t", "-c", "--option", "--target-release"}
APT_READS = {"install", "reinstall", "upgrade", "dist-upgrade", "full-upgrade", "source", "build-dep", "download", "policy", "show", "search", "showsrc", "depends", "rdepends", "list"}


def apt_subcommand(words: list[str]) -> str | None:
    if not words or words[0].rsplit("/", 1)[-1] not in APT:
        return None
    skip = False
    for word in words[1:]:
        if skip:
            skip = False
        elif word in APT_OPTIONS_WITH_VALUE:
            skip = True
        elif not word.startswith("-"):
            return word
    return ""


def apt_effect(invocation: list[str], runtime: bool) -> str | None:
    """"updates", "needs" (reads apt's lists, or may: a script), or None."""
    if invocation == ["<script>"]:
        return "needs"
    if invocation == ["<stdin>"]:
        return None if runtime else "needs"
    sub = apt_subcommand(invocation)
    if sub == "update":
        return "updates"
    if sub in APT_READS:
        return "needs"
    if invocation[0].rsplit("/", 1)[-1] in ("apt-cache", "gdebi"):
        return "needs"
    return None


def step_effect(instruction: codemod.Instruction, runtime: bool = False) -> str | None:
    for invocation in instruction_invocations(instruction):
        effect = apt_effect(invocation, runtime)
        if effect is not None:
            return effect
    return None


def name_of(instruction: codemod.Instruction) -> str:
    command = instruction.command
    return command.name if command is not None else ""


# --- commands of the shell-form RUNs, and how the output's align with the input's ------------------


@dataclass(frozen=True)
class Cmd:
    run: int  # index of the RUN in the tree's instructions
    words: tuple[str, ...]
    operator: str
    simple: shell.SimpleCommand


def run_commands(tree: codemod.Dockerfile, stage: Stage) -> list[Cmd]:
    found = []
    for n in stage.body:
        instruction = tree.instructions[n]
        command = instruction.command
        if command is None or command.name != "run" or instruction.heredocs:
            continue
        text = shell_text(command)
        if text is None:
            continue
        for simple in shell.parse(text).top_level:
            words = tuple(w.value for w in (*simple.assignments, *simple.words))
            found.append(Cmd(n, words, simple.operator, simple))
    return found


def cleanup_kind(words: tuple[str, ...]) -> tuple[str, ...] | None:
    bare = words[1:] if words[:1] == ("sudo",) else words
    return bare if bare in CLEANUPS else None


def with_added_words(before: tuple[str, ...], after: tuple[str, ...]) -> list[str] | None:
    """The words ``after`` has beyond ``before``, when they are only --no-cache(-dir) words."""
    added = []
    at = 0
    for word in after:
        if at < len(before) and word == before[at]:
            at += 1
        elif word in ADDABLE_WORDS:
            added.append(word)
        else:
            return None
    return added if at == len(before) else None


@dataclass
class Alignment:
    #: Input RUN index -> output RUN indexes its commands went to.
    runs: dict[int, set[int]] = field(default_factory=dict)
    #: Output commands that are added cleanups.
    cleanups: list[Cmd] = field(default_factory=list)
    #: (output command, word) for each --no-cache / --no-cache-dir added.
    words: list[tuple[Cmd, str]] = field(default_factory=list)
    dropped_updates: int = 0
    #: Input command -> the output command it became.
    pairs: list[tuple[Cmd, Cmd]] = field(default_factory=list)


#: ``prev`` of ``align`` when the next input command may go to any output RUN.
FREE = -1


def align(before: list[Cmd], after: list[Cmd], may_drop_update: bool) -> Alignment:
    """The alignment of the output's commands with the input's that joins the fewest RUNs:
    each output command is the next input command (words perhaps added), or an added cleanup;
    an input RUN's commands stay in one output RUN."""
    import sys

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * (len(before) + len(after)) + 1000))
    memo: dict[tuple[int, int, int | None], tuple[float, tuple] | None] = {}

    def best(i: int, j: int, prev: int | None) -> tuple[float, tuple] | None:
        """Fewest joins for before[i:] against after[j:]; ``prev`` is the output RUN the
        previous input command went to."""
        key = (i, j, prev)
        if key in memo:
            return memo[key]
        options: list[tuple[float, tuple]] = []
        if i == len(before) and j == len(after):
            options.append((0, ()))
        same_run = i > 0 and i < len(before) and before[i - 1].run == before[i].run
        if i < len(before) and j < len(after):
            added = with_added_words(before[i].words, after[j].words)
            if added is not None and (not same_run or prev == FREE or after[j].run == prev):
                rest = best(i + 1, j + 1, after[j].run)
                if rest is not None:
                    join = 1 if not same_run and after[j].run == prev else 0
                    options.append((rest[0] + join, (("match", i, j, tuple(added)), *rest[1])))
        if j < len(after) and cleanup_kind(after[j].words) is not None:
            rest = best(i, j + 1, prev)
            if rest is not None:
                options.append((rest[0], (("cleanup", j), *rest[1])))
        if may_drop_update and i < len(before) and before[i].words == ("apk", "update"):
            # When the dropped command opened its RUN, the RUN's next command may go to any
            # output RUN; otherwise the RUN stays where its earlier commands went.
            opens_run = i == 0 or before[i - 1].run != before[i].run
            rest = best(i + 1, j, FREE if opens_run else prev)
            if rest is not None:
                options.append((rest[0], (("drop", i), *rest[1])))
        found = min(options, key=lambda o: o[0]) if options else None
        memo[key] = found
        return found

    path = best(0, 0, None)
    if path is None:
        raise AssertionError(
            "the output's RUN commands are not the input's plus reported cleanups:\n"
            f"input:  {[' '.join(c.words) for c in before]}\noutput: {[' '.join(c.words) for c in after]}"
        )
    result = Alignment()
    for step in path[1]:
        if step[0] == "match":
            _, i, j, added = step
            result.runs.setdefault(before[i].run, set()).add(after[j].run)
            result.words.extend((after[j], w) for w in added)
            result.pairs.append((before[i], after[j]))
        elif step[0] == "cleanup":
            result.cleanups.append(after[step[1]])
        else:
            result.dropped_updates += 1
            result.runs.setdefault(before[step[1]].run, set())
    return result


@dataclass
class Pair:
    text: str
    result: codemod.Result
    old: codemod.Dockerfile
    new: codemod.Dockerfile
    old_stages: list[Stage]
    new_stages: list[Stage]
    alignments: list[Alignment]


def pair_of(text: str) -> Pair | None:
    result = result_of(text)
    if result is None:
        return None
    old, new = codemod.parse(text), codemod.parse(result.text)
    old_stages, new_stages = stages_of(old), stages_of(new)
    assert [(s.image, s.name, s.base) for s in old_stages] == [(s.image, s.name, s.base) for s in new_stages]
    drop = any(APK_DROP in c.explanation for c in result.changes)
    alignments = [align(run_commands(old, a), run_commands(new, b), drop) for a, b in zip(old_stages, new_stages)]
    return Pair(text, result, old, new, old_stages, new_stages, alignments)


def explained(result: codemod.Result, words: str) -> int:
    """How many changes say they did ``words`` (their explanation starts with it)."""
    return sum(c.explanation.startswith(words) for c in result.changes)


# --- 1. the output parses, is a fixed point, and changes only what a change names ------------------


@pytest.mark.slow
@settings(settings.default)
@given(merge_runs_dockerfile())
def test_output_parses_is_stable_and_local(text: str) -> None:
    result = result_of(text)
    if result is None:
        return
    assert not [d for d in result.diagnostics if d.severity == "error"], result.diagnostics
    assert codemod.parse(result.text).render() == result.text
    assert buildkit(result.text) is not None, "BuildKit rejects the output"
    again = codemod.refactor(result.text, passes=PASSES)
    assert again.text == result.text and not again.changes, f"a second run changes it: {[c.explanation for c in again.changes]}"
    assert result.changed == bool(result.changes), "a change without a report, or a report without a change"
    assert_local(text, result)


# --- 2. joins keep the commands ------------------------------------------------------------------

#: Commands whose effect outlives them in the shell (the next RUN would inherit it when joined).
STATE_CHANGING = {"cd", "pushd", "popd", "export", "set", "source", ".", "umask", "unset", "exec", "exit", "alias", "trap", "ulimit", "shift", "eval", "readonly", "declare", "local", "shopt"}


def changes_state(simple: shell.SimpleCommand) -> bool:
    if not simple.words:
        return bool(simple.assignments)
    return simple.words[0].value in STATE_CHANGING


def ends_with(text: str, *endings: str) -> bool:
    stripped = text.rstrip()
    return any(stripped.endswith(e) and not (e == "&" and stripped.endswith("&&")) for e in endings)


@pytest.mark.slow
@settings(settings.default)
@given(merge_runs_dockerfile())
def test_joins_keep_the_commands(text: str) -> None:
    pair = pair_of(text)
    if pair is None:
        return
    result = pair.result
    # The instructions that are not RUNs are the same, in the same order.
    others = lambda tree: [i.logical.text for i in tree.instructions if name_of(i) != "run"]  # noqa: E731
    assert others(pair.old) == others(pair.new)

    added_cleanups = [c for a in pair.alignments for c in a.cleanups]
    for explanation in set(CLEANUPS.values()):
        count = sum(CLEANUPS[cleanup_kind(c.words)] == explanation for c in added_cleanups)  # type: ignore[index]
        # yum's cleanup is two commands, one change.
        per_change = 2 if explanation == "cleaned yum's cache" else 1
        assert count == per_change * explained(result, explanation), (
            f"{count} cleanup commands ({explanation}) added, {explained(result, explanation)} reported"
        )
    added_words = [(c, w) for a in pair.alignments for c, w in a.words]
    for cmd, word in added_words:
        program, _ = unwrap(list(cmd.words))
        if word == "--no-cache":
            assert program[:2] == ["apk", "add"], f"--no-cache added to {' '.join(cmd.words)!r}"
        else:
            assert is_pip_install(program), f"--no-cache-dir added to {' '.join(cmd.words)!r}"
    no_cache_dir = sum(w == "--no-cache-dir" for _, w in added_words)
    assert no_cache_dir == explained(result, "pip install --no-cache-dir:"), "--no-cache-dir added and reported differ"
    no_cache = sum(w == "--no-cache" for _, w in added_words)
    assert (no_cache > 0) == (explained(result, "apk add --no-cache:") + explained(result, APK_DROP) > 0), "--no-cache added and reported differ"
    dropped = sum(a.dropped_updates for a in pair.alignments)
    assert dropped == explained(result, APK_DROP), "apk update removed and reported differ"

    # Joined RUNs: neighbours, same flags, and nothing a join would change.
    old = pair.old.instructions
    for alignment in pair.alignments:
        assert all(len(targets) <= 1 for targets in alignment.runs.values()), "a RUN was split"
        by_target: dict[int, list[int]] = {}
        for source, targets in sorted(alignment.runs.items()):
            for target in targets:
                by_target.setdefault(target, []).append(source)
        for target, sources in by_target.items():
            if len(sources) == 1:
                continue
            between = [name_of(old[n]) for n in range(sources[0], sources[-1] + 1) if n not in sources]
            assert not between, f"RUNs joined across {between}"
            flags = {tuple(p.text for p in old[n].command.flags) for n in sources}  # type: ignore[union-attr]
            assert len(flags) == 1, f"RUNs with different flags joined: {flags}"
            for earlier in sources[:-1]:
                script = shell.parse(shell_text(old[earlier].command))  # type: ignore[arg-type]
                changing = [s.words[0].value if s.words else s.assignments[0].text for s in script.top_level if changes_state(s)]
                assert not changing, f"RUN {old[earlier].logical.text!r} changes shell state ({changing}) and was joined to the next"
                assert not script.comments, f"RUN {old[earlier].logical.text!r} ends in a comment and was joined to the next"
                # A trailing ``;`` may go (the operator check below sees what replaced it).
                assert not ends_with(script.text, "&", "|"), f"RUN {old[earlier].logical.text!r} ends with an operator and was joined"
            for later in sources[1:]:
                script = shell.parse(shell_text(old[later].command))  # type: ignore[arg-type]
                # A trailing ``;`` ends the text: what follows a join cannot run after a failure.
                ops = {op for op, at in script.operators if not (op == ";" and not script.text[at + 1:].strip())} & {";", "||", "&", "\n"}
                assert not ops, f"RUN {old[later].logical.text!r} has {ops} at its top level and was joined after another with &&"
        # Operators stay, but for the end of a RUN (nothing, or a trailing ``;``), which
        # becomes && where a RUN or a cleanup is joined after it.
        last_of_run = {}
        for before, _ in alignment.pairs:
            last_of_run[before.run] = before
        for before, after in alignment.pairs:
            if before.operator != after.operator:
                assert last_of_run[before.run] is before and before.operator in ("", ";") and after.operator == "&&", (
                    f"{' '.join(before.words)!r} was followed by {before.operator!r}, now by {after.operator!r}"
                )


def is_pip_install(words: list[str]) -> bool:
    if not words:
        return False
    program = words[0].rsplit("/", 1)[-1]
    rest = words[1:]
    if re.fullmatch(r"python[0-9.]*", program) and rest[:2] == ["-m", "pip"]:
        program, rest = "pip", rest[2:]
    return bool(re.fullmatch(r"pip[0-9.]*", program)) and [w for w in rest if not w.startswith("-")][:1] == ["install"]


# --- 3. never a cleanup that breaks the build ------------------------------------------------------


def needs_after(tree: codemod.Dockerfile, stages: list[Stage], stage: Stage, start: int) -> str | None:
    """The first step after ``stage.body[start:]`` begins that reads apt's lists before an
    update: later RUNs of the stage, its ONBUILD triggers, the image's command when it is the
    final stage, and the stages built FROM it."""
    for n in stage.body[start:]:
        instruction = tree.instructions[n]
        if name_of(instruction) != "run":
            continue
        effect = step_effect(instruction)
        if effect == "updates":
            return None
        if effect == "needs":
            return instruction.logical.text
    for n in stage.body:
        instruction = tree.instructions[n]
        if name_of(instruction) == "onbuild" and step_effect(instruction) == "needs":
            return instruction.logical.text
    if stage is stages[-1]:
        last: dict[str, codemod.Instruction] = {}
        for node in chain(stages, stage.index):
            for n in node.body:
                if name_of(tree.instructions[n]) in ("cmd", "entrypoint"):
                    last[name_of(tree.instructions[n])] = tree.instructions[n]
        for instruction in last.values():
            if step_effect(instruction, runtime=True) == "needs":
                return instruction.logical.text
    for child in children(stages, stage.index):
        found = needs_after(tree, stages, child, 0)
        if found is not None:
            return found
    return None


def user_before(tree: codemod.Dockerfile, stages: list[Stage], stage: Stage, run: int) -> str | None:
    """The last USER before the RUN along its chain (None: none)."""
    user = None
    for node in chain(stages, stage.index):
        for n in node.body:
            if node is stage and n >= run:
                return user
            instruction = tree.instructions[n]
            if name_of(instruction) == "user":
                user = instruction.command.args[0].text  # type: ignore[union-attr]
    return user


@pytest.mark.slow
@settings(settings.default)
@given(merge_runs_dockerfile())
def test_no_cleanup_breaks_the_build(text: str) -> None:
    pair = pair_of(text)
    if pair is None:
        return
    new = pair.new
    for stage, alignment in zip(pair.new_stages, pair.alignments):
        for cleanup in alignment.cleanups:
            if cleanup_kind(cleanup.words) != APT_LISTS_RM:
                continue
            run = new.instructions[cleanup.run]
            where = f"{run.logical.text!r}"
            # (a) nothing later reads the lists before updating them
            need = needs_after(new, pair.new_stages, stage, stage.body.index(cleanup.run) + 1)
            assert need is None, f"{where} removes apt's lists, but {need!r} reads them later"
            # (b) root, or sudo
            user = user_before(new, pair.new_stages, stage, cleanup.run)
            image = root_image(pair.new_stages, stage.index)
            root = user.split(":", 1)[0] in ("root", "0") if user is not None else not image.startswith("circleci/")
            assert root or cleanup.words[0] == "sudo", f"{where} runs as {user or image + chr(39) + 's user'} and removes apt's lists without sudo"
            # (c) not after a comment, nor beside a background job
            sources = sorted(n for n, targets in alignment.runs.items() if cleanup.run in targets)
            for n in sources:
                script = shell.parse(shell_text(pair.old.instructions[n].command))  # type: ignore[arg-type]
                assert not script.comments, f"cleanup added to a RUN with a comment: {where}"
                assert "&" not in {op for op, _ in script.operators}, f"cleanup added to a RUN with a background job: {where}"
            script = shell.parse(shell_text(run.command))  # type: ignore[arg-type]
            top = script.top_level
            at = next(k for k, s in enumerate(top) if s.start == cleanup.simple.start)
            assert at > 0 and top[at - 1].operator == "&&", f"the cleanup does not follow the install with &&: {where}"


# --- 4. never a flag a tool lacks ----------------------------------------------------------------


def pip_family(words: list[str]) -> str:
    """"pip3" for Python 3's pip, "pip" for the one ``pip`` names (Python 2's on old images)."""
    program = words[0].rsplit("/", 1)[-1]
    if program.startswith("python"):
        return "pip3" if program.startswith("python3") else "pip"
    return "pip3" if program.startswith("pip3") else "pip"


def upgrades_pip(words: list[str]) -> bool:
    if not is_pip_install(words):
        return False
    args = words[1:]
    positional = [w for w in args if not w.startswith("-")]
    pinned = [w for w in positional if w.startswith("pip==")]
    if pinned:
        return all(tuple(int(p) for p in re.findall(r"\d+", w)[:1]) >= (6,) for w in pinned)
    return "pip" in positional and any(a in ("-U", "--upgrade") for a in args)


def distro_pip(words: list[str], family: str) -> bool:
    """An apt install of the distribution's pip for ``family`` (python3-pip gives pip3;
    python-pip gives pip)."""
    package = "python3-pip" if family == "pip3" else "python-pip"
    return apt_subcommand(words) == "install" and package in words


@pytest.mark.slow
@settings(settings.default)
@given(merge_runs_dockerfile())
def test_no_flag_a_tool_lacks(text: str) -> None:
    pair = pair_of(text)
    if pair is None:
        return
    new = pair.new
    for stage, alignment in zip(pair.new_stages, pair.alignments):
        image = root_image(pair.new_stages, stage.index)
        for cmd, word in alignment.words:
            where = f"{' '.join(cmd.words)!r} on {image}"
            if word == "--no-cache":
                assert image not in ("alpine:3.2", "example/unknown:1"), f"--no-cache added to {where}, whose apk lacks it or is not known"
                continue
            # What ran before this pip: earlier RUNs of the chain, earlier commands of its RUN.
            earlier: list[list[str]] = []
            env = False
            for node in chain(pair.new_stages, stage.index):
                for n in node.body:
                    instruction = new.instructions[n]
                    if n == cmd.run:
                        text_ = shell_text(instruction.command)  # type: ignore[arg-type]
                        for simple in shell.parse(text_).commands:  # type: ignore[arg-type]
                            if simple.start < cmd.simple.start:
                                earlier.extend(invocations([w.value for w in simple.words]))
                        break
                    if name_of(instruction) == "env" and "PIP_NO_CACHE_DIR" in instruction.logical.text:
                        env = True
                    if name_of(instruction) == "run":
                        earlier.extend(instruction_invocations(instruction))
                else:
                    continue
                break
            assert not env, f"--no-cache-dir added to {where} though ENV sets PIP_NO_CACHE_DIR"
            family = pip_family(unwrap(list(cmd.words))[0])
            recent = set()
            for words in earlier:
                if upgrades_pip(words):
                    recent |= {"pip", "pip3"} if pip_family(words) == "pip3" else {"pip"}
            if family in recent:
                continue
            if image in ("debian:jessie", "ubuntu:14.04"):
                assert not any(distro_pip(w, family) for w in earlier), f"--no-cache-dir added to {where}, whose distro pip lacks it"
            assert image not in ("python:2.7.8", "example/unknown:1"), f"--no-cache-dir added to {where}, whose pip lacks it or is not known"


# --- 5. no crash, and the generator makes Dockerfiles ------------------------------------------------


@pytest.mark.slow
def test_no_crash_and_inputs_parse() -> None:
    counts = {"parsed": 0, "rejected": 0, "changed": 0}

    @settings(settings.default)
    @given(merge_runs_dockerfile())
    def run(text: str) -> None:
        _, error = outcome(text)
        if error is not None and not isinstance(error, codemod.ParseError):
            raise error
        counts["rejected" if error is not None else "parsed"] += 1
        result, _ = outcome(text)
        counts["changed"] += bool(result is not None and result.changed)

    run()
    total = counts["parsed"] + counts["rejected"]
    assert counts["parsed"] >= 0.9 * total, counts
    assert counts["changed"] >= 0.2 * total, counts
