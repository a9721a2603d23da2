"""The build context (codemod.context): .dockerignore as BuildKit reads it, finding the context
from --context, compose and bake files or the Dockerfile's directory, and the ecosystem readers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from codemod import context
from codemod.context import BuildContext, Matcher, read_ignore, resolve


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    context.clear_caches()


def _tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root


def _ctx(root: Path, files: dict[str, str | bytes], dockerfile: str = "Dockerfile") -> BuildContext:
    _tree(root, {dockerfile: "FROM scratch\n", **files})
    return BuildContext.at(root, root / dockerfile, "test")


# --- .dockerignore ---------------------------------------------------------------------------


def test_read_ignore_cleans_like_buildkit() -> None:
    text = "\ufeff# comment\n\n  /build/  \r\n!  ./docs/../README.md\n  #not a comment\nsrc//a/./b\n!\n"
    assert read_ignore(text) == ("build", "!README.md", "#not a comment", "src/a/b", "!")


@pytest.mark.parametrize(
    "patterns,path,expected",
    [
        (["*.md"], "README.md", True),
        (["*.md"], "docs/guide.md", False),
        (["**/*.md"], "README.md", True),
        (["**/*.md"], "docs/guide.md", True),
        (["**/*.md"], "a/b/c/d.md", True),
        (["**/*.md"], "docs/guide.mdx", False),
        (["*.md", "!README.md"], "README.md", False),
        (["*.md", "!README.md"], "CHANGES.md", True),
        (["!README.md", "*.md"], "README.md", True),
        (["node_modules"], "node_modules", True),
        (["node_modules"], "node_modules/lodash/index.js", True),
        (["node_modules"], "packages/a/node_modules", False),
        (["node_modules/"], "node_modules/lodash/index.js", True),
        (["node_modules/"], "packages/a/node_modules/x", False),
        (["**/node_modules"], "packages/a/node_modules/x", True),
        (["**/node_modules"], "node_modules", True),
        (["/build"], "build", True),
        (["/build"], "build/out/app", True),
        (["/build"], "src/build", False),
        (["docs/**"], "docs", False),
        (["docs/**"], "docs/a.md", True),
        (["docs/**"], "docs/a/b/c.md", True),
        (["docs/**"], "docsx/a.md", False),
        (["docs", "!docs/keep.md"], "docs", True),
        (["docs", "!docs/keep.md"], "docs/keep.md", False),
        (["docs", "!docs/keep.md"], "docs/other.md", True),
        (["docs/*", "!docs/keep"], "docs/keep/deep/file", False),
        (["docs/*", "!docs/keep"], "docs/drop/file", True),
        (["*", "!src"], "src/main.py", False),
        (["*", "!src"], "setup.py", True),
        (["a/**/b"], "a/b", True),
        (["a/**/b"], "a/x/y/b", True),
        (["a/**/b"], "a/xb", False),
        (["**"], "anything/at/all", True),
        (["?.txt"], "a.txt", True),
        (["?.txt"], "ab.txt", False),
        (["[ab].txt"], "b.txt", True),
        (["[^ab].txt"], "b.txt", False),
        # Go's regexp reads "[!ab]" as one of "!", "a", "b" (filepath.Match negates with "^")
        (["[!ab].txt"], "b.txt", True),
        (["foo.txt"], "foo_txt", False),
        (["*/temp*"], "somedir/temporary.txt", True),
        (["*/temp*"], "temp", False),
        (["*/*/temp*"], "a/b/temp.txt", True),
        (["temp?"], "temp1", True),
        (["*.log"], "logs/app.log", False),
        (["!"], "x", False),
        (["[unclosed"], "[unclosed", False),
    ],
)
def test_matcher_like_patternmatcher(patterns: list[str], path: str, expected: bool) -> None:
    assert Matcher(read_ignore("\n".join(patterns))).excluded(path) is expected


def test_pattern_kinds() -> None:
    kinds = {p: context.compile_pattern(p) for p in ("a/b", "docs/**", "**/x", "**/*.md", "a.b")}
    assert {p: c.kind for p, c in kinds.items() if c} == {
        "a/b": "exact", "docs/**": "prefix", "**/x": "suffix", "**/*.md": "regexp", "a.b": "exact",
    }


def test_context_files_respect_ignore(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, {
        ".dockerignore": "docs\n!docs/keep.md\n*.secret\nbig.bin\n",
        "docs/keep.md": "kept", "docs/drop.md": "dropped", "app.secret": "s",
        "src/main.py": "print()", "data/blob": b"\x00\x01", "big.txt": "x" * 50,
    })
    assert ctx.ignore_patterns() == ("docs", "!docs/keep.md", "*.secret", "big.bin")
    assert ctx.excluded("docs") and ctx.excluded("docs/drop.md") and not ctx.excluded("docs/keep.md")
    # an excluded directory with a re-included child is still sent, as the child's parent
    assert ctx.exists("docs") and ctx.is_dir("docs")
    assert ctx.exists("docs/keep.md") and not ctx.exists("docs/drop.md")
    assert not ctx.exists("app.secret") and not ctx.exists("missing")
    assert ctx.is_dir("src") and not ctx.is_dir("src/main.py") and ctx.is_file("./src/main.py")
    assert ctx.read_text("src/main.py") == "print()"
    assert ctx.read_text("docs/drop.md") is None
    assert ctx.read_text("data/blob") is None
    assert ctx.read_text("big.txt", limit=10) is None and ctx.read_text("big.txt", limit=50) == "x" * 50
    assert ctx.glob("**/*.md") == ["docs/keep.md"]
    assert ctx.glob("*") == sorted([".dockerignore", "Dockerfile", "big.txt", "data", "docs", "src"])
    assert ctx.glob("*.py", under="src") == ["src/main.py"]
    assert ctx.glob("{src,data}") == ["data", "src"]
    assert ctx.glob("**") == sorted([".dockerignore", "Dockerfile", "big.txt", "data", "data/blob", "docs", "docs/keep.md", "src", "src/main.py"])
    assert not ctx.exists("../outside") and ctx.excluded("../outside")


def test_links_out_of_the_context_do_not_exist(tmp_path: Path) -> None:
    outside = _tree(tmp_path / "outside", {"secret.txt": "s"})
    ctx = _ctx(tmp_path / "ctx", {"inner/file.txt": "f"})
    (ctx.root / "out").symlink_to(outside, target_is_directory=True)
    (ctx.root / "in").symlink_to(ctx.root / "inner", target_is_directory=True)
    assert not ctx.exists("out/secret.txt") and ctx.read_text("out/secret.txt") is None
    assert ctx.read_text("in/file.txt") == "f"


def test_files_over_the_bound_are_not_read(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, {"huge.txt": "x" * (context.MAX_BYTES + 1)})
    assert ctx.exists("huge.txt") and ctx.read_text("huge.txt", limit=1 << 30) is None


def test_dockerfile_specific_ignore_wins(tmp_path: Path) -> None:
    _tree(tmp_path, {".dockerignore": "a\n", "build/app.Dockerfile": "FROM x\n", "build/app.Dockerfile.dockerignore": "b\n", "a": "", "b": ""})
    ctx = BuildContext.at(tmp_path, tmp_path / "build/app.Dockerfile", "test")
    assert ctx.ignore_file == Path(os.path.realpath(tmp_path / "build/app.Dockerfile.dockerignore"))
    assert ctx.exists("a") and not ctx.exists("b")
    plain = BuildContext.at(tmp_path, tmp_path / "Dockerfile", "test")
    assert plain.ignore_file == Path(os.path.realpath(tmp_path / ".dockerignore"))
    assert not plain.exists("a") and plain.exists("b")


# --- resolve ---------------------------------------------------------------------------------


def test_explicit_context(tmp_path: Path) -> None:
    _tree(tmp_path, {"app/Dockerfile": "FROM x\n", "src/a": ""})
    ctx, note = resolve(tmp_path / "app/Dockerfile", str(tmp_path))
    assert ctx is not None and ctx.root == Path(os.path.realpath(tmp_path)) and ctx.source == f"--context {tmp_path}"
    assert ctx.exists("src/a") and "--context" in note
    none, note = resolve(tmp_path / "app/Dockerfile", "none")
    assert none is None and "--context none" in note
    missing, note = resolve(tmp_path / "app/Dockerfile", str(tmp_path / "nope"))
    assert missing is None and "not a directory" in note


COMPOSE = """\
x-common: &common
  args:
    - BASE=alpine
services:
  web:
    image: nginx:latest
  api:
    <<: *common
    build:
      context: ./services   # relative to this file
      dockerfile: api/Dockerfile
      target: runtime
      args:
        NODE_ENV: production
        VERSION: "${VERSION}"
  worker:
    build: ./worker
"""


def test_compose_finds_context_above_the_dockerfile(tmp_path: Path) -> None:
    _tree(tmp_path, {
        ".git/HEAD": "", "deploy/compose.yaml": "", "compose.yaml": COMPOSE,
        "services/api/Dockerfile": "FROM x\n", "services/shared/lib.txt": "",
        "worker/Dockerfile": "FROM x\n",
    })
    ctx, note = resolve(tmp_path / "services/api/Dockerfile")
    assert ctx is not None and note.startswith("build context ..")
    assert ctx.source == "../../compose.yaml (service api)"
    assert ctx.root == Path(os.path.realpath(tmp_path / "services"))
    assert ctx.target == "runtime" and dict(ctx.args) == {"NODE_ENV": "production"}
    assert ctx.exists("shared/lib.txt")
    worker, _ = resolve(tmp_path / "worker/Dockerfile")
    assert worker is not None and worker.source == "../compose.yaml (service worker)" and worker.target is None


def test_compose_override_and_list_args(tmp_path: Path) -> None:
    _tree(tmp_path, {
        ".git/HEAD": "",
        "docker-compose.yml": "services:\n  app:\n    build:\n      context: .\n      args: [A=1, B=2]\n",
        "docker-compose.override.yml": "services:\n  app:\n    build:\n      target: dev\n      args:\n        - B=3\n",
        "Dockerfile": "FROM x\n",
    })
    ctx, _ = resolve(tmp_path / "Dockerfile")
    assert ctx is not None and ctx.target == "dev" and dict(ctx.args) == {"A": "1", "B": "3"}


def test_search_stops_at_the_repository_root(tmp_path: Path) -> None:
    _tree(tmp_path, {
        "compose.yaml": "services:\n  app:\n    build: repo\n",
        "repo/.git/HEAD": "", "repo/Dockerfile": "FROM x\n",
    })
    ctx, note = resolve(tmp_path / "repo/Dockerfile")
    assert ctx is None and "not checked" in note


BAKE = """\
// shared settings
target "base" {
  context = "."
  args = {
    GO_VERSION = "1.22"
  }
}
target "api" {
  inherits = ["base"]
  dockerfile = "cmd/api/Dockerfile"
  target = "release"
  args = { "CGO_ENABLED" = "0" }
}
group "default" {
  targets = ["api"]
}
"""


def test_bake_hcl_with_inherits(tmp_path: Path) -> None:
    _tree(tmp_path, {".git/HEAD": "", "docker-bake.hcl": BAKE, "cmd/api/Dockerfile": "FROM x\n"})
    ctx, _ = resolve(tmp_path / "cmd/api/Dockerfile")
    assert ctx is not None and ctx.source == "../../docker-bake.hcl (target api)"
    assert ctx.target == "release" and dict(ctx.args) == {"GO_VERSION": "1.22", "CGO_ENABLED": "0"}
    assert ctx.root == Path(os.path.realpath(tmp_path))


def test_bake_json(tmp_path: Path) -> None:
    _tree(tmp_path, {
        ".git/HEAD": "",
        "docker-bake.json": '{"target": {"web": {"context": "web", "dockerfile": "Dockerfile.prod"}}}',
        "web/Dockerfile.prod": "FROM x\n",
    })
    ctx, _ = resolve(tmp_path / "web/Dockerfile.prod")
    assert ctx is not None and ctx.source == "../docker-bake.json (target web)" and ctx.target is None


def test_dockerfile_directory_only_when_every_source_is_there(tmp_path: Path) -> None:
    _tree(tmp_path, {"Dockerfile": "FROM x\n", "package.json": "{}", "src/index.js": "", ".dockerignore": "secret\n", "secret": ""})
    ctx, note = resolve(tmp_path / "Dockerfile", sources=["package.json", "./src/", "*.json", "$APP/x", "https://x.example/a"])
    assert ctx is not None and ctx.source == "the Dockerfile's directory" and "every COPY/ADD source" in note
    none, note = resolve(tmp_path / "Dockerfile", sources=["package.json", "go.mod", "secret"])
    assert none is None and "go.mod, secret" in note
    wildcard, _ = resolve(tmp_path / "Dockerfile", sources=["*.lock"])
    assert wildcard is None


# --- small readers ---------------------------------------------------------------------------


def test_yaml_reader() -> None:
    document = context.parse_yaml(COMPOSE)
    assert document["services"]["api"]["args"] == ["BASE=alpine"]
    assert document["services"]["api"]["build"]["context"] == "./services"
    assert document["services"]["web"] == {"image": "nginx:latest"}
    assert context.parse_yaml("packages:\n- 'apps/*'\n- \"!**/test/**\"\nlist: |\n  a\n  b\nflow: {a: 1, b: [x, y]}\n") == {
        "packages": ["apps/*", "!**/test/**"], "list": "a\nb", "flow": {"a": "1", "b": ["x", "y"]},
    }


def test_tiny_toml_reader() -> None:
    text = '[package]\nname = "x"\n\n[workspace]\nmembers = [\n  "crates/*", # all\n  "tools/cli",\n]\nexclude = ["crates/old"]\n'
    assert context._tiny_toml(text) == {"package": {"name": "x"}, "workspace": {"members": ["crates/*", "tools/cli"], "exclude": ["crates/old"]}}


# --- ecosystem readers -----------------------------------------------------------------------


def test_node_workspaces(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, {
        "package.json": '{"workspaces": {"packages": ["packages/*", "!packages/skip"]}}',
        "packages/a/package.json": "{}", "packages/b/README": "", "packages/skip/package.json": "{}",
        "pnpm-workspace.yaml": "packages:\n  - 'apps/**'\n", "apps/web/package.json": "{}",
        "apps/web/node_modules/dep/package.json": "{}",
    })
    assert context.node_workspaces(ctx) == ["apps/web", "packages/a"]
    array = _ctx(tmp_path / "array", {"package.json": '{"workspaces": ["libs/*"]}', "libs/x/package.json": "{}"})
    assert context.node_workspaces(array) == ["libs/x"]
    assert context.node_workspaces(_ctx(tmp_path / "plain", {"package.json": "{}"})) == []


def test_npm_lifecycle_scripts(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, {"package.json": '{"scripts": {"build": "tsc", "postinstall": "patch-package", "prepare": "husky"}}'})
    assert context.npm_lifecycle_scripts(ctx) == {"postinstall": "patch-package", "prepare": "husky"}
    gyp = _ctx(tmp_path / "gyp", {"package.json": '{"scripts": {}}', "binding.gyp": "{}"})
    assert context.npm_lifecycle_scripts(gyp) == {"install": "node-gyp rebuild"}
    assert context.npm_lifecycle_scripts(_ctx(tmp_path / "none", {})) == {}


def test_requirements(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, {
        "requirements.txt": "-r req/base.txt\n--constraint=constraints.txt\nflask==3.0  # web\n-e .\n./libs/util[extra]\n",
        "req/base.txt": "-rcommon.txt\nmypkg @ file:./vendored/mypkg\n--find-links ./wheels\n",
        "req/common.txt": "-r ../requirements.txt\nrequests \\\n  >=2\n-e git+https://example.com/x.git#egg=x\n",
        "constraints.txt": "",
    })
    assert context.requirement_includes(ctx, "requirements.txt") == ["req/base.txt", "req/common.txt", "requirements.txt", "constraints.txt"]
    assert context.requirement_local_paths(ctx, "requirements.txt") == ["vendored/mypkg", "wheels", ".", "libs/util"]
    assert context.requirement_includes(ctx, "missing.txt") == []


@pytest.mark.parametrize("loader", ["default", "tiny"])
def test_cargo_members(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loader: str) -> None:
    if loader == "tiny":
        monkeypatch.setattr(context, "_toml_loads", context._tiny_toml)
    ctx = _ctx(tmp_path, {
        "Cargo.toml": '[workspace]\nmembers = ["crates/*", "tools/cli"]\nexclude = ["crates/old"]\n',
        "crates/core/Cargo.toml": "", "crates/old/Cargo.toml": "", "crates/notes/README.md": "", "tools/cli/Cargo.toml": "",
    })
    assert context.cargo_members(ctx) == ["crates/core", "tools/cli"]
    assert context.cargo_members(_ctx(tmp_path / "single", {"Cargo.toml": '[package]\nname = "x"\n'})) == []


def test_go(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, {
        "svc/go.mod": "module x\n\nreplace example.com/a => ../lib/a\nreplace (\n\texample.com/b v1.0.0 => ./b // local\n\texample.com/c => example.com/c v1.2.0\n)\n",
        "svc/vendor/modules.txt": "",
        ".dockerignore": "svc/vendor\n",
    })
    assert context.go_local_replaces(ctx, "svc") == ["lib/a", "svc/b"]
    assert not context.go_has_vendor(ctx, "svc")
    vendored = _ctx(tmp_path / "v", {"go.mod": "module y\n", "vendor/modules.txt": ""})
    assert context.go_has_vendor(vendored) and context.go_local_replaces(vendored) == []


POM = '<project xmlns="http://maven.apache.org/POM/4.0.0"><modules>{}</modules></project>'


def test_maven_modules(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, {
        "pom.xml": POM.format("<module>core</module><module>app</module><module>gone</module>"),
        "core/pom.xml": POM.format("<module>api</module>"), "core/api/pom.xml": "<project/>",
        "app/pom.xml": "<project/>",
    })
    assert context.maven_modules(ctx) == ["core", "core/api", "app"]


def test_dotnet_project_references(tmp_path: Path) -> None:
    ref = '<Project><ItemGroup><ProjectReference Include="{}" /></ItemGroup></Project>'
    ctx = _ctx(tmp_path, {
        "src/Api/Api.csproj": ref.format("..\\Core\\Core.csproj"),
        "src/Core/Core.csproj": ref.format("..\\..\\lib\\Util\\Util.csproj"),
        "lib/Util/Util.csproj": "<Project />",
    })
    assert context.dotnet_project_references(ctx, "src/Api/Api.csproj") == ["src/Core/Core.csproj", "lib/Util/Util.csproj"]
    assert context.dotnet_project_references(ctx, "lib/Util/Util.csproj") == []


def test_composer_scripts(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, {"composer.json": '{"scripts": {"test": "phpunit", "post-install-cmd": ["@php artisan a", "@php artisan b"], "post-autoload-dump": "x"}}'})
    assert context.composer_scripts(ctx) == {"post-install-cmd": "@php artisan a && @php artisan b", "post-autoload-dump": "x"}


def test_missing_ignores(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, {"package.json": "{}", "target/x": "", ".git/HEAD": "", ".dockerignore": ".git\n"})
    assert context.missing_ignores(ctx, ["node_modules", ".venv", "vendor", "target", ".git"]) == ["node_modules", "target"]
    covered = _ctx(tmp_path / "c", {"package.json": "{}", ".dockerignore": "**/node_modules\n"})
    assert context.missing_ignores(covered, ["node_modules"]) == []
