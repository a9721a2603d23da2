"""`msb-refactor verify`: the engines' command lines (a fake runner records them), the
comparisons on canned data, the exit codes; then real builds with buildah (slow, realbuild)."""

from __future__ import annotations

import io
import json
import tarfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import pytest

from codemod import cli
from codemod.verify import (
    SPLIT_FILES_NOTE,
    Completed,
    Entry,
    FileList,
    Options,
    Outcome,
    Runner,
    Verifier,
    VerifyError,
    compare_behaviour,
    compare_config,
    compare_files,
    detect_engine,
    env_keys_set,
    files_from_dir,
    files_from_tar,
    final_base,
    human_size,
    image_key,
    label_keys_set,
    make_engine,
    parse_inspect,
    store_args,
)
from conftest import ROOT

SAMPLE = ROOT / "corpus" / "e2e" / "shell-jq"

DOCKERFILE = """\
FROM localhost/debian:bookworm
WORKDIR /srv/app
RUN apt-get update
RUN apt-get install -y --no-install-recommends jq
COPY app.sh ./
ENV GREETING=hello
CMD ["./app.sh"]
"""
CONFIG = {"Cmd": ["./app.sh"], "WorkingDir": "/srv/app", "Env": ["PATH=/usr/bin", "GREETING=hello"], "Labels": {"io.buildah.version": "1.28.2"}}


def docker_inspect(config: dict[str, Any], size: int = 144_000_000, layers: int = 4) -> bytes:
    return json.dumps([{"Config": config, "Size": size, "RootFS": {"Type": "layers", "Layers": [f"sha256:{i}" for i in range(layers)]}}]).encode()


def buildah_inspect(config: dict[str, Any], layers: int = 4) -> bytes:
    return json.dumps({"Docker": {"config": config}, "OCIv1": {"config": {}, "rootfs": {"type": "layers", "diff_ids": ["x"] * layers}}}).encode()


def tar_of(files: dict[str, bytes]) -> bytes:
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w") as archive:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(content), 0o755 if name.endswith(".sh") else 0o644
            archive.addfile(info, io.BytesIO(content))
    return data.getvalue()


class FakeRunner(Runner):
    """Records every argv; answers as an engine would, from the canned data it is given.
    ``tags``: image tag suffix (original/refactored) -> what that image is."""

    def __init__(self, engine: str, *, installed: Sequence[str] = ("docker", "podman", "buildah", "runc", "unshare"), answering: Sequence[str] = ("docker", "podman")) -> None:
        self.engine = engine
        self.installed = set(installed)
        self.answering = set(answering)
        self.calls: list[list[str]] = []
        self.configs = {"original": dict(CONFIG), "refactored": dict(CONFIG)}
        self.files = {"original": {"srv/app/app.sh": b"echo hi\n"}, "refactored": {"srv/app/app.sh": b"echo hi\n"}}
        self.outputs = {"original": Completed([], 0, b"hello\n"), "refactored": Completed([], 0, b"hello\n")}
        self.build_fails: set[str] = set()
        self.build_log = b"STEP 1/2: FROM x\n--> Using cache 123\nSTEP 2/2: COPY app.sh ./\n"
        self.sizes = {"original": "144 MB", "refactored": "144 MB"}
        self.containers: dict[str, str] = {}
        self.mounts: list[str] = []

    def which(self, program: str) -> str | None:
        return f"/usr/bin/{program}" if program in self.installed else None

    @staticmethod
    def side(text: str) -> str:
        return "refactored" if "refactored" in text else "original"

    def verb(self, argv: Sequence[str]) -> list[str]:
        """The argv after the program and its global options."""
        rest = list(argv)
        while rest and rest[0] in ("unshare", "--net"):
            rest = rest[1:]
        rest = rest[1:]
        while rest and rest[0].startswith("--"):
            rest = rest[1:] if "=" in rest[0] else rest[2:]
        return rest

    def run(self, argv: Sequence[str], *, timeout: float | None = None, on_line: Callable[[str], None] | None = None) -> Completed:
        argv = list(argv)
        self.calls.append(argv)
        verb = self.verb(argv)
        if verb[0] == "info":
            return Completed(argv, 0 if argv[0] in self.answering else 1)
        if verb[0] in ("build", "bud"):
            side = self.side(argv[argv.index("-t") + 1])
            for line in self.build_log.decode().splitlines():
                if on_line:
                    on_line(line)
            if side in self.build_fails:
                return Completed(argv, 1, self.build_log + b"E: Unable to locate package jq\nError: building at STEP 2\n", seconds=1.5)
            return Completed(argv, 0, self.build_log, seconds=2.5)
        if verb[0] == "inspect" or verb[:2] == ["image", "inspect"]:
            side = self.side(argv[-1])
            data = buildah_inspect(self.configs[side]) if self.engine == "buildah" else docker_inspect(self.configs[side])
            return Completed(argv, 0, data)
        if verb[0] == "images":
            return Completed(argv, 0, json.dumps([{"size": self.sizes[self.side(argv[-1])]}]).encode())
        if verb[0] in ("create", "from"):
            name = argv[argv.index("--name") + 1]
            self.containers[name] = self.side(argv[-1])
            return Completed(argv, 0, name.encode())
        if verb[0] == "mount":
            side = self.containers[verb[1]]
            directory = Path(self.tmp) / f"mnt-{side}"
            if not directory.exists():
                for name, content in self.files[side].items():
                    (directory / name).parent.mkdir(parents=True, exist_ok=True)
                    (directory / name).write_bytes(content)
            return Completed(argv, 0, f"{directory}\n".encode())
        if verb[0] == "run":
            side = self.containers.get(verb[-1] if "--" not in verb else verb[verb.index("--") - 1]) or self.side(" ".join(argv))
            done = self.outputs[side]
            return Completed(argv, done.returncode, done.stdout, done.stderr, timed_out=done.timed_out)
        return Completed(argv, 0)

    @contextmanager
    def stream(self, argv: Sequence[str]) -> Iterator[io.BytesIO]:
        self.calls.append(list(argv))
        yield io.BytesIO(tar_of(self.files[self.containers[argv[-1]]]))

    tmp = ""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / "app.sh").write_text("#!/bin/sh\necho hello\n")
    return tmp_path


def verify(project: Path, runner: FakeRunner, **options: Any) -> Any:
    runner.tmp = str(project.parent)
    opts = Options(str(project / "Dockerfile"), engine=runner.engine, **options)
    return Verifier(opts, runner).verify()


def verbs(runner: FakeRunner) -> list[str]:
    return [" ".join(runner.verb(argv)[:2]) for argv in runner.calls]


# --- command lines ------------------------------------------------------------------------------


def test_docker_command_lines(project: Path) -> None:
    runner = FakeRunner("docker")
    report = verify(project, runner, smoke="", build_args=["A=1"], target=None, platform="linux/amd64")
    assert report.exit_code == 0, report.as_text()
    builds = [a for a in runner.calls if a[1] == "build"]
    tag = builds[0][builds[0].index("-t") + 1]
    assert tag.startswith("localhost/msb-verify-") and tag.endswith(":original")
    assert builds[0] == ["docker", "build", "-f", str(project / "Dockerfile"), "-t", tag, "--build-arg", "A=1", "--platform", "linux/amd64", str(project)]
    assert builds[1][builds[1].index("-t") + 1] == tag.replace(":original", ":refactored")
    assert builds[1][3] != str(project / "Dockerfile")  # the refactored text is built from a temporary file
    assert ["docker", "image", "inspect", tag] in runner.calls
    runs = [a for a in runner.calls if a[1] == "run"]
    assert len(runs) == 2 and runs[0][:3] == ["docker", "run", "--name"] and runs[0][4:] == ["--network", "none", tag]
    created = [a[a.index("--name") + 1] for a in runner.calls if a[1] in ("create", "run")]
    removed = [a[-1] for a in runner.calls if a[1:3] == ["rm", "-f"]]
    assert sorted(created) == sorted(removed)
    assert sorted(a[-1] for a in runner.calls if a[1] == "rmi") == sorted([tag, tag.replace(":original", ":refactored")])
    assert not [a for a in runner.calls if {"push", "prune", "system"} & set(a)]


def test_podman_defaults_for_this_kind_of_host(project: Path) -> None:
    engine = make_engine("podman", root="/srv/store", environ={}, which=lambda p: "/usr/bin/runc", nofile_hard=20000, nproc_hard=96365)
    assert engine.prefix == ["podman", "--runtime", "runc", *store_args("/srv/store")]
    assert engine.prefix[5] == "--runroot" and engine.prefix[6] != "/srv/store"  # a run directory of its own
    assert engine.build("Dockerfile", ".", "t") == ["podman", *engine.prefix[1:], "build", "--isolation", "chroot", "--force-rm", "-f", "Dockerfile", "-t", "t", "."]
    assert engine.run("t", "n", ["echo", "hi"]) == [*engine.prefix, "run", "--name", "n", "--network", "none", "--ulimit", "nofile=20000:20000", "--ulimit", "nproc=4096:4096", "t", "echo", "hi"]
    assert engine.remove_container("n") == [*engine.prefix, "rm", "-f", "n"]
    assert engine.remove_image("t") == [*engine.prefix, "rmi", "t"]


def test_podman_keeps_what_the_user_chose() -> None:
    engine = make_engine(
        "podman", engine_args=["--runtime=crun", "--cgroup-manager=cgroupfs"], environ={"BUILDAH_ISOLATION": "oci"},
        which=lambda p: "/usr/bin/runc", nofile_hard=2**30, nproc_hard=2**30,
    )
    assert engine.prefix == ["podman", "--runtime=crun", "--cgroup-manager=cgroupfs"]
    assert "--isolation" not in engine.build_flags and engine.run_flags == []


def test_podman_through_verify(project: Path) -> None:
    runner = FakeRunner("podman")
    report = verify(project, runner, smoke="/app.sh --version", root=str(project / "store"))
    assert report.exit_code == 0, report.as_text()
    build = next(a for a in runner.calls if "build" in a)
    assert build[:3] == ["podman", "--runtime", "runc"] and "--isolation" in build and "chroot" in build
    assert build[3:7] == store_args(str(project / "store"))
    run = next(a for a in runner.calls if "run" in a)
    assert run[-2:] == ["/app.sh", "--version"] and "--network" in run


def test_buildah_command_lines(project: Path) -> None:
    runner = FakeRunner("buildah")
    report = verify(project, runner, smoke="")
    assert report.exit_code == 0, report.as_text()
    assert verbs(runner)[:2] == ["bud --isolation", "bud --isolation"]
    bud = runner.calls[0]
    assert bud[:6] == ["buildah", "bud", "--isolation", "chroot", "--force-rm", "--layers"]
    tag = bud[bud.index("-t") + 1]
    assert ["buildah", "inspect", "--type", "image", tag] in runner.calls
    assert ["buildah", "images", "--json", tag] in runner.calls  # the size, which inspect does not give
    assert report.builds["original"].size == 144_000_000 and report.builds["original"].layers == 4
    froms = [a for a in runner.calls if a[1] == "from"]
    assert all(a[2] == "--pull=never" for a in froms) and len(froms) == 4  # files and smoke, both images
    smoke = [a for a in runner.calls if "run" in a]
    # chroot isolation cannot take the network away by itself: a network namespace of its own
    assert smoke[0][:4] == ["unshare", "--net", "buildah", "run"] and smoke[0][-2:] == ["--", "./app.sh"]
    mounted = {a[-1] for a in runner.calls if a[1] == "mount"}
    assert mounted == {a[-1] for a in runner.calls if a[1] == "umount"}
    assert sorted(a[-1] for a in runner.calls if a[1] == "rm") == sorted(a[a.index("--name") + 1] for a in froms)
    assert len([a for a in runner.calls if a[1] == "rmi"]) == 2


def test_keep_keeps_the_images_not_the_containers(project: Path) -> None:
    runner = FakeRunner("buildah")
    verify(project, runner, smoke="", keep=True)
    assert not [a for a in runner.calls if a[1] == "rmi"]
    assert len([a for a in runner.calls if a[1] == "rm"]) == 4


def test_docker_has_no_root() -> None:
    with pytest.raises(VerifyError, match="--root"):
        make_engine("docker", root="/srv/store")


def test_engine_detection() -> None:
    # a docker client without a daemon does not count
    assert detect_engine(FakeRunner("x", answering=("podman",))) == "podman"
    assert detect_engine(FakeRunner("x", answering=("docker", "podman"))) == "docker"
    assert detect_engine(FakeRunner("x", answering=())) == "buildah"
    with pytest.raises(VerifyError, match="no container engine"):
        detect_engine(FakeRunner("x", installed=("docker",), answering=()))


# --- comparisons --------------------------------------------------------------------------------


def test_config_base_env_apart() -> None:
    original = {**CONFIG, "Env": ["PATH=/usr/bin", "GREETING=hello", "LANG=C.UTF-8"], "ExposedPorts": {"8080/tcp": {}}}
    refactored = {**CONFIG, "Env": ["PATH=/usr/local/bin:/usr/bin", "GREETING=hello"], "ExposedPorts": {"8080/tcp": {}}, "Volumes": {}}
    result = compare_config(original, refactored, ["GREETING"])
    assert result.differences == {}
    assert result.base_env == {"LANG": ["C.UTF-8", None], "PATH": ["/usr/bin", "/usr/local/bin:/usr/bin"]}


def test_config_differences() -> None:
    refactored = {**CONFIG, "WorkingDir": "", "Env": ["PATH=/usr/bin", "GREETING=hi"], "Healthcheck": {"Test": ["CMD", "true"]}}
    result = compare_config(CONFIG, refactored, ["GREETING"])
    assert result.differences == {"WorkingDir": ["/srv/app", None], "Healthcheck": [None, {"Test": ["CMD", "true"]}], "Env GREETING": ["hello", "hi"]}


def test_inspect_shapes() -> None:
    docker = parse_inspect("podman", json.loads(docker_inspect(CONFIG, size=5, layers=3)))
    buildah = parse_inspect("buildah", json.loads(buildah_inspect(CONFIG, layers=3)))
    assert docker.config == buildah.config == CONFIG
    assert (docker.size, docker.layers, buildah.size, buildah.layers) == (5, 3, None, 3)
    podman = parse_inspect("podman", [{"Config": {}, "HealthCheck": {"Test": ["CMD", "x"]}}])
    assert podman.config["Healthcheck"] == {"Test": ["CMD", "x"]}
    assert [human_size(v) for v in ("121 MB", "1.31 GB", "512 kB", "7 B", "?")] == [121_000_000, 1_310_000_000, 512_000, 7, None]


def test_env_keys_set_follow_the_final_stage() -> None:
    text = "FROM x AS build\nENV CGO=0\nFROM x AS base\nENV A=1 B=2\nFROM base\nENV C=3\nFROM x AS other\nENV D=4\n"
    assert env_keys_set(text) == {"D"}
    assert env_keys_set(text, target="base") == {"A", "B"}
    assert env_keys_set(text.rsplit("FROM x AS other", 1)[0]) == {"A", "B", "C"}


def entry(data: str = "h", mode: int = 0o644, uid: int = 0) -> Entry:
    return Entry("file", mode, uid, 0, data)


def test_files_compared_caches_apart() -> None:
    a, b = FileList(), FileList()
    for path, e in {"/bin/sh": entry(), "/etc/x": entry(), "/app/run": entry(mode=0o755), "/gone": entry()}.items():
        a.add(path, e)
    for path, e in {"/bin/sh": entry(), "/etc/x": entry("other"), "/app/run": entry(mode=0o700, uid=1000), "/new": entry()}.items():
        b.add(path, e)
    for path in ("/var/lib/apt/lists/deb.debian.org_dists", "/var/cache/apt/pkgcache.bin", "/usr/lib/x/__pycache__/m.cpython-311.pyc", "/tmp/t"):
        a.add(path, entry())
    result = compare_files(a, b)
    assert result.added == ["/new"] and result.removed == ["/gone"]
    assert result.changed == {"/etc/x": "content", "/app/run": "mode 0755 -> 0700, owner 0:0 -> 1000:0"}
    assert result.caches_removed == ["/tmp/t", "/var/cache/apt/pkgcache.bin", "/var/lib/apt/lists/deb.debian.org_dists"]
    same = compare_files(b, b)
    assert same.same and same.compared == 4


def test_files_from_tar_and_from_dir_agree(tmp_path: Path) -> None:
    files = {"srv/app/app.sh": b"echo hi\n", "var/lib/apt/lists/x": b"index", "usr/share/doc": b"d"}
    from_tar = files_from_tar(io.BytesIO(tar_of(files)))
    root = tmp_path / "root"
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
        (root / name).chmod(0o755 if name.endswith(".sh") else 0o644)
    from_dir = files_from_dir(str(root))
    assert set(from_tar.entries) == {"/srv/app/app.sh", "/usr/share/doc"}
    assert from_tar.cached == from_dir.cached == {"/var/lib/apt/lists/x"}
    for path, e in from_tar.entries.items():
        assert (e.kind, e.mode, e.data) == (from_dir.entries[path].kind, from_dir.entries[path].mode, from_dir.entries[path].data)


def test_behaviour() -> None:
    ran = Outcome("exited", 0, "hi\n")
    assert compare_behaviour(ran, Outcome("exited", 0, "hi\n"))[0] == "same"
    assert compare_behaviour(ran, Outcome("exited", 1, "hi\n")) == ("different", "original exit 0, refactored exit 1")
    assert compare_behaviour(ran, Outcome("exited", 0, "ho\n"))[0] == "different"
    assert compare_behaviour(Outcome("running"), Outcome("running"))[0] == "inconclusive"
    assert compare_behaviour(Outcome("running"), ran)[0] == "different"
    assert compare_behaviour(Outcome("answered", 200, "ok"), Outcome("answered", 500, "ok"))[0] == "different"


# --- exit codes ---------------------------------------------------------------------------------


def test_original_that_does_not_build_proves_nothing(project: Path) -> None:
    runner = FakeRunner("docker")
    runner.build_fails = {"original"}
    report = verify(project, runner, smoke="")
    assert report.exit_code == 2 and "nothing is proved" in report.verdict
    assert "E: Unable to locate package jq" in report.as_text()
    assert len([a for a in runner.calls if a[1] == "build"]) == 1
    assert len([a for a in runner.calls if a[1] == "rmi"]) == 1  # a failed build may still have tagged


def test_refactored_that_does_not_build_is_a_difference(project: Path) -> None:
    runner = FakeRunner("docker")
    runner.build_fails = {"refactored"}
    report = verify(project, runner)
    assert report.exit_code == 1 and "does not build" in report.verdict
    assert "refactored build failed" in report.as_text() and "Error: building at STEP 2" in report.as_text()


def test_differences_are_named(project: Path) -> None:
    runner = FakeRunner("podman")
    runner.configs["refactored"] = {**CONFIG, "WorkingDir": "/"}
    runner.files["refactored"] = {"app.sh": b"echo hi\n"}
    runner.outputs["refactored"] = Completed([], 0, b"hello from /\n")
    report = verify(project, runner, smoke="")
    assert report.exit_code == 1
    assert "configuration WorkingDir" in report.verdict and "files" in report.verdict and "behaviour" in report.verdict
    data = json.loads(report.as_json())
    assert data["files"]["added"] == ["/app.sh"] and "/srv/app/app.sh" in data["files"]["removed"]


def test_still_running_in_both_is_inconclusive(project: Path) -> None:
    runner = FakeRunner("docker")
    runner.outputs = {side: Completed([], None, b"serving\n", timed_out=True) for side in ("original", "refactored")}
    report = verify(project, runner, smoke="", timeout=0.1)
    assert report.exit_code == 3 and report.verdict.startswith("INCONCLUSIVE")


def test_touch_rebuilds_a_copy(project: Path) -> None:
    runner = FakeRunner("docker")
    before = (project / "app.sh").read_bytes()
    report = verify(project, runner, touch="app.sh")
    assert (project / "app.sh").read_bytes() == before  # the user's tree is never changed
    rebuilds = [a for a in runner.calls if a[1] == "build" and a[a.index("-t") + 1].endswith("-touched")]
    assert len(rebuilds) == 2 and all(a[-1] != str(project) for a in rebuilds)
    assert rebuilds[0][3].startswith(rebuilds[0][-1])  # the original's Dockerfile is the copy's
    assert report.rebuilds["original"].cached_steps == 1 and report.rebuilds["original"].steps == 2
    assert len([a for a in runner.calls if a[1] == "rmi"]) == 4
    with pytest.raises(VerifyError, match="no such file"):
        verify(project, FakeRunner("docker"), touch="missing.txt")


def test_main_dispatches_verify(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["verify", "--help"])
    assert exit_info.value.code == 0 and "msb-refactor verify" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["verify", str(tmp_path / "none"), "--engine", "buildah"])
    assert exit_info.value.code == 2 and "cannot read" in capsys.readouterr().err
    # a directory named verify is reached as ./verify, by the refactoring command
    (tmp_path / "verify").mkdir()
    (tmp_path / "verify" / "Dockerfile").write_text(DOCKERFILE)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--check", "./verify"])
    assert exit_info.value.code == 1 and "merge-runs" in capsys.readouterr().err


# --- real builds --------------------------------------------------------------------------------


def _buildah_store() -> Path:
    from e2e.harness import require_real_builds

    require_real_builds()
    from e2e.base import ensure_base

    store, _ = ensure_base()
    return store


@pytest.fixture(scope="module")
def buildah_store() -> Path:
    return _buildah_store()


def real_verify(store: Path, *args: str, sample: Path = SAMPLE) -> tuple[int, str, float]:
    from click.testing import CliRunner

    from codemod.verify import verify_command

    start = time.monotonic()
    result = CliRunner().invoke(verify_command, ["--engine", "buildah", "--root", str(store), *args, str(sample / "Dockerfile")])
    seconds = time.monotonic() - start
    print(f"verify {' '.join(args)} {sample.name}: exit {result.exit_code} in {seconds:.1f} s\n{result.stderr}{result.stdout}")
    return result.exit_code, result.stdout, seconds


@pytest.mark.slow
@pytest.mark.realbuild
def test_real_refactoring_verifies(buildah_store: Path) -> None:
    code, output, _ = real_verify(buildah_store, "--smoke", "", "--touch", "app.sh", "--format", "json")
    assert code == 0, output
    report = json.loads(output)
    expected = (SAMPLE / "expected-output.txt").read_text()
    assert report["behaviour"]["original"]["stdout"] == expected
    assert report["behaviour"]["refactored"]["stdout"] == expected
    assert report["builds"]["original"]["layers"] == report["builds"]["refactored"]["layers"] + 1  # two RUNs became one
    assert report["rebuilds"]["refactored"]["cached_steps"] >= 2
    assert report["files"]["compared"] > 1000


@pytest.mark.slow
@pytest.mark.realbuild
def test_real_refactoring_that_drops_workdir_differs(buildah_store: Path) -> None:
    code, output, _ = real_verify(buildah_store, "--smoke", "", "--against", str(SAMPLE / "broken-workdir.Dockerfile"))
    assert code == 1, output
    assert "WorkingDir" in output and "missing from refactored: /srv/app/app.sh" in output
    assert "caches removed (not a difference)" in output and "standard output differs" in output


@pytest.mark.slow
@pytest.mark.realbuild
def test_real_refactored_build_that_fails_differs(buildah_store: Path) -> None:
    code, output, _ = real_verify(buildah_store, "--against", str(SAMPLE / "broken-lists.Dockerfile"))
    assert code == 1, output
    assert "refactored build failed" in output and "Unable to locate package jq" in output


@pytest.mark.slow
@pytest.mark.realbuild
def test_real_review_change_removes_caches_only(buildah_store: Path) -> None:
    sample = ROOT / "corpus" / "e2e" / "jq-review"
    code, output, _ = real_verify(buildah_store, "--smoke", "", "--format", "json", sample=sample)
    assert code == 0, output
    report = json.loads(output)
    assert any("[review]" in change for change in report["changes"])
    assert report["files"]["caches_removed"] and all(p.startswith("/var/lib/apt/lists/") for p in report["files"]["caches_removed"])
    assert report["behaviour"]["refactored"]["stdout"] == (sample / "expected-output.txt").read_text()
    assert report["builds"]["refactored"]["size"] < report["builds"]["original"]["size"]


def test_probe_compares_the_answers(project: Path) -> None:
    import http.server
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            body = b"ok\n" if self.path == "/health" else b"missing\n"
            self.send_response(200 if self.path == "/health" else 404)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        runner = FakeRunner("podman")
        original_run = runner.run

        def run(argv: Sequence[str], **kwargs: Any) -> Completed:
            if "port" in argv:
                runner.calls.append(list(argv))
                return Completed(list(argv), 0, f"127.0.0.1:{server.server_address[1]}\n".encode())
            return original_run(argv, **kwargs)

        runner.run = run  # type: ignore[method-assign]
        report = verify(project, runner, probe="8080/health", timeout=5)
        assert report.exit_code == 0, report.as_text()
        assert report.behaviour["original"] == {"state": "answered", "status": 200, "stdout": "ok\n", "stderr": ""}
        started = [a for a in runner.calls if "run" in a]
        assert all("-d" in a and a[a.index("-p") + 1] == "127.0.0.1::8080" for a in started) and len(started) == 2
        assert sorted(a[-1] for a in runner.calls if a[-3:-1] == ["rm", "-f"]) == sorted(a[a.index("--name") + 1] for a in started + [c for c in runner.calls if "create" in c])
        with pytest.raises(VerifyError, match="did not publish port 8080"):  # an engine that maps no port
            verify(project, FakeRunner("podman"), probe="8080/health", timeout=0.5)
    finally:
        server.shutdown()


@pytest.mark.slow
@pytest.mark.realbuild
def test_real_cleanup_declined_where_a_later_script_installs(buildah_store: Path) -> None:
    """A script the Dockerfile copies in and runs installs with apt: merge-runs keeps the lists
    (the image still builds and behaves the same), and the cleanup it used to add breaks the build."""
    sample = ROOT / "corpus" / "e2e" / "apt-script-later"
    code, output, _ = real_verify(buildah_store, "--smoke", "", "--format", "json", sample=sample)
    assert code == 0, output
    report = json.loads(output)
    assert report["behaviour"]["refactored"]["stdout"] == (sample / "expected-output.txt").read_text()
    assert report["files"]["caches_removed"] == []
    code, output, _ = real_verify(buildah_store, "--smoke", "", "--against", str(sample / "broken-cleanup.Dockerfile"), sample=sample)
    assert code == 1, output
    assert "Unable to locate package bc" in output


# --- a split: the refactored image starts from another base image --------------------------------

SPLIT = """\
FROM localhost/debian:bookworm AS builder
WORKDIR /srv/app
COPY app.sh ./

FROM localhost/debian-slim:bookworm AS runtime
LABEL org.example.team=tools
WORKDIR /srv/app
COPY --from=builder /srv/app/app.sh ./
ENV GREETING=hello
CMD ["./app.sh"]
"""


def split_runner(engine: str = "buildah") -> FakeRunner:
    """The images of a split: other files (another base image), another size, base labels and
    Env keys of their own; the same configuration and output otherwise."""
    runner = FakeRunner(engine)
    runner.configs["original"] = {**CONFIG, "Env": ["PATH=/go/bin:/usr/bin", "GOPATH=/go", "GREETING=hello"],
                                  "Labels": {"io.buildah.version": "1.28.2", "base.id": "toolchain", "org.example.team": "tools"}}
    runner.configs["refactored"] = {**CONFIG, "Env": ["PATH=/usr/bin", "GREETING=hello"],
                                    "Labels": {"io.buildah.version": "1.28.2", "base.id": "slim", "org.example.team": "tools"}}
    runner.files["refactored"] = {"srv/app/app.sh": b"echo hi\n", "etc/slim": b""}
    runner.sizes = {"original": "1.08 GB", "refactored": "125 MB"}
    return runner


def verify_split(project: Path, runner: FakeRunner, text: str = SPLIT, **options: Any) -> Any:
    (project / "split.Dockerfile").write_text(text)
    return verify(project, runner, against=str(project / "split.Dockerfile"), **options)


def test_final_base_follows_the_chain() -> None:
    assert final_base(DOCKERFILE) == "localhost/debian:bookworm"
    assert final_base(SPLIT) == "localhost/debian-slim:bookworm"
    assert final_base(SPLIT, target="builder") == "localhost/debian:bookworm"
    chain = "ARG BASE=python:3.11-slim\nFROM python:3.11 AS build\nFROM $BASE AS base\nRUN true\nFROM base\nCMD [\"x\"]\n"
    assert final_base(chain) == "python:3.11-slim"
    assert final_base(chain, target="build") == "python:3.11"
    assert final_base(chain, target="nowhere") is None
    assert final_base("RUN true\n") is None  # no stage
    assert image_key("python") == image_key("docker.io/library/python:latest") == image_key("library/python") == "python:latest"
    assert image_key("docker.io/bitnami/redis") == "bitnami/redis:latest"
    assert image_key("localhost:5000/app") == "localhost:5000/app:latest"
    assert image_key("python:3.11") != image_key("python:3.11-slim")
    assert image_key("python@sha256:abc") == "python@sha256:abc"


def test_label_keys_set_follow_the_final_stage() -> None:
    text = 'FROM x AS build\nLABEL a=1\nFROM x AS base\nLABEL "b"=2 c="3 4"\nLABEL legacy the value\nFROM base\nLABEL d=5\n'
    assert label_keys_set(text) == {"b", "c", "legacy", "d"}
    assert label_keys_set(text, target="build") == {"a"}
    assert label_keys_set(SPLIT) == {"org.example.team"}


def test_split_is_proved_by_behaviour_and_configuration(project: Path) -> None:
    runner = split_runner()
    report = verify_split(project, runner, smoke="")
    assert report.exit_code == 0, report.as_text()
    assert report.verdict == (
        "SAME: configuration and behaviour (the final image starts from another base image,"
        " localhost/debian:bookworm -> localhost/debian-slim:bookworm: files not compared; size 1080.0 MB -> 125.0 MB)"
    )
    assert report.split and report.bases == {"original": "localhost/debian:bookworm", "refactored": "localhost/debian-slim:bookworm"}
    # the files are not listed at all: no container is made for them, nothing is mounted
    assert report.files is None and report.files_skipped == SPLIT_FILES_NOTE
    assert not [a for a in runner.calls if a[1] in ("mount", "umount")]
    assert len([a for a in runner.calls if a[1] == "from"]) == 2  # the smoke runs only
    # the base images' Env keys and labels are reported apart, not counted
    assert report.config.differences == {}
    assert report.config.base_env == {"GOPATH": ["/go", None], "PATH": ["/go/bin:/usr/bin", "/usr/bin"]}
    assert report.config.base_labels == {"base.id": ["toolchain", "slim"]}
    assert report.config.set_labels == ["org.example.team"]
    text = report.as_text()
    assert f"  files: not compared ({SPLIT_FILES_NOTE})" in text
    assert "  base image: localhost/debian:bookworm -> localhost/debian-slim:bookworm (the final stage starts from another image)" in text
    assert "1080.0 MB" in text and "125.0 MB" in text
    assert "base image Label base.id: 'toolchain' -> 'slim' (from the base image, not compared)" in text
    assert "Labels set by the Dockerfile: org.example.team" in text
    data = json.loads(report.as_json())
    assert data["files"] is None and data["files_skipped"] == SPLIT_FILES_NOTE and data["split"] is True
    assert data["bases"] == report.bases
    assert (data["builds"]["original"]["size"], data["builds"]["refactored"]["size"]) == (1_080_000_000, 125_000_000)


def test_split_without_behaviour_is_inconclusive(project: Path) -> None:
    report = verify_split(project, split_runner())
    assert report.exit_code == 3, report.as_text()
    assert report.verdict.startswith(
        "INCONCLUSIVE: the final image starts from another base image (localhost/debian:bookworm -> localhost/debian-slim:bookworm):"
        " files are not compared, so the behaviour must be checked"
    )
    assert report.verdict.endswith("configuration same; size 1080.0 MB -> 125.0 MB")
    assert "  behaviour: not checked: required, the files are not compared (give --smoke" in report.as_text()


def test_split_differences_are_still_differences(project: Path) -> None:
    runner = split_runner("podman")
    runner.outputs["refactored"] = Completed([], 127, b"", b"exec: ./app.sh: not found\n")
    report = verify_split(project, runner, smoke="")
    assert report.exit_code == 1 and report.verdict == "DIFFERENT: behaviour (original exit 0, refactored exit 127)"
    assert report.files is None and not [a for a in runner.calls if a[1] in ("create", "export")]

    runner = split_runner()
    runner.configs["refactored"] = {
        **runner.configs["refactored"], "WorkingDir": "/", "Env": ["PATH=/usr/bin"],
        "Labels": {"io.buildah.version": "1.28.2", "base.id": "slim", "org.example.team": "web"},
    }
    report = verify_split(project, runner, smoke="")
    assert report.exit_code == 1
    assert report.verdict == "DIFFERENT: configuration WorkingDir; configuration Env GREETING; configuration Label org.example.team"
    assert report.config.base_labels == {"base.id": ["toolchain", "slim"]}

    runner = split_runner()
    runner.build_fails = {"refactored"}
    report = verify_split(project, runner, smoke="")
    assert report.exit_code == 1 and report.verdict == "DIFFERENT: the refactored Dockerfile does not build"
    # a label the original sets that the refactored image lost is a difference too
    (project / "Dockerfile").write_text(DOCKERFILE + "LABEL org.example.team=tools\n")
    runner = split_runner()
    runner.configs["refactored"] = {**runner.configs["refactored"], "Labels": {"base.id": "slim"}}
    report = verify_split(project, runner, text=SPLIT.replace("LABEL org.example.team=tools\n", ""), smoke="")
    assert report.exit_code == 1, report.as_text()
    assert report.verdict == "DIFFERENT: configuration Label org.example.team"
    assert report.config.differences["Label org.example.team"] == ["tools", None]


def test_same_base_is_no_split(project: Path) -> None:
    """A refactoring whose final stage starts from the original's image (named otherwise) is
    verified as before: files compared, Labels as a whole, no behaviour required."""
    text = SPLIT.replace("localhost/debian-slim:bookworm", "localhost/debian:bookworm")
    runner = split_runner()
    runner.files["refactored"] = runner.files["original"]
    runner.configs["refactored"] = runner.configs["original"]
    report = verify_split(project, runner, text=text.replace("FROM localhost/debian:bookworm AS runtime", "FROM builder AS runtime"))
    assert report.exit_code == 0 and report.verdict == "SAME: configuration, files (behaviour not checked)", report.as_text()
    assert not report.split and report.files is not None and report.files_skipped is None
    assert report.bases == {"original": "localhost/debian:bookworm", "refactored": "localhost/debian:bookworm"}
    assert len([a for a in runner.calls if a[1] == "mount"]) == 2
    assert "base image:" not in report.as_text() and "not compared" not in report.as_text()
    # Labels are compared as a whole, as they always were
    runner = split_runner()
    runner.files["refactored"] = runner.files["original"]
    report = verify_split(project, runner, text=text)
    assert report.exit_code == 1 and "configuration Labels" in report.verdict and report.config.set_labels is None
    # docker.io/library/... and the short name are one image
    (project / "Dockerfile").write_text(DOCKERFILE.replace("localhost/debian:bookworm", "debian:bookworm"))
    runner = FakeRunner("buildah")
    report = verify_split(project, runner, text=DOCKERFILE.replace("localhost/debian:bookworm", "docker.io/library/debian:bookworm"))
    assert not report.split and report.exit_code == 0, report.as_text()
