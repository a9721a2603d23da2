"""Base images as data: image references parsed, the distribution release a tag implies, the
user an image runs as, and the tool versions it carries (pip, npm, node, python).

Why: a pass must know what an image carries before it adds a flag or a cleanup. ``pip install
--no-cache-dir`` fails on pip older than 6.0 (the distro pips of Debian wheezy/jessie and Ubuntu
12.04/14.04); ``apk add --no-cache`` fails on Alpine 3.2 and older; a cleanup ``rm`` fails when
the image runs as a non-root user; ``npm ci --omit=dev`` needs npm 7 (node 14 images ship npm 6).

Every fact is a row of a table with its source in a comment (which package version in which
release, which Dockerfile line of which image). Where a fact is not known the answer is None,
never a guess: the caller then declines. Tables that name "the current release" (what an
untagged or ``latest`` distro image resolves to) are dated: they were true in November 2026.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable
from fnmatch import fnmatchcase

Version = tuple[int, ...]

# --- references ----------------------------------------------------------------------------------

#: Docker Hub's names for itself; references to it are normalised to ``docker.io``.
DOCKER_HUB = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})

#: Namespaces on Docker Hub that hold per-architecture copies of the official images
#: (docker-library/official-images, "Architectures other than amd64?").
ARCH_NAMESPACES = frozenset(
    {"amd64", "arm32v5", "arm32v6", "arm32v7", "arm64v8", "i386", "mips64le", "ppc64le", "riscv64", "s390x", "windows-amd64"}
)

#: Mirrors of the official images under another registry: (registry, path prefix).
LIBRARY_MIRRORS = (
    ("public.ecr.aws", "docker/library/"),  # Amazon ECR Public Gallery, "Docker Official Images"
    ("mirror.gcr.io", "library/"),  # Google's Docker Hub pull-through cache
)

_PATH_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")
_TAG = re.compile(r"[\w][\w.-]{0,127}")
_DIGEST = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}")
_REGISTRY = re.compile(r"[A-Za-z0-9.-]+(?::[0-9]+)?|\[[0-9A-Fa-f:]+\](?::[0-9]+)?")


@dataclass(frozen=True)
class ImageRef:
    """An image reference (``[registry/]repository[:tag][@digest]``) split as Docker splits it."""

    text: str
    #: "docker.io", "ghcr.io", "localhost:5000"; None when implicit (Docker Hub).
    registry: str | None
    #: Lower case, with ``library/`` for Docker Hub's official images: "library/node".
    repository: str
    #: The last path component, lower case: "node", "sdk".
    name: str
    tag: str | None
    digest: str | None

    @property
    def hub(self) -> bool:
        """On Docker Hub (written with or without ``docker.io``)."""
        return self.registry is None or self.registry == "docker.io"

    @property
    def official(self) -> bool:
        """One of Docker Hub's official images (``node``, ``library/node``, ``docker.io/library/node``)."""
        return self.hub and self.repository.startswith("library/") and self.repository.count("/") == 1

    @property
    def library_name(self) -> str | None:
        """The official image this reference names, also through its per-architecture copies
        (``arm64v8/node``) and registry mirrors (``public.ecr.aws/docker/library/node``)."""
        if self.official:
            return self.name
        parts = self.repository.split("/")
        if self.hub and len(parts) == 2 and parts[0] in ARCH_NAMESPACES:
            return self.name
        for registry, prefix in LIBRARY_MIRRORS:
            rest = self.repository.removeprefix(prefix)
            if self.registry == registry and rest != self.repository and "/" not in rest:
                return self.name
        return None

    @property
    def location(self) -> str:
        """``registry/repository`` with Docker Hub spelled out, the key of the tables below."""
        return f"{self.registry or 'docker.io'}/{self.repository}"


def parse_image(text: str) -> ImageRef | None:
    """The reference in ``text``; None when it is empty, holds a variable (``$``, ``{{``) or is
    not a reference Docker accepts (apart from upper case in the path, which is read as lower)."""
    if not text or "$" in text or "{{" in text or any(c.isspace() for c in text):
        return None
    named, digest = _split_digest(text)
    name, tag = _split_tag(named)
    if name is None or (digest is not None and not _DIGEST.fullmatch(digest)) or (tag is not None and not _TAG.fullmatch(tag)):
        return None
    registry, path = _split_registry(name)
    if registry is not None and not _REGISTRY.fullmatch(registry):
        return None
    components = path.lower().split("/")
    if not all(_PATH_COMPONENT.fullmatch(c) for c in components):
        return None
    registry = _normalise_registry(registry)
    if registry in (None, "docker.io") and len(components) == 1:
        components = ["library", *components]
    return ImageRef(text, registry, "/".join(components), components[-1], tag, digest)


def _split_digest(text: str) -> tuple[str, str | None]:
    name, at, digest = text.partition("@")
    return (name, digest) if at else (text, None)


def _split_tag(name: str) -> tuple[str | None, str | None]:
    colon = name.rfind(":")
    if colon > name.rfind("/"):
        return (name[:colon] or None), name[colon + 1 :]
    return (name or None), None


def _split_registry(name: str) -> tuple[str | None, str]:
    """Docker's rule: the first component is a registry when it has a dot or a colon, is
    ``localhost``, or has upper case (distribution/reference, ``splitDockerDomain``)."""
    first, slash, rest = name.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost" or first != first.lower()):
        return first, rest
    return None, name


def _normalise_registry(registry: str | None) -> str | None:
    if registry is None:
        return None
    lower = registry.lower()
    return "docker.io" if lower in DOCKER_HUB else lower


def parse_version(text: str | None) -> Version | None:
    """The leading dotted number of ``text``: "3.6" -> (3, 6), "14.04.5" -> (14, 4, 5),
    "8u111" -> (8,), "2.7.15rc1" -> (2, 7, 15); None when it does not start with a digit."""
    match = re.match(r"\d+(?:\.\d+)*", text or "")
    return tuple(int(p) for p in match.group().split(".")) if match else None


def _tag_tokens(ref: ImageRef) -> list[str]:
    return ref.tag.lower().split("-") if ref.tag else []


# --- releases ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Release:
    """The distribution an image is built on."""

    #: "debian", "ubuntu", "alpine", "centos", "rhel" (also its rebuilds: Rocky, Alma, Oracle
    #: Linux, UBI), "fedora", "amazonlinux", "opensuse", "azurelinux", "archlinux", "photon",
    #: "busybox", "windows", "distroless", "scratch"; None when unknown.
    family: str | None = None
    #: (8,) jessie, (14, 4) Ubuntu 14.04, (3, 2) Alpine 3.2, (10, 0, 17763) Windows Server 2019.
    #: For distroless and chiseled images, the release they are built from.
    version: Version | None = None
    #: "jessie", "trusty", "edge", "sid", "ltsc2019".
    codename: str | None = None
    #: A known lower bound when the exact version is not known.
    at_least: Version | None = None


UNKNOWN = Release()

#: Reads a release from a reference (its tag, or its name); told whether the image is official.
Reader = Callable[[ImageRef, bool], Release]

#: Releases whose packages left the distribution's mirrors for its archive (Debian moves a
#: release to archive.debian.org after its long-term support): ``apt-get update`` against the
#: sources the images carry fails there.
ARCHIVED_RELEASES = frozenset({"squeeze", "wheezy", "jessie", "stretch", "buster"})

#: Debian codenames (debian.org/releases).
DEBIAN_CODENAMES: dict[str, Version] = {
    "squeeze": (6,),
    "wheezy": (7,),
    "jessie": (8,),
    "stretch": (9,),
    "buster": (10,),
    "bullseye": (11,),
    "bookworm": (12,),
    "trixie": (13,),
    "forky": (14,),
    "duke": (15,),
}
#: Debian's suite names, November 2026 (trixie released 2025-08-09).
DEBIAN_SUITES = {"stable": "trixie", "oldstable": "bookworm", "oldoldstable": "bullseye", "testing": "forky"}
#: Suites that have no version.
DEBIAN_UNVERSIONED = {"sid": "sid", "unstable": "sid", "experimental": "experimental", "rc-buggy": "experimental"}

#: Ubuntu codenames (wiki.ubuntu.com/Releases).
UBUNTU_CODENAMES: dict[str, Version] = {
    "lucid": (10, 4),
    "precise": (12, 4),
    "quantal": (12, 10),
    "raring": (13, 4),
    "saucy": (13, 10),
    "trusty": (14, 4),
    "utopic": (14, 10),
    "vivid": (15, 4),
    "wily": (15, 10),
    "xenial": (16, 4),
    "yakkety": (16, 10),
    "zesty": (17, 4),
    "artful": (17, 10),
    "bionic": (18, 4),
    "cosmic": (18, 10),
    "disco": (19, 4),
    "eoan": (19, 10),
    "focal": (20, 4),
    "groovy": (20, 10),
    "hirsute": (21, 4),
    "impish": (21, 10),
    "jammy": (22, 4),
    "kinetic": (22, 10),
    "lunar": (23, 4),
    "mantic": (23, 10),
    "noble": (24, 4),
    "oracular": (24, 10),
    "plucky": (25, 4),
    "questing": (25, 10),
    "resolute": (26, 4),
}

#: Windows container tags -> (build, release name) (learn.microsoft.com, "Windows container
#: version compatibility").
WINDOWS_TAGS: dict[str, tuple[Version, str]] = {
    "ltsc2016": ((10, 0, 14393), "ltsc2016"),
    "sac2016": ((10, 0, 14393), "ltsc2016"),
    "1607": ((10, 0, 14393), "ltsc2016"),
    "1709": ((10, 0, 16299), "1709"),
    "1803": ((10, 0, 17134), "1803"),
    "1809": ((10, 0, 17763), "ltsc2019"),
    "ltsc2019": ((10, 0, 17763), "ltsc2019"),
    "1903": ((10, 0, 18362), "1903"),
    "1909": ((10, 0, 18363), "1909"),
    "2004": ((10, 0, 19041), "2004"),
    "20h2": ((10, 0, 19042), "20H2"),
    "ltsc2022": ((10, 0, 20348), "ltsc2022"),
    "ltsc2025": ((10, 0, 26100), "ltsc2025"),
}

#: What ``latest`` (or no tag) of a distro image resolves to, November 2026. A family with a
#: None version moves too fast to name: it is only bounded below.
CURRENT: dict[str, Release] = {
    "debian": Release("debian", (13,), "trixie"),  # debian:latest -> trixie since 2025-08
    "ubuntu": Release("ubuntu", (26, 4), "resolute"),  # ubuntu:latest -> the newest LTS, 26.04 (2026-04)
    "alpine": Release("alpine", (3, 24)),  # alpine:latest -> 3.24 (the newest release the corpus names)
    "centos": Release("centos", (8,)),  # centos:latest -> 8 (the last CentOS Linux; tags frozen)
    "amazonlinux": Release("amazonlinux", (2023,)),  # amazonlinux:latest -> 2023 since 2023-03
    "fedora": Release("fedora", None, None, (43,)),  # Fedora 43 released 2025-10
    "buildpack-deps": Release("debian", (13,), "trixie"),  # buildpack-deps:latest follows debian:latest
}


def _debian(ref: ImageRef, official: bool) -> Release:
    word = _first(ref.tag)
    if word in (None, "latest"):
        return CURRENT["debian"] if official else Release("debian")
    word = DEBIAN_SUITES.get(word, word)
    if word in DEBIAN_CODENAMES:
        return Release("debian", DEBIAN_CODENAMES[word], word)
    if word in DEBIAN_UNVERSIONED:
        return Release("debian", None, DEBIAN_UNVERSIONED[word], CURRENT["debian"].version)
    version = parse_version(word)
    if version is None or word != ".".join(map(str, version)):
        return Release("debian")
    return Release("debian", version, _codename_of(DEBIAN_CODENAMES, version[:1]))


def _ubuntu(ref: ImageRef, official: bool) -> Release:
    word = _first(ref.tag)
    if word in (None, "latest"):
        return CURRENT["ubuntu"] if official else Release("ubuntu")
    if word in UBUNTU_CODENAMES:
        return Release("ubuntu", UBUNTU_CODENAMES[word], word)
    if word in ("rolling", "devel"):
        return Release("ubuntu", None, None, CURRENT["ubuntu"].version)
    version = parse_version(word)
    if version is None or len(version) < 2 or word != ".".join(f"{v:02d}" if i == 1 else str(v) for i, v in enumerate(version)):
        return Release("ubuntu")
    return Release("ubuntu", version, _codename_of(UBUNTU_CODENAMES, version[:2]))


def _alpine(ref: ImageRef, official: bool) -> Release:
    word = _first(ref.tag)
    if word in (None, "latest"):
        return CURRENT["alpine"] if official else Release("alpine")
    if word == "edge":
        return Release("alpine", None, "edge", CURRENT["alpine"].version)
    version = parse_version(word)
    if version is None or word != ".".join(map(str, version)):
        return Release("alpine")
    if len(version) == 1:  # alpine:3 follows the newest 3.x
        return Release("alpine", None, None, CURRENT["alpine"].version if official else None)
    return Release("alpine", version)


def _numbered(family: str) -> Reader:
    """CentOS, Fedora, Amazon Linux, RHEL and its rebuilds: the tag's leading number, after an
    optional family prefix (``centos:centos7``) or ``stream`` (``quay.io/centos/centos:stream9``)."""

    def read(ref: ImageRef, official: bool) -> Release:
        word = _first(ref.tag)
        if word in (None, "latest"):
            return CURRENT.get(family, Release(family)) if official else Release(family)
        word = word.removeprefix(family).removeprefix("stream")
        version = parse_version(word)
        return Release(family, version) if version else Release(family)

    return read


def _windows(ref: ImageRef, official: bool) -> Release:
    words = _tag_tokens(ref)
    for word in words:
        if word in WINDOWS_TAGS:
            build, name = WINDOWS_TAGS[word]
            return Release("windows", build, name)
    version = parse_version(words[0]) if words else None
    if version and version[:2] == (10, 0) and len(version) >= 3:
        return Release("windows", version, _windows_name(version[:3]))
    return Release("windows")


def _windows_name(build: Version) -> str | None:
    return next((name for version, name in WINDOWS_TAGS.values() if version == build), None)


def _family(family: str) -> Reader:
    """A family whose tags say nothing this table uses (rolling releases, busybox)."""

    def read(ref: ImageRef, official: bool) -> Release:
        return Release(family)

    return read


def _opensuse(ref: ImageRef, official: bool) -> Release:
    version = parse_version(_first(ref.tag))
    return Release("opensuse", version) if version else Release("opensuse")


def _azurelinux(ref: ImageRef, official: bool) -> Release:
    version = parse_version(_first(ref.tag))
    return Release("azurelinux", version) if version else Release("azurelinux")


def _buildpack_deps(ref: ImageRef, official: bool) -> Release:
    word = _first(ref.tag)
    if word in (None, "latest", "curl", "scm"):
        return CURRENT["buildpack-deps"]
    if word in UBUNTU_CODENAMES:
        return Release("ubuntu", UBUNTU_CODENAMES[word], word)
    return _debian(ref, official)


def _ubi(ref: ImageRef, official: bool) -> Release:
    """Red Hat's Universal Base Images: the major version is in the name (``ubi8/ubi``,
    ``redhat/ubi9-minimal``), the tag may refine it (``8.9``)."""
    match = re.search(r"ubi(\d+)", ref.repository)
    major = (int(match.group(1)),) if match else None
    version = parse_version(_first(ref.tag))
    return Release("rhel", version if version and major and version[:1] == major else major)


def _gcr_distroless(ref: ImageRef, official: bool) -> Release:
    """gcr.io/distroless/<image>-debian<N>: the Debian release it is built from is in the name
    (without it, the newest: it changed from 9 to 10, 11 and 12)."""
    match = re.search(r"-debian(\d+)$", ref.name)
    if match is None:
        return Release("distroless")
    version = (int(match.group(1)),)
    return Release("distroless", version, _codename_of(DEBIAN_CODENAMES, version))


def _phusion(ref: ImageRef, official: bool) -> Release:
    """phusion/baseimage (its changelog): 0.9.16-0.9.18 Ubuntu 14.04, 0.9.19-0.10.x 16.04,
    0.11 18.04; later tags name the codename (``focal-1.0.0``, ``jammy-1.0.4``)."""
    word = _first(ref.tag)
    if word in UBUNTU_CODENAMES:
        return Release("ubuntu", UBUNTU_CODENAMES[word], word)
    version = parse_version(word)
    for minimum, codename in PHUSION_RELEASES:
        if version is not None and version >= minimum:
            return Release("ubuntu", UBUNTU_CODENAMES[codename], codename)
    return Release("ubuntu")


PHUSION_RELEASES: tuple[tuple[Version, str], ...] = (
    ((1,), "focal"),  # 1.0.0 (2020-06) Ubuntu 20.04
    ((0, 11), "bionic"),  # 0.11 (2018-08) Ubuntu 18.04
    ((0, 9, 19), "xenial"),  # 0.9.19 (2016-07) .. 0.10.2 Ubuntu 16.04
    ((0, 9, 16), "trusty"),  # 0.9.16 (2015-01) .. 0.9.18 Ubuntu 14.04
)

#: Official (Docker Hub library) distro images and how their tags read.
DISTRO_IMAGES: dict[str, Reader] = {
    "debian": _debian,
    "ubuntu": _ubuntu,
    "alpine": _alpine,
    "centos": _numbered("centos"),
    "fedora": _numbered("fedora"),
    "amazonlinux": _numbered("amazonlinux"),
    "rockylinux": _numbered("rhel"),
    "almalinux": _numbered("rhel"),
    "oraclelinux": _numbered("rhel"),
    "opensuse": _opensuse,  # deprecated library/opensuse: 42.3, leap, tumbleweed
    "archlinux": _family("archlinux"),
    "photon": _numbered("photon"),
    "busybox": _family("busybox"),
    "buildpack-deps": _buildpack_deps,  # tags are Debian or Ubuntu codenames (+ -curl, -scm)
    "scratch": _family("scratch"),
}

#: Distro images outside the official library, by ``registry/repository`` pattern.
VENDOR_DISTROS: tuple[tuple[str, Reader], ...] = (
    ("docker.io/opensuse/leap", _opensuse),
    ("docker.io/opensuse/tumbleweed", _family("opensuse")),
    ("registry.opensuse.org/opensuse/leap", _opensuse),
    ("registry.opensuse.org/opensuse/tumbleweed", _family("opensuse")),
    ("quay.io/centos/centos", _numbered("centos")),
    ("docker.io/rockylinux/rockylinux", _numbered("rhel")),
    ("quay.io/rockylinux/rockylinux", _numbered("rhel")),
    ("registry.access.redhat.com/ubi[0-9]*", _ubi),
    ("registry.access.redhat.com/ubi[0-9]*/*", _ubi),
    ("registry.redhat.io/ubi[0-9]*/*", _ubi),
    ("docker.io/redhat/ubi[0-9]*", _ubi),
    ("public.ecr.aws/amazonlinux/amazonlinux", _numbered("amazonlinux")),
    ("ubuntu.azurecr.io/ubuntu", _ubuntu),
    ("docker.io/bitnami/minideb*", _debian),  # tags are Debian codenames (jessie, buster)
    ("docker.io/gliderlabs/alpine", _alpine),  # gliderlabs/alpine:3.4 is Alpine 3.4
    ("docker.io/lsiobase/alpine*", _alpine),  # linuxserver.io bases: tags name the release
    ("docker.io/lsiobase/ubuntu", _ubuntu),
    ("docker.io/phusion/baseimage", _phusion),
    ("mcr.microsoft.com/azurelinux/base/*", _azurelinux),
    ("mcr.microsoft.com/azurelinux-beta/base/*", _azurelinux),
    ("mcr.microsoft.com/cbl-mariner/base/*", _azurelinux),  # CBL-Mariner 1.0, 2.0 = Azure Linux
    ("mcr.microsoft.com/azurelinux/distroless/*", _family("distroless")),
    ("mcr.microsoft.com/cbl-mariner/distroless/*", _family("distroless")),
    ("gcr.io/distroless/*", _gcr_distroless),
    ("mcr.microsoft.com/windows/servercore*", _windows),
    ("mcr.microsoft.com/windows/nanoserver*", _windows),
    ("mcr.microsoft.com/windows", _windows),
    ("mcr.microsoft.com/windowsservercore*", _windows),
    ("mcr.microsoft.com/nanoserver*", _windows),
    ("docker.io/microsoft/windowsservercore*", _windows),
    ("docker.io/microsoft/nanoserver*", _windows),
)

#: Images outside the library whose tags name their variant the docker-library way
#: (``8.0-alpine3.19``, ``3.6-stretch-browsers``, ``10.0-cudnn7-devel-ubuntu18.04``), with the
#: family of a tag that names none (None: not known; DEFAULT_FAMILY may refine it by version).
VARIANT_TAGGED: tuple[tuple[str, str | None], ...] = (
    ("mcr.microsoft.com/dotnet/*", None),  # see DEFAULT_FAMILY
    ("docker.io/microsoft/dotnet", "debian"),  # .NET Core 1.x-2.x: FROM buildpack-deps/debian
    ("docker.io/circleci/*", "debian"),  # legacy convenience images: FROM the official <lang>:<tag>
    ("docker.io/cimg/*", "ubuntu"),  # cimg/base: FROM ubuntu:<lts>; the others FROM cimg/base
    ("docker.io/jenkins/jenkins", "debian"),  # default variant: Debian; -alpine, -rhel-ubi9 say so
    ("docker.io/jupyter/*", "ubuntu"),  # docker-stacks foundation: FROM ubuntu:<lts>
    ("quay.io/jupyter/*", "ubuntu"),
    ("docker.io/selenium/*", "ubuntu"),  # selenium/base: FROM ubuntu:<lts>
    ("docker.io/gitpod/workspace-*", "ubuntu"),  # workspace-base: FROM ubuntu (buildpack-deps)
    ("docker.io/bitnami/*", "debian"),  # built on bitnami/minideb
    ("docker.io/google/cloud-sdk", "debian"),  # default and -slim on Debian; -alpine says so
    ("gcr.io/google.com/cloudsdktool/*", "debian"),
    ("docker.io/nvidia/cuda", None),  # tags end in the distro: ...-ubuntu18.04, ...-centos7
    ("nvcr.io/nvidia/cuda", None),
)

#: Third-party images known to be built on one family, whatever the tag.
VENDOR_FAMILIES: tuple[tuple[str, str], ...] = (
    ("docker.io/mhart/alpine-node", "alpine"),  # FROM alpine:<v>
    ("docker.io/frolvlad/alpine-*", "alpine"),  # FROM alpine:<v>
    ("docker.io/atlassian/default-image", "ubuntu"),  # Bitbucket Pipelines' default: Ubuntu
)

#: The distribution of a tag without a distro word, by official image name (or
#: ``registry/repository`` for others), as (first image version it holds for, family) rows in
#: order; from the images' Dockerfiles' FROM lines.
DEFAULT_FAMILY: dict[str, tuple[tuple[Version, str], ...]] = {
    **{
        name: (((), "debian"),)
        for name in (
            # FROM buildpack-deps:<debian> (or debian:<suite>-slim for -slim)
            "python", "pypy", "node", "golang", "ruby", "php", "perl", "rust", "gcc", "haskell",
            "erlang", "elixir", "julia", "java", "r-base", "mono", "httpd", "nginx", "redis",
            "postgres", "memcached", "haproxy", "wordpress", "ghost", "drupal", "joomla",
            "mediawiki", "nextcloud", "owncloud", "redmine", "sentry", "jenkins", "influxdb",
            "telegraf", "chronograf", "couchdb",
        )
    },
    "openjdk": (((), "debian"), ((12,), "rhel")),  # openjdk:12..16 FROM oraclelinux:7-slim, 17+ oraclelinux:8-slim
    "eclipse-temurin": (((), "ubuntu"),),  # FROM ubuntu:<lts>
    "ibmjava": (((), "ubuntu"),),
    "sapmachine": (((), "ubuntu"),),
    "adoptopenjdk": (((), "ubuntu"),),  # deprecated; FROM ubuntu:focal / bionic
    "swift": (((), "ubuntu"),),
    "amazoncorretto": (((), "amazonlinux"),),  # FROM amazonlinux:2 (al2023 variants say so)
    "docker": (((), "alpine"),),  # FROM alpine:3.x since docker:1.8
    "composer": (((), "alpine"),),  # FROM php:<v>-alpine
    "caddy": (((), "alpine"),),
    "registry": (((), "alpine"),),
    "vault": (((), "alpine"),),
    "consul": (((), "alpine"),),
    # .NET (dotnet-docker): Debian by default until .NET 9, Ubuntu 24.04 from .NET 10
    **{
        f"mcr.microsoft.com/dotnet/{name}": (((), "debian"), ((10,), "ubuntu"))
        for name in ("sdk", "aspnet", "runtime", "runtime-deps")
    },
}

#: The exact Debian release of frozen official tags without a suffix (the last image pushed
#: for a version that is no longer built): (image, version written in the tag) -> codename.
FROZEN_DEFAULTS: dict[tuple[str, Version], str] = {
    ("python", (2,)): "buster",  # python:2 = python:2.7
    ("python", (2, 7)): "buster",  # 2.7.18, the last 2.7 images (2020): 2.7/buster is the default
    ("python", (3, 4)): "stretch",  # 3.4.10 (2019-03): 3.4/stretch
    ("python", (3, 5)): "buster",  # 3.5.10 (2020-09): 3.5/buster
    ("python", (3, 6)): "bullseye",  # 3.6.15 (2021-09): 3.6/bullseye
    ("python", (3, 8)): "bookworm",  # 3.8.20 (2024-09): 3.8/bookworm
    ("java", (7,)): "jessie",  # library/java (deprecated 2016-12): FROM buildpack-deps:jessie-*
    ("java", (8,)): "jessie",  # openjdk-8 from jessie-backports
}

#: docker-library's first Alpine variants (python, 2015-12-31) came after Alpine 3.3
#: (2015-12-18); an unversioned ``-alpine`` tag is therefore 3.3 or newer.
OFFICIAL_ALPINE_AT_LEAST: Version = (3, 3)


def release_of(ref: ImageRef) -> Release:
    """The distribution release ``ref`` is built on; ``UNKNOWN`` (all None) when not known."""
    library = ref.library_name
    if library in DISTRO_IMAGES:
        return DISTRO_IMAGES[library](ref, True)
    for pattern, reader in VENDOR_DISTROS:
        if fnmatchcase(ref.location, pattern):
            return reader(ref, False)
    for pattern, family in VENDOR_FAMILIES:
        if fnmatchcase(ref.location, pattern):
            return Release(family)
    if library is not None or _vendor_default(ref) is not None:
        return _variant_release(ref) or _default_release(ref)
    return UNKNOWN


def _vendor_default(ref: ImageRef) -> tuple[str | None] | None:
    """(the default family,) of a VARIANT_TAGGED image; None when it is not one."""
    return next(((family,) for pattern, family in VARIANT_TAGGED if fnmatchcase(ref.location, pattern)), None)


def _vendor_rows(ref: ImageRef) -> tuple[tuple[Version, str], ...]:
    """A VARIANT_TAGGED image's default family in DEFAULT_FAMILY's form."""
    default = _vendor_default(ref)
    return (((), default[0]),) if default is not None and default[0] is not None else ()


def _variant_release(ref: ImageRef) -> Release | None:
    """The distribution a docker-library style tag names: ``2.7-jessie``, ``8-alpine3.9``,
    ``2.5-slim-buster``, ``8.0-jammy-chiseled``, ``17-jdk-ubi9-minimal``."""
    words = _tag_tokens(ref)
    base = next((release for release in map(_variant_word, words) if release), None)
    base = base or next((Release(FAMILY_HINTS[word]) for word in words if word in FAMILY_HINTS), None)
    if "chiseled" in words or "distroless" in words:
        return Release("distroless", base.version if base else None, base.codename if base else None)
    if base is not None:
        return base
    if "slim" in words:
        return _default_release(ref, family="debian")
    if "windowsservercore" in words or "nanoserver" in words:
        return _windows(ref, False)
    return None


_ALPINE_WORD = re.compile(r"alpine(\d+(?:\.\d+)+)?")
_RHEL_WORD = re.compile(r"(?:ubi|oraclelinux|rockylinux|almalinux)(\d+)")
_NUMBERED_WORD = re.compile(r"(ubuntu|debian|centos)(\d+(?:\.\d+)*)")
#: Words that name an image's base, not a distribution, when no distribution word is present:
#: maven:3.9-eclipse-temurin-17 (FROM eclipse-temurin: Ubuntu), maven:3-amazoncorretto-17.
FAMILY_HINTS = {"temurin": "ubuntu", "amazoncorretto": "amazonlinux", "corretto": "amazonlinux"}
_AZURE_WORD = re.compile(r"(?:azurelinux|mariner)(\d+\.\d+)")
#: Amazon Linux words in tags (amazoncorretto:17-al2023, 17-al2-generic).
AMAZON_WORDS: dict[str, Version] = {"al2": (2,), "al2023": (2023,), "amazonlinux2": (2,), "amazonlinux2023": (2023,)}


def _variant_word(word: str) -> Release | None:
    if match := _ALPINE_WORD.fullmatch(word):
        version = parse_version(match.group(1)) if match.group(1) else None
        return Release("alpine", version, None, None if version else OFFICIAL_ALPINE_AT_LEAST)
    if word in DEBIAN_CODENAMES:
        return Release("debian", DEBIAN_CODENAMES[word], word)
    if word in UBUNTU_CODENAMES:
        return Release("ubuntu", UBUNTU_CODENAMES[word], word)
    if match := _RHEL_WORD.fullmatch(word):
        return Release("rhel", (int(match.group(1)),))
    if match := _NUMBERED_WORD.fullmatch(word):
        family, version = match.group(1), parse_version(match.group(2))
        return Release(family, version, _codename(family, version))
    if match := _AZURE_WORD.fullmatch(word):
        return Release("azurelinux", parse_version(match.group(1)))
    if word in AMAZON_WORDS:
        return Release("amazonlinux", AMAZON_WORDS[word])
    return None


def _default_release(ref: ImageRef, family: str | None = None) -> Release:
    """The distribution of a tag with no distro word: the image's default family (``family``
    when the tag says it, as ``-slim`` says Debian), exact for the frozen tags of FROZEN_DEFAULTS."""
    image = ref.library_name or ref.location
    version = parse_version(_first(ref.tag))
    frozen = FROZEN_DEFAULTS.get((image, version or ()))
    if frozen is not None:
        return Release("debian", DEBIAN_CODENAMES[frozen], frozen)
    if family is not None:
        return Release(family)
    rows = DEFAULT_FAMILY.get(image) or _vendor_rows(ref)
    # a tag without a version (latest, lts, fpm) follows the newest version
    families = [name for minimum, name in rows if version is None or version >= minimum]
    return Release(families[-1]) if families else UNKNOWN


def _first(tag: str | None) -> str | None:
    return tag.lower().split("-")[0] if tag else None


def _codename(family: str, version: Version | None) -> str | None:
    """The codename of a Debian or Ubuntu version: (8,) jessie, (14, 4) trusty."""
    if version is None or family not in ("debian", "ubuntu"):
        return None
    if family == "ubuntu":
        return _codename_of(UBUNTU_CODENAMES, version[:2])
    return _codename_of(DEBIAN_CODENAMES, version[:1])


def _codename_of(table: dict[str, Version], version: Version) -> str | None:
    return next((name for name, v in table.items() if v == version), None)


# --- distro packages -----------------------------------------------------------------------------

#: Versions of packages as shipped in a release's own repositories (updates only raise them):
#: (family, release key, package) -> version. The release key is the major version for Debian,
#: CentOS/RHEL and Amazon Linux, (major, minor) for Ubuntu and Alpine.
DISTRO_PACKAGES: dict[tuple[str, Version, str], Version] = {
    # packages.debian.org, source package python-pip
    ("debian", (6,), "python-pip"): (0, 7, 2),  # squeeze 0.7.2-1
    ("debian", (7,), "python-pip"): (1, 1),  # wheezy 1.1-3
    ("debian", (7,), "python3-pip"): (1, 1),  # wheezy 1.1-3
    ("debian", (8,), "python-pip"): (1, 5, 6),  # jessie 1.5.6-5
    ("debian", (8,), "python3-pip"): (1, 5, 6),  # jessie 1.5.6-5
    ("debian", (9,), "python-pip"): (9, 0, 1),  # stretch 9.0.1-2
    ("debian", (9,), "python3-pip"): (9, 0, 1),  # stretch 9.0.1-2
    ("debian", (10,), "python-pip"): (18, 1),  # buster 18.1-5
    ("debian", (10,), "python3-pip"): (18, 1),  # buster 18.1-5
    ("debian", (11,), "python3-pip"): (20, 3, 4),  # bullseye 20.3.4-4 (python-pip removed)
    ("debian", (12,), "python3-pip"): (23, 0, 1),  # bookworm 23.0.1+dfsg-1
    ("debian", (13,), "python3-pip"): (25, 1, 1),  # trixie 25.1.1+dfsg-1
    # packages.ubuntu.com, source package python-pip (release pocket)
    ("ubuntu", (12, 4), "python-pip"): (1, 0),  # precise 1.0-1build1
    ("ubuntu", (14, 4), "python-pip"): (1, 5, 4),  # trusty 1.5.4-1
    ("ubuntu", (14, 4), "python3-pip"): (1, 5, 4),  # trusty 1.5.4-1
    ("ubuntu", (16, 4), "python-pip"): (8, 1, 1),  # xenial 8.1.1-2
    ("ubuntu", (16, 4), "python3-pip"): (8, 1, 1),  # xenial 8.1.1-2
    ("ubuntu", (18, 4), "python-pip"): (9, 0, 1),  # bionic 9.0.1-2
    ("ubuntu", (18, 4), "python3-pip"): (9, 0, 1),  # bionic 9.0.1-2
    ("ubuntu", (20, 4), "python3-pip"): (20, 0, 2),  # focal 20.0.2-5ubuntu1 (python-pip removed)
    ("ubuntu", (22, 4), "python3-pip"): (22, 0, 2),  # jammy 22.0.2+dfsg-1
    ("ubuntu", (24, 4), "python3-pip"): (24, 0),  # noble 24.0+dfsg-1ubuntu1
    # pkgs.alpinelinux.org (and version pins in Dockerfiles built on that release): py-pip until
    # 3.11 (py2-pip from 3.5, with py-pip kept as its name); py3-pip from 3.12, when python3
    # stopped bundling pip
    ("alpine", (3, 3), "py-pip"): (7, 1, 2),  # 7.1.2-r0
    ("alpine", (3, 6), "py-pip"): (9, 0, 1),  # 9.0.1-r1
    ("alpine", (3, 6), "py2-pip"): (9, 0, 1),  # 9.0.1-r1
    ("alpine", (3, 7), "py-pip"): (9, 0, 1),  # 9.0.1-r1
    ("alpine", (3, 7), "py2-pip"): (9, 0, 1),  # 9.0.1-r1
    ("alpine", (3, 9), "py-pip"): (18, 1),  # 18.1-r0
    ("alpine", (3, 10), "py-pip"): (18, 1),  # 18.1-r0
    ("alpine", (3, 11), "py-pip"): (18, 1),  # 18.1-r0
    ("alpine", (3, 12), "py3-pip"): (20, 1, 1),  # 20.1.1-r0
    ("alpine", (3, 13), "py3-pip"): (20, 3, 4),  # 20.3.4-r0
    ("alpine", (3, 14), "py3-pip"): (20, 3, 4),  # 20.3.4-r1
    ("alpine", (3, 14), "py-pip"): (20, 3, 4),  # provided by py3-pip 20.3.4-r1
    ("alpine", (3, 16), "py3-pip"): (22, 1, 1),  # 22.1.1-r0
    # CentOS/RHEL 6-7: EPEL (python-pip, renamed python2-pip); 7.7+ and 8: base python3-pip
    ("centos", (6,), "python-pip"): (7, 1, 0),  # EPEL 6 python-pip 7.1.0-1.el6
    ("centos", (7,), "python-pip"): (8, 1, 2),  # EPEL 7 python2-pip 8.1.2-14.el7 (provides python-pip)
    ("centos", (7,), "python2-pip"): (8, 1, 2),  # EPEL 7 python2-pip 8.1.2-14.el7
    ("centos", (7,), "python3-pip"): (9, 0, 3),  # base python3-pip 9.0.3-8.el7
    ("centos", (8,), "python3-pip"): (9, 0, 3),  # AppStream python3-pip 9.0.3-x.el8
    ("centos", (8,), "python2-pip"): (9, 0, 3),  # AppStream python27 module python2-pip 9.0.3
    ("rhel", (8,), "python3-pip"): (9, 0, 3),  # AppStream python3-pip 9.0.3-x.el8
    ("rhel", (8,), "python2-pip"): (9, 0, 3),  # AppStream python27 module python2-pip 9.0.3
    ("rhel", (9,), "python3-pip"): (21, 2, 3),  # AppStream python3-pip 21.2.3-x.el9
    # Amazon Linux (yum/dnf on the image)
    ("amazonlinux", (2,), "python3-pip"): (20, 2, 2),  # amzn2-core python3-pip 20.2.2-1.amzn2.0.x
    ("amazonlinux", (2023,), "python3-pip"): (21, 3, 1),  # python3-pip 21.3.1-2.amzn2023
}

#: How many version components name a release in DISTRO_PACKAGES.
_RELEASE_KEY_LENGTH = {"ubuntu": 2, "alpine": 2}


def distro_package_version(release: Release, package: str) -> Version | None:
    """The version of ``package`` in ``release``'s repositories; None when not known (or when
    the release does not have it)."""
    if release.family is None or release.version is None:
        return None
    key = release.version[: _RELEASE_KEY_LENGTH.get(release.family, 1)]
    return DISTRO_PACKAGES.get((release.family, key, package))


def package_at_least(release: Release, package: str) -> Version | None:
    """A version ``package`` is known to be at least in ``release``: its own row, else the row
    of the newest earlier release of the family in the table (distributions never ship an
    older pip in a newer release), read from ``release.at_least`` when only a lower bound of
    the release is known. None when no earlier row is known."""
    exact = distro_package_version(release, package)
    if exact is not None:
        return exact
    if release.family is None:
        return None
    bound = release.version or release.at_least
    if bound is None:
        return None
    length = _RELEASE_KEY_LENGTH.get(release.family, 1)
    bound = bound[:length]
    earlier = [
        (key, version) for (family, key, name), version in DISTRO_PACKAGES.items()
        if family == release.family and name == package and key <= bound
    ]
    return max(earlier)[1] if earlier else None


#: pip's HTTP cache, and with it ``--no-cache-dir``, came with pip 6.0 (pip's changelog, 6.0
#: "Added a default HTTP cache"); older pips stop with "no such option: --no-cache-dir".
PIP_NO_CACHE_DIR_SINCE: Version = (6,)
#: ``apk add --no-cache`` came with Alpine 3.3 (apk-tools 2.6).
APK_NO_CACHE_SINCE: Version = (3, 3)


def pip_has_no_cache_dir(version: Version | None) -> bool | None:
    """Whether a pip of ``version`` accepts ``--no-cache-dir``; None when the version is unknown."""
    return None if version is None else version >= PIP_NO_CACHE_DIR_SINCE


def apk_has_no_cache(release: Release) -> bool | None:
    """Whether ``apk add --no-cache`` works: Alpine 3.3 and newer; None when not Alpine or the
    version is not known."""
    if release.family != "alpine":
        return None
    if release.version is not None:
        return release.version >= APK_NO_CACHE_SINCE
    if release.at_least is not None and release.at_least >= APK_NO_CACHE_SINCE:
        return True
    return None


# --- tools in official images ---------------------------------------------------------------------

#: The last CPython releases published before pip 6.0 (2014-12-22) per minor version: images of
#: these patch tags (or older ones) may carry an older pip. Later tags were built with pip >= 6.
PYTHON_BEFORE_PIP_6: dict[Version, Version] = {
    (2, 7): (2, 7, 9),  # 2014-12-10
    (3, 2): (3, 2, 6),  # 2014-10-12
    (3, 3): (3, 3, 6),  # 2014-10-12
    (3, 4): (3, 4, 2),  # 2014-10-13
}


def python_version(ref: ImageRef) -> Version | None:
    """The CPython version an official python image's tag names (``3.6``, ``2.7.15``, ``3``);
    None for other images and for tags that name none (``latest``, ``alpine``, ``rc``)."""
    if ref.library_name != "python":
        return None
    return parse_version(_first(ref.tag))


def image_pip(ref: ImageRef) -> Version | None:
    """A version the pip of an official python or pypy image is known to be at least (official
    python images since early 2015 ship pip 6 or newer); None for images that ship no pip, for
    patch tags older than that (``python:2.7.8``, ``python:3.4.1``) and for unknown images."""
    library = ref.library_name
    if library == "python":
        return _python_image_pip(ref)
    if library == "pypy":
        return _pypy_image_pip(ref)
    return None


def _python_image_pip(ref: ImageRef) -> Version | None:
    version = python_version(ref)
    if version is None:
        return PIP_NO_CACHE_DIR_SINCE if _first(ref.tag) in (None, "latest", "slim", "alpine") else None
    if len(version) < 3:  # a floating tag: rebuilt until its series ended, all after 2014
        return PIP_NO_CACHE_DIR_SINCE if version[0] in (2, 3) else None
    last_old = PYTHON_BEFORE_PIP_6.get(version[:2])
    if last_old is not None and version <= last_old:
        return None
    if version[:2] < (2, 7) or (3, 0) <= version[:2] < (3, 2):
        return None
    return PIP_NO_CACHE_DIR_SINCE


def _pypy_image_pip(ref: ImageRef) -> Version | None:
    """pypy:2 and pypy:3 (floating) and pypy:<python version> tags (2019 on); older tags that
    name a PyPy release (``pypy:2-5.6.0``) are not known."""
    words = _tag_tokens(ref)
    if not words or words[0] in ("latest", "slim"):
        return PIP_NO_CACHE_DIR_SINCE
    version = parse_version(words[0])
    names_pypy_release = len(words) > 1 and parse_version(words[1]) is not None
    if version is None or names_pypy_release:
        return None
    return PIP_NO_CACHE_DIR_SINCE


#: Images whose tag is a Node.js version and that are built on the official node image.
NODE_IMAGES = ("docker.io/library/node", "docker.io/circleci/node")  # circleci/node: FROM node:<tag>

#: npm bundled with Node.js, from nodejs.org/dist/index.json ("npm" of each release), as ranges
#: (first node version, npm major) in order; a node version between two rows has the first's.
#: Only ranges whose bounds are known are listed; versions before the first row are unknown.
NPM_BY_NODE: tuple[tuple[Version, int | None], ...] = (
    ((4,), 2),  # 4.0.0 .. 4.9.1: npm 2.x
    ((5,), 3),  # 5.x and 6.x: npm 3.x
    ((7,), None),  # 7.x: npm 3 then 4
    ((8,), 5),  # 8.0.0: npm 5.0.0
    ((8, 12), 6),  # 8.12.0: npm 6.4.1
    ((9,), 5),  # 9.x: npm 5.x
    ((10,), None),  # 10.x: npm 5.6 then 6
    ((11,), 6),  # 11.x .. 14.x: npm 6.x
    ((15,), 7),  # 15.x: npm 7.x
    ((16,), 7),  # 16.0.0: npm 7.10.0
    ((16, 11), 8),  # 16.11.0: npm 8.0.0
    ((17,), 8),  # 17.x: npm 8.x
    ((18,), None),  # 18.x: npm 8, 9, then 10
    ((19,), None),  # 19.x: npm 8 then 9
    ((20,), None),  # 20.x: npm 9 then 10
    ((21,), 10),  # 21.x, 22.x: npm 10.x
    ((23,), None),  # 23.x: npm 10 then 11
    ((24,), 11),  # 24.x, 25.x: npm 11.x
    ((26,), None),
)

#: npm of the last release of a major (what a floating ``node:<major>`` tag gives once the
#: major is no longer built; and what it gives now for the current ones).
NPM_OF_LAST_RELEASE: dict[int, int] = {
    7: 4,  # 7.10.1: npm 4.2.0
    10: 6,  # 10.24.1: npm 6.14.12
    18: 10,  # 18.20.8: npm 10.8.2
    19: 9,  # 19.9.0: npm 9.6.3
    20: 10,  # 20.19.x: npm 10.x
}


def node_major(ref: ImageRef) -> int | None:
    """The Node.js major version of an official node image (or one built on it) from its tag;
    None for ``lts``, ``current``, ``latest``, no tag, and other images."""
    version = _node_version(ref)
    return version[0] if version else None


def npm_major(ref: ImageRef) -> int | None:
    """The major version of the npm a node image ships: node:14 -> 6, node:16 -> 8,
    node:18 -> 10 (its last releases; node:18.0 -> 8); None when not known."""
    version = _node_version(ref)
    if version is None:
        return None
    if len(version) == 1 and version[0] in NPM_OF_LAST_RELEASE:
        return NPM_OF_LAST_RELEASE[version[0]]
    if len(version) == 1:
        version = (version[0], 10**6)  # a major tag follows its newest minor
    rows = [npm for minimum, npm in NPM_BY_NODE if version >= minimum]
    return rows[-1] if rows else None


def _node_version(ref: ImageRef) -> Version | None:
    if ref.location not in NODE_IMAGES and ref.library_name != "node":
        return None
    return parse_version(_first(ref.tag))


# --- users ---------------------------------------------------------------------------------------

#: The user images run as (their Dockerfile's last USER; "root" when there is none), by
#: ``registry/repository`` pattern and, where the tag decides, a tag pattern. First match wins.
#: A numeric user is what the image's configuration says (USER 1001), not a guess at a name.
IMAGE_USERS: tuple[tuple[str, str | None, str | None], ...] = (
    ("docker.io/circleci/*", None, "circleci"),  # circleci/*: USER circleci
    ("docker.io/cimg/*", None, "circleci"),  # cimg/base and its children: USER circleci
    ("docker.io/jenkins/ssh-agent", None, "root"),  # runs sshd as root
    ("docker.io/jenkins/jenkins", None, "jenkins"),  # USER ${user} (jenkins)
    ("docker.io/jenkins/inbound-agent", None, "jenkins"),
    ("docker.io/jenkins/agent", None, "jenkins"),
    ("docker.io/jenkins/jnlp-slave", None, "jenkins"),
    ("docker.io/jenkins/slave", None, "jenkins"),
    ("docker.io/jenkinsci/jenkins", None, "jenkins"),
    ("docker.io/jenkinsci/jnlp-slave", None, "jenkins"),
    ("docker.io/jenkinsci/slave", None, "jenkins"),
    ("docker.io/gitpod/workspace-*", None, "gitpod"),  # gitpod/workspace-base: USER gitpod
    ("docker.io/jupyter/*", None, "jovyan"),  # docker-stacks: USER ${NB_UID} (jovyan)
    ("quay.io/jupyter/*", None, "jovyan"),
    ("docker.io/selenium/*", None, "seluser"),  # selenium/base: USER seluser
    ("docker.io/bitnami/minideb*", None, "root"),
    ("docker.io/bitnami/*", None, "1001"),  # bitnami containers: USER 1001
    ("docker.io/nginxinc/nginx-unprivileged", None, "101"),  # USER $UID (101, the nginx user)
    ("docker.io/grafana/grafana", None, "472"),  # USER "$GF_UID" (472, the grafana user)
    ("docker.io/grafana/grafana-oss", None, "472"),
    ("docker.io/grafana/grafana-enterprise", None, "472"),
    ("docker.io/prom/prometheus", None, "nobody"),  # USER nobody
    ("docker.io/prom/alertmanager", None, "nobody"),
    ("docker.io/prom/node-exporter", None, "nobody"),
    ("docker.io/prom/pushgateway", None, "nobody"),
    ("docker.io/curlimages/curl", None, "curl_user"),  # USER curl_user
    ("docker.io/mambaorg/micromamba", None, "mambauser"),  # USER $MAMBA_USER (mambauser)
    ("docker.io/sonatype/nexus3", None, "nexus"),  # USER nexus
    ("docker.io/centos/*-centos7", None, "1001"),  # software collections s2i images: USER 1001
    ("registry.access.redhat.com/ubi[0-9]*/ubi*", None, "root"),
    ("registry.access.redhat.com/ubi[0-9]*/*", None, "1001"),  # s2i language images: USER 1001
    ("registry.access.redhat.com/ubi[0-9]*", None, "root"),
    ("docker.io/redhat/ubi[0-9]*", None, "root"),
    ("gcr.io/distroless/*", "*nonroot*", "nonroot"),  # :nonroot, :debug-nonroot (uid 65532)
    ("gcr.io/distroless/*", None, "root"),
    ("mcr.microsoft.com/azurelinux/distroless/*", "*nonroot*", "nonroot"),
    ("mcr.microsoft.com/azurelinux/*", None, "root"),
    ("mcr.microsoft.com/azurelinux-beta/*", None, "root"),
    ("mcr.microsoft.com/cbl-mariner/*", None, "root"),
    # .NET 8+: chiseled and distroless images set USER $APP_UID (1654); the others run as root
    ("mcr.microsoft.com/dotnet/*", "[189].0*-chiseled*", "1654"),
    ("mcr.microsoft.com/dotnet/*", "1[0-9].0*-chiseled*", "1654"),
    ("mcr.microsoft.com/dotnet/*", "[189].0*-distroless*", "1654"),
    ("mcr.microsoft.com/dotnet/*", "1[0-9].0*-distroless*", "1654"),
    ("mcr.microsoft.com/dotnet/*", "*nanoserver*", "ContainerUser"),  # FROM nanoserver
    ("mcr.microsoft.com/dotnet/*", "*windowsservercore*", "ContainerAdministrator"),
    ("mcr.microsoft.com/dotnet/*", "*-chiseled*", None),
    ("mcr.microsoft.com/dotnet/*", "*-distroless*", None),
    ("mcr.microsoft.com/dotnet/*", None, "root"),
    ("mcr.microsoft.com/windows/servercore*", None, "ContainerAdministrator"),
    # Nano Server runs as ContainerUser since 1709 (ContainerAdministrator before)
    *(("mcr.microsoft.com/windows/nanoserver", f"{tag}*", "ContainerUser") for tag in ("1709", "1803", "1809", "1903", "1909", "2004", "20h2", "ltsc2019", "ltsc2022", "ltsc2025")),
    ("docker.io/microsoft/windowsservercore", None, "ContainerAdministrator"),
    ("docker.io/microsoft/dotnet", "*nanoserver*", None),
    ("docker.io/microsoft/dotnet", None, "root"),
    ("docker.io/fluent/fluentd", None, "fluent"),  # USER fluent
    ("ubuntu.azurecr.io/ubuntu", None, "root"),
    ("quay.io/centos/centos", None, "root"),
    ("docker.io/opensuse/*", None, "root"),
    ("docker.io/rockylinux/rockylinux", None, "root"),
    ("public.ecr.aws/amazonlinux/amazonlinux", None, "root"),
    # well-known images without a USER instruction
    ("docker.io/phusion/*", None, "root"),
    ("docker.io/tonistiigi/xx", None, "root"),
    ("docker.io/mhart/alpine-node", None, "root"),
    ("docker.io/frolvlad/alpine-*", None, "root"),
    ("docker.io/gliderlabs/alpine", None, "root"),
    ("docker.io/lsiobase/*", None, "root"),  # s6 starts services as abc
    ("docker.io/linuxserver/*", None, "root"),
    ("docker.io/nvidia/cuda", None, "root"),
    ("docker.io/google/cloud-sdk", None, "root"),
    ("docker.io/hashicorp/terraform", None, "root"),
    ("docker.io/hashicorp/packer", None, "root"),
    ("docker.io/atlassian/default-image", None, "root"),
    ("docker.io/continuumio/*", None, "root"),
    ("docker.io/tensorflow/tensorflow", None, "root"),
    ("docker.io/pytorch/pytorch", None, "root"),
    ("docker.io/rocker/*", None, "root"),
    ("docker.io/amazon/aws-cli", None, "root"),
)

#: Official images that set a USER (docker-library convention is to start as root and drop
#: privileges in the entrypoint; these are the exceptions). None: not root, but the user
#: differs between versions.
OFFICIAL_USERS: dict[str, str | None] = {
    "jenkins": "jenkins",  # deprecated library/jenkins: USER ${user}
    "sonarqube": "sonarqube",
    "jetty": "jetty",
    "adminer": "adminer",
    "odoo": "odoo",
    "kong": "kong",
    "irssi": "user",
    "teamspeak": "ts3server",
    "rocket.chat": "rocketchat",
    "open-liberty": "1001",
    "websphere-liberty": "1001",
    "solr": None,  # USER $SOLR_USER (solr) in 5-7, USER $SOLR_UID (8983) since
    "groovy": None,
    "elasticsearch": None,  # USER elasticsearch, then 1000:0
    "kibana": None,
    "logstash": None,
    "haproxy": None,  # root before 2.4, USER haproxy since
    "percona": None,
    "mongo-express": None,
}


#: The WORKDIR official images set ("/" where they set none, so a relative path is the root).
#: Only images whose Dockerfiles are well known; others are None (unknown).
IMAGE_WORKDIRS: dict[str, str] = {
    "python": "/", "pypy": "/", "node": "/", "ruby": "/", "debian": "/", "ubuntu": "/", "alpine": "/",
    "golang": "/go", "httpd": "/usr/local/apache2", "tomcat": "/usr/local/tomcat",
    "rust": "/", "openjdk": "/", "eclipse-temurin": "/", "java": "/", "maven": "/", "amazoncorretto": "/",
    # docker-library's gradle: WORKDIR /home/gradle (and VOLUME /home/gradle/.gradle)
    "gradle": "/home/gradle",
}


def image_workdir(ref: ImageRef) -> str | None:
    """The WORKDIR an official image sets ("/" when none); None when not known. PHP's apache and
    fpm variants set /var/www/html, its cli variant none."""
    library = ref.library_name
    if library == "php":
        tag = ref.tag or ""
        return "/var/www/html" if ("apache" in tag or "fpm" in tag) else ("/" if "cli" in tag else None)
    return IMAGE_WORKDIRS.get(library or "")


def image_user(ref: ImageRef) -> str | None:
    """The user ``ref`` runs as: "root", a name or a uid; None when not known."""
    library = ref.library_name
    words = _tag_tokens(ref)
    if library is not None and "windowsservercore" in words:
        return "ContainerAdministrator"  # Windows Server Core's default user
    if library is not None and "nanoserver" in words:
        return None
    if library is not None:
        return OFFICIAL_USERS.get(library, "root")
    for pattern, tag_pattern, user in IMAGE_USERS:
        if fnmatchcase(ref.location, pattern) and (tag_pattern is None or fnmatchcase((ref.tag or "latest").lower(), tag_pattern)):
            return user
    return None
