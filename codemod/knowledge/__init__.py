"""What the passes know about the world outside the Dockerfile, kept as data tables with small
lookup functions: which release a base image is built on, the user it runs as and the tool
versions it carries (``images``). A pass asks before it adds a flag or a cleanup; where a fact is
not known the answer is None, and the pass declines rather than guess."""

from __future__ import annotations

from .images import (
    ImageRef,
    Release,
    Version,
    apk_has_no_cache,
    distro_package_version,
    image_pip,
    image_user,
    node_major,
    npm_major,
    parse_image,
    pip_has_no_cache_dir,
    python_version,
    release_of,
)

__all__ = [
    "ImageRef",
    "Release",
    "Version",
    "apk_has_no_cache",
    "distro_package_version",
    "image_pip",
    "image_user",
    "node_major",
    "npm_major",
    "parse_image",
    "pip_has_no_cache_dir",
    "python_version",
    "release_of",
]
