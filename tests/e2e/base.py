"""The base image of the end-to-end samples: ``localhost/debian:bookworm``, made with
debootstrap (no image registry is needed) and committed with buildah into a store of its own.

    python tests/e2e/base.py        # make it (or check it is current) and print the store

Everything is kept under ``$MSB_REALBUILD_DIR`` (default ``~/.cache/msb-refactor-realbuild``):
``rootfs-bookworm/`` (the debootstrap tree, made once), ``storage`` (the image store) and
``base.stamp``. The image is made again when the stamp differs: the host's CA certificates
(HTTPS may be re-signed by a local CA, which a new machine changes), its apt sources and its
``Acquire::`` settings, copied into the image so that builds reach the mirror the host reaches.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from codemod.verify import store_args  # noqa: E402

IMAGE = "localhost/debian:bookworm"
MIRROR = os.environ.get("MSB_DEBIAN_MIRROR", "http://deb.debian.org/debian")
#: Changing how the image is made changes the stamp.
RECIPE = "2"
CA_DIR = Path("/usr/local/share/ca-certificates")
APT = Path("/etc/apt")


def cache_dir() -> Path:
    return Path(os.environ.get("MSB_REALBUILD_DIR") or Path.home() / ".cache" / "msb-refactor-realbuild")


def store() -> Path:
    return cache_dir() / "storage"


def buildah(*args: str) -> list[str]:
    return ["buildah", *store_args(str(store())), *args]


def _host_files() -> dict[str, bytes]:
    """What the image takes from the host, by the path it gets in the image."""
    files: dict[str, bytes] = {}
    for crt in sorted(CA_DIR.glob("*.crt")) if CA_DIR.is_dir() else []:
        files[str(crt)] = crt.read_bytes()
    sources = APT / "sources.list.d" / "debian.sources"
    if sources.is_file():
        files[str(sources)] = sources.read_bytes()
    conf = APT / "apt.conf.d"
    for item in sorted(conf.iterdir()) if conf.is_dir() else []:
        data = item.read_bytes() if item.is_file() else b""
        # the official image's apt settings, and the host's mirror, proxy and index settings
        if item.name.startswith("docker-") or any(line.strip().startswith(b"Acquire::") for line in data.splitlines()):
            files[str(item)] = data
    return files


def stamp(files: dict[str, bytes]) -> str:
    digest = hashlib.sha256(f"{RECIPE}\0{MIRROR}\0".encode())
    for path, data in sorted(files.items()):
        digest.update(path.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def _run(argv: list[str], **kwargs: object) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return str(done.stdout)


def _rootfs() -> Path:
    rootfs = cache_dir() / "rootfs-bookworm"
    if (rootfs / "bin" / "sh").exists():
        return rootfs
    partial = rootfs.with_name(rootfs.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.parent.mkdir(parents=True, exist_ok=True)
    _run(["debootstrap", "--variant=minbase", "bookworm", str(partial), MIRROR])
    partial.rename(rootfs)
    return rootfs


def _prepare(rootfs: Path, files: dict[str, bytes]) -> None:
    """Make the tree behave like the official image, with the host's CA and apt settings."""
    (rootfs / "etc/apt/sources.list").unlink(missing_ok=True)
    ca = rootfs / CA_DIR.relative_to("/")
    ca.mkdir(parents=True, exist_ok=True)
    for old in ca.glob("*.crt"):
        old.unlink()
    for path, data in files.items():
        target = rootfs / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    (rootfs / "etc/dpkg/dpkg.cfg.d/docker-apt-speedup").write_text("force-unsafe-io\n")
    for pattern in ("var/cache/apt/archives/*.deb", "var/lib/apt/lists/*", "var/log/*", "tmp/*"):
        for item in rootfs.glob(pattern):
            if item.is_dir() and not item.is_symlink():
                shutil.rmtree(item)
            else:
                item.unlink()
    for name in ("etc/resolv.conf", "etc/hostname"):
        (rootfs / name).unlink(missing_ok=True)
        (rootfs / name).write_text("")


def ensure_base(log: object = None) -> tuple[Path, str]:
    """The store and the base image in it, made or made again when needed."""
    files = _host_files()
    wanted = stamp(files)
    stamp_file = cache_dir() / "base.stamp"
    current = stamp_file.read_text().strip() if stamp_file.exists() else ""
    exists = subprocess.run(buildah("inspect", "--type", "image", IMAGE), capture_output=True).returncode == 0
    if exists and current == wanted:
        return store(), IMAGE
    rootfs = _rootfs()
    _prepare(rootfs, files)
    subprocess.run(buildah("rmi", IMAGE), capture_output=True)
    container = _run(buildah("from", "--name", f"msb-base-{os.getpid()}", "scratch")).strip()
    try:
        mount = _run(buildah("mount", container)).strip()
        tar = "tar --numeric-owner --xattrs --xattrs-include='*'"
        _run(["sh", "-c", f"{tar} -C \"$1\" -c . | {tar} -C \"$2\" -x", "sh", str(rootfs), mount])
        _run(buildah("umount", container))
        _run(buildah("config", "--cmd", '["bash"]', container))
        _run(buildah("commit", "--rm", container, IMAGE))
    except BaseException:
        subprocess.run(buildah("rm", container), capture_output=True)
        raise
    stamp_file.write_text(wanted + "\n")
    return store(), IMAGE


if __name__ == "__main__":
    where, image = ensure_base()
    print(f"{image} in the store {where} (verify --engine buildah --root {where})")
