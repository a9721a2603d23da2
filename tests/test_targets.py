"""Build targets named around a Dockerfile (codemod.targets), and how name-stages respects them."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from codemod import targets
from codemod.engine import refactor
from codemod.passes import REVIEW, Context


@pytest.fixture(autouse=True)
def _fresh_scans() -> None:
    targets.scan_root.cache_clear()


def _repo(root: Path, files: dict[str, str]) -> Path:
    (root / ".git").mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def _read(path: str, text: str) -> list[tuple[str, int]]:
    kind = targets.kind_of(PurePosixPath(path))
    assert kind is not None, path
    return targets.read_targets(text, kind)


COMPOSE = """\
services:
  app:
    build:
      context: .
      target: builder   # the dev image
    ports:
      - target: 80
        published: 8080
    volumes:
      - type: volume
        target: /data
    deploy:
      target: release
"""


def test_compose_counts_target_under_build_only() -> None:
    assert _read("compose.yaml", COMPOSE) == [("builder", 5)]
    assert _read("deploy/docker-compose.override.yml", COMPOSE) == [("builder", 5)]


@pytest.mark.parametrize(
    "path,text,expected",
    [
        ("Makefile", "image:\n\tdocker build --target test -t app .\n", [("test", 2)]),
        ("build/rules.mk", "X := $(shell docker build --target=$(T) .)\n", []),
        ("scripts/build.sh", "docker buildx build \\\n  --target \\\n  runtime .\n", [("runtime", 3)]),
        ("ci.sh", 'docker build --target="Builder" .\n', [("Builder", 1)]),
        ("docker-bake.hcl", 'target "app" {\n  dockerfile = "Dockerfile"\n  target = "release"\n}\n', [("release", 3)]),
        ("docker-bake.json", '{"target": {"app": {"target": "release"}}}\n', [("release", 1)]),
        (".github/workflows/ci.yml", "steps:\n  - uses: docker/build-push-action@v6\n    with:\n      target: test\n", [("test", 4)]),
        ("cloudbuild.yaml", "steps:\n- name: gcr.io/cloud-builders/docker\n  args: ['build', '--target', 'deps', '.']\n", [("deps", 3)]),
        (".gitlab-ci.yml", "build:\n  script:\n    - docker build\n      --target\n      - builder .\n", [("builder", 5)]),
        ("Jenkinsfile", "sh 'docker build --target e2e .'\n", [("e2e", 1)]),
        ("Taskfile.yml", "tasks:\n  image:\n    cmds:\n      - docker build --target base .\n", [("base", 4)]),
        ("justfile", "image:\n    docker build --target=base .\n", [("base", 2)]),
        ("skaffold.yaml", "build:\n  artifacts:\n    - image: app\n      docker:\n        target: dev\n", [("dev", 5)]),
    ],
)
def test_each_kind_of_file_and_syntax(path: str, text: str, expected: list[tuple[str, int]]) -> None:
    assert _read(path, text) == expected


def test_other_files_are_not_read() -> None:
    for path in ("README.md", "src/main.go", "Dockerfile", "notes/.github/workflows.txt", "config.yml"):
        assert targets.kind_of(PurePosixPath(path)) is None, path


def test_search_is_bounded_to_the_files_that_matter(tmp_path: Path) -> None:
    _repo(tmp_path, {
        "app/Dockerfile": "FROM a\n",
        "compose.yml": "services:\n  app:\n    build:\n      target: kept\n",
        ".github/workflows/ci.yml": "jobs: {x: {steps: [{run: docker build --target ci .}]}}\n",
        "node_modules/pkg/build.sh": "docker build --target nm .\n",
        "vendor/lib/build.sh": "docker build --target vendored .\n",
        ".cache/build.sh": "docker build --target hidden .\n",
        "big/build.sh": "docker build --target big .\n" + "#" * targets.MAX_BYTES,
    })
    found = targets.targets_for(str(tmp_path / "app" / "Dockerfile"))
    assert found.complete
    assert sorted(use.name for use in found.uses) == ["ci", "kept"]
    (kept,) = found.named("KEPT")
    assert str(kept) == f"{tmp_path / 'compose.yml'}:4"


def test_paths_are_shown_the_way_the_dockerfile_was_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _repo(tmp_path, {"services/api/Dockerfile": "FROM a\n", "Makefile": "all:\n\tdocker build --target api .\n"})
    monkeypatch.chdir(tmp_path)
    assert [str(u) for u in targets.targets_for("services/api/Dockerfile").uses] == ["Makefile:2"]
    monkeypatch.chdir(tmp_path / "services" / "api")
    assert [str(u) for u in targets.targets_for("Dockerfile").uses] == ["../../Makefile:2"]


def test_without_git_only_the_dockerfiles_directory_is_searched(tmp_path: Path) -> None:
    if targets.repository_root(tmp_path) is not None:
        pytest.skip("the temporary directory is inside a git repository")
    (tmp_path / "Makefile").write_text("all:\n\tdocker build --target outside .\n")
    (tmp_path / "app" / "ci").mkdir(parents=True)
    (tmp_path / "app" / "Dockerfile").write_text("FROM a\n")
    (tmp_path / "app" / "ci" / "build.sh").write_text("docker build --target inside .\n")
    assert [u.name for u in targets.targets_for(str(tmp_path / "app" / "Dockerfile")).uses] == ["inside"]


def test_standard_input_searches_nothing() -> None:
    assert targets.targets_for("-") == targets.Targets()
    assert not targets.targets_for("-").searched_any


def test_a_root_is_scanned_once_per_process(tmp_path: Path) -> None:
    _repo(tmp_path, {"a/Dockerfile": "FROM a\n", "b/Dockerfile": "FROM b\n", "build.sh": "docker build --target one .\n"})
    assert [u.name for u in targets.targets_for(str(tmp_path / "a" / "Dockerfile")).uses] == ["one"]
    (tmp_path / "later.sh").write_text("docker build --target two .\n")
    assert [u.name for u in targets.targets_for(str(tmp_path / "b" / "Dockerfile")).uses] == ["one"]
    targets.scan_root.cache_clear()
    assert sorted(u.name for u in targets.targets_for(str(tmp_path / "b" / "Dockerfile")).uses) == ["one", "two"]


def test_the_file_bound_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(targets, "MAX_FILES", 1)
    _repo(tmp_path, {"Dockerfile": "FROM a\n", "a.sh": "docker build --target one .\n", "b.sh": "docker build --target two .\n"})
    found = targets.targets_for(str(tmp_path / "Dockerfile"))
    assert (found.searched, found.complete, [u.name for u in found.uses]) == (1, False, ["one"])


# --- name-stages and the targets around it ----------------------------------------------------------

DUPLICATE = "FROM alpine:3.20 AS build\nRUN echo one > /one\n\nFROM alpine:3.20 AS build\nRUN echo two > /two\n\nFROM scratch\nCOPY --from=build /two /two\n"


def _name_stages(path: Path, text: str) -> tuple[str, list[tuple[int, str, str]], list[tuple[int, str]]]:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    result = refactor(text, passes=["name-stages"], context=Context(path=str(path)))
    return result.text, [(c.line, c.safety, c.explanation) for c in result.changes], [(d.line, d.message) for d in result.diagnostics]


def test_a_stage_the_repository_builds_as_a_target_keeps_its_name(tmp_path: Path) -> None:
    _repo(tmp_path, {"compose.yml": "services:\n  app:\n    build:\n      context: app\n      target: build\n"})
    text, changes, notes = _name_stages(tmp_path / "app" / "Dockerfile", DUPLICATE)
    assert text == DUPLICATE.replace("FROM scratch\n", "FROM scratch AS runtime\n")
    assert [line for line, _, _ in changes] == [7]
    assert notes == [(4, f"stage 'build' keeps its name (an earlier stage is named 'build' too (DuplicateStageName)): "
                         f"the repository builds it as a target ({tmp_path / 'compose.yml'}:5)")]


def test_without_a_target_the_duplicate_is_renamed_for_review(tmp_path: Path) -> None:
    _repo(tmp_path, {"compose.yml": "services:\n  app:\n    build:\n      target: other\n"})
    text, changes, notes = _name_stages(tmp_path / "Dockerfile", DUPLICATE)
    assert "FROM alpine:3.20 AS build-2\n" in text and "COPY --from=build-2 /two /two\n" in text
    assert [(line, safety) for line, safety, _ in changes] == [(4, REVIEW), (7, "safe"), (8, REVIEW)]
    assert changes[0][2].endswith("(DuplicateStageName); no build target in the repository names it (1 file searched)")
    assert notes == []


def test_a_reserved_name_used_as_a_target_is_kept_and_every_place_is_listed(tmp_path: Path) -> None:
    script = "".join(f"docker build --target context -t t{n} .\n" for n in range(5))
    _repo(tmp_path, {"build.sh": script})
    text = "FROM alpine:3.20 AS context\nRUN echo hi > /hi\nFROM alpine:3.20\nCOPY --from=context /hi /hi\n"
    out, _, notes = _name_stages(tmp_path / "Dockerfile", text)
    assert "AS context\n" in out and "--from=context " in out
    (note,) = notes
    assert note[1].endswith("build.sh:1, " + str(tmp_path / "build.sh") + ":2, " + str(tmp_path / "build.sh") + ":3 and 2 more)")


def test_a_change_of_case_is_made_even_where_a_target_names_the_stage(tmp_path: Path) -> None:
    _repo(tmp_path, {"Makefile": "all:\n\tdocker build --target Builder .\n"})
    text = "FROM golang:1.22 AS Builder\nRUN go build -o /app .\nFROM scratch\nCOPY --from=Builder /app /app\n"
    out, changes, notes = _name_stages(tmp_path / "Dockerfile", text)
    assert out.startswith("FROM golang:1.22 AS builder\n") and "COPY --from=builder /app /app" in out
    assert {safety for _, safety, _ in changes} == {"safe"}
    assert notes == []


def test_an_incomplete_search_is_said(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(targets, "MAX_FILES", 0)
    _repo(tmp_path, {"build.sh": "docker build --target build .\n"})
    out, changes, notes = _name_stages(tmp_path / "Dockerfile", DUPLICATE)
    assert "AS build-2" in out and notes == []
    assert changes[0] == (4, REVIEW, "renamed stage 'build' to 'build-2': an earlier stage is named 'build' too (DuplicateStageName); "
                                     "the search for build targets stopped after 0 files, a target elsewhere may name it")
