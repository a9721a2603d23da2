"""Stand-ins for the language images the end-to-end samples start FROM, built from the Debian
base (``tests/e2e/base.py``) with Debian's packages: no image registry is needed.

    python tests/e2e/standins.py    # make them (or check they are current) and print the store

Each is tagged as real Dockerfiles name the image (``localhost/golang:1.19``: name ``golang``,
tag ``1.19``), so the knowledge tables read it as that image. Sizes measured on them are not
Docker Hub sizes. An image is made once per store and made again when its recipe or the base
image changes: the recipe's digest, with the base image's id, is a label of the image.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE.parent))

from e2e.base import buildah, ensure_base  # noqa: E402

LABEL = "org.msb-refactor.standin"

_APT = "apt-get update && apt-get install -y --no-install-recommends {} && rm -rf /var/lib/apt/lists/*"

#: tag -> the Dockerfile that makes it.
RECIPES = {
    "localhost/python:3.11": f"""\
FROM localhost/debian:bookworm
RUN {_APT.format("python3 python3-pip python3-venv ca-certificates")} \\
 && rm -f /usr/lib/python3.11/EXTERNALLY-MANAGED \\
 && ln -s /usr/bin/python3 /usr/local/bin/python \\
 && ln -s /usr/bin/pip3 /usr/local/bin/pip
CMD ["python3"]
""",
    "localhost/node:18": f"""\
FROM localhost/debian:bookworm
RUN {_APT.format("nodejs npm ca-certificates")}
CMD ["node"]
""",
    "localhost/golang:1.19": f"""\
FROM localhost/debian:bookworm
RUN {_APT.format("golang-go ca-certificates")}
ENV GOPATH=/go GOFLAGS=-mod=mod GOPROXY=off PATH=/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
WORKDIR /go
""",
}


def _inspect(tag: str) -> dict | None:
    done = subprocess.run(buildah("inspect", "--type", "image", tag), capture_output=True, text=True)
    return json.loads(done.stdout) if done.returncode == 0 else None


def _labels(data: dict) -> dict[str, str]:
    config = (data.get("Docker") or {}).get("config") or (data.get("OCIv1") or {}).get("config") or {}
    return dict(config.get("Labels") or config.get("labels") or {})


def recipe_digest(tag: str, base_id: str, recipe: str) -> str:
    return hashlib.sha256(f"{tag}\0{base_id}\0{recipe}".encode()).hexdigest()


def ensure_standin(tag: str) -> tuple[str, float]:
    """The stand-in ``tag`` of RECIPES in the store (see ensure_recipe)."""
    return ensure_recipe(tag, RECIPES[tag])


def ensure_recipe(tag: str, recipe: str) -> tuple[str, float]:
    """The image ``tag`` built from the Dockerfile ``recipe`` in the store, built when missing
    or stale: (its image id, seconds spent building it; 0.0 when it was current)."""
    import time

    store, base = ensure_base()
    base_data = _inspect(base)
    if base_data is None:
        raise RuntimeError(f"{base} is not in the store {store}")
    wanted = recipe_digest(tag, str(base_data.get("FromImageID") or base_data.get("FromImageDigest")), recipe)
    current = _inspect(tag)
    if current is not None and _labels(current).get(LABEL) == wanted:
        return str(current.get("FromImageID")), 0.0
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="msb-standin-") as context:
        (Path(context) / "Dockerfile").write_text(recipe)
        argv = buildah(
            "bud", "--isolation", "chroot", "--layers", "--pull=false", "--force-rm",
            "--label", f"{LABEL}={wanted}", "-t", tag, context,
        )
        done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"building the stand-in {tag} failed ({done.returncode}): {done.stdout[-2000:]}{done.stderr[-2000:]}")
    made = _inspect(tag)
    if made is None or _labels(made).get(LABEL) != wanted:
        raise RuntimeError(f"the stand-in {tag} was built but does not carry its recipe label")
    return str(made.get("FromImageID")), time.monotonic() - start


if __name__ == "__main__":
    for name in RECIPES:
        image_id, seconds = ensure_standin(name)
        print(f"{name} {image_id[:12]} ({'built in %.1f s' % seconds if seconds else 'current'})")
    print(f"store: {ensure_base()[0]}")
