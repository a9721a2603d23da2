"""The shell model of RUN bodies: commands, operators, nesting, state changes, limits."""

from __future__ import annotations

import pytest

from codemod import shell


def names(text: str) -> list[tuple[str | None, int, str]]:
    return [(c.name, c.depth, c.operator) for c in shell.parse(text).commands]


def test_splits_on_operators() -> None:
    assert names("a && b || c; d | e & f") == [
        ("a", 0, "&&"), ("b", 0, "||"), ("c", 0, ";"), ("d", 0, "|"), ("e", 0, "&"), ("f", 0, ""),
    ]


def test_words_are_unquoted_and_offsets_point_into_the_text() -> None:
    text = "apt-get install -y 'a b' \"c\\\"d\" e\\ f ${X:-y} $(echo z)"
    (command, nested) = sorted(shell.parse(text).commands, key=lambda c: c.depth)
    assert command.name == "apt-get"
    assert command.args == ("install", "-y", "a b", 'c"d', "e f", "${X:-y}", "$(echo z)")
    assert [text[w.start:w.end] for w in command.words][3] == "'a b'"
    assert nested.name == "echo" and nested.depth == 1


def test_redirections_are_not_arguments() -> None:
    (command,) = shell.parse("make 2>&1 >/tmp/log </dev/null").commands
    assert command.name == "make" and command.args == ()


def test_assignments_before_a_command_do_not_change_state() -> None:
    (command,) = shell.parse("CGO_ENABLED=0 go build ./...").commands
    assert [w.text for w in command.assignments] == ["CGO_ENABLED=0"]
    assert command.name == "go" and not command.changes_state


@pytest.mark.parametrize(
    "text,changes",
    [
        ("cd /src && make", ["cd"]),
        ("export A=1", ["export"]),
        ("A=1", ["A=1"]),
        ("set -eux; apt-get update", ["set"]),
        (". /etc/os-release && echo $ID", ["."]),
        ("source ./env.sh", ["source"]),
        ("umask 022", ["umask"]),
        ("if true; then cd /x; fi", ["cd"]),
        ("for i in 1 2; do echo $i; done", ["for"]),
        ("f() { echo hi; }; f", ["function"]),
        ("exit 0", ["exit"]),
        ("(cd /x && make)", []),
        ("echo $(cd /x; pwd)", []),
        ("VAR=1 make", []),
    ],
)
def test_state_changes(text: str, changes: list[str]) -> None:
    found = [c.name or c.assignments[0].text for c in shell.parse(text).state_changes()]
    assert found == changes


def test_comments_heredocs_and_unknowns_are_reported() -> None:
    script = shell.parse("apt-get update # refresh && more")
    assert [c.name for c in script.commands] == ["apt-get"]
    assert script.comments == [(15, 32)]
    assert shell.parse("cat <<EOF > /x").heredocs
    assert shell.parse("echo 'open").unknown
    assert shell.parse('echo "open').unknown
    assert shell.parse("echo $(open").unknown
    assert shell.parse("sleep 1 &").backgrounds
    # '#' inside a word is not a comment
    assert not shell.parse("echo a#b").comments


def test_compound_commands_are_marked() -> None:
    commands = shell.parse("if [ -f x ]; then rm x; fi; echo done").commands
    assert [(c.name, c.in_compound) for c in commands] == [("[", True), ("rm", True), ("echo", False)]


def test_find() -> None:
    script = shell.parse("rm -rf /var/lib/apt/lists/* && rm -f /tmp/x")
    assert len(script.find("rm", "-rf", "/var/lib/apt/lists/*")) == 1
    assert len(script.find("rm")) == 2
