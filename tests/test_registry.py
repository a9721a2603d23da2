"""Every pass is declared the same way and documented where users look."""

from __future__ import annotations

import importlib
import pkgutil
import re

import codemod.passes as passes
from codemod.passes import REGISTRY, REVIEW, SAFE
from conftest import ROOT


def test_every_pass_module_is_registered_once() -> None:
    modules = [m.name for m in pkgutil.iter_modules(passes.__path__) if m.name != "base"]
    registered = [p.run.__module__.rsplit(".", 1)[-1] for p in REGISTRY]
    assert sorted(modules) == sorted(registered)
    assert len({p.name for p in REGISTRY}) == len(REGISTRY)


def test_pass_declarations() -> None:
    for p in REGISTRY:
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", p.name)
        assert p.summary and "\n" not in p.summary
        assert p.safety in (SAFE, REVIEW)
        module = importlib.import_module(p.run.__module__)
        doc = module.__doc__ or ""
        assert doc.startswith(f"{p.name}:")
        for section in ("## What it does", "## Why", "## Example", "## Safety", "## Caveats"):
            assert section in doc, f"{p.name} lacks {section}"


def test_readme_lists_every_pass_in_the_order_they_run() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = re.findall(r"^\| `([a-z-]+)` \|", readme, flags=re.MULTILINE)
    assert table == [p.name for p in REGISTRY], "README's pass table must list the passes as they run"


def test_public_api_names_load() -> None:
    import codemod

    assert set(codemod.__all__) == set(codemod._EXPORTS) | {"__version__"}
    for name in codemod._EXPORTS:
        assert getattr(codemod, name) is not None


def test_readme_example_is_what_the_tool_prints(monkeypatch) -> None:
    """The diff and explanations the README shows for examples/node-app are the tool's own."""
    from click.testing import CliRunner

    from codemod.cli import cli

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme.split("```diff\n", 1)[1].split("```", 1)[0]
    explained = [line.strip() for line in readme.split("`--explain` says why (on stderr):", 1)[1].split("## ", 1)[0].splitlines() if line.strip()]
    monkeypatch.chdir(ROOT)
    done = CliRunner().invoke(cli, ["--diff", "--explain", "examples/node-app/Dockerfile"])
    assert done.exit_code == 0, done.output
    diff = done.stdout.split("@@\n", 1)[1] if "@@\n" in done.stdout else done.stdout
    assert diff.rstrip("\n") == shown.rstrip("\n")
    assert [line for line in done.stderr.splitlines() if ": " in line and "[" in line] == explained
