"""The knowledge table of base images: references parsed as Docker parses them, the release a
tag implies, the user an image runs as, and the tools it carries; unknown is None."""

from __future__ import annotations

import pytest

from codemod.knowledge import (
    Release,
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
from codemod.knowledge.images import ImageRef


def ref(text: str) -> ImageRef:
    parsed = parse_image(text)
    assert parsed is not None, text
    return parsed


# --- references ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, registry, repository, name, tag, digest",
    [
        ("node", None, "library/node", "node", None, None),
        ("library/node:18", None, "library/node", "node", "18", None),
        ("docker.io/library/node:18-alpine", "docker.io", "library/node", "node", "18-alpine", None),
        ("index.docker.io/node", "docker.io", "library/node", "node", None, None),
        ("docker.io/node", "docker.io", "library/node", "node", None, None),
        ("localhost:5000/x:1", "localhost:5000", "x", "x", "1", None),
        ("localhost/app", "localhost", "app", "app", None, None),
        ("ghcr.io/owner/repo/sub:v1.2", "ghcr.io", "owner/repo/sub", "sub", "v1.2", None),
        ("mcr.microsoft.com/dotnet/sdk:8.0", "mcr.microsoft.com", "dotnet/sdk", "sdk", "8.0", None),
        ("circleci/node:8", None, "circleci/node", "node", "8", None),
        ("Ubuntu:14.04", None, "library/ubuntu", "ubuntu", "14.04", None),
        ("MyRegistry/App", "myregistry", "app", "app", None, None),  # upper case: a registry
        ("alpine@sha256:" + "a" * 64, None, "library/alpine", "alpine", None, "sha256:" + "a" * 64),
        ("python:3.14.6-alpine@sha256:" + "b" * 64, None, "library/python", "python", "3.14.6-alpine", "sha256:" + "b" * 64),
        ("registry.example.com:443/team/app:1@sha256:" + "c" * 64, "registry.example.com:443", "team/app", "app", "1", "sha256:" + "c" * 64),
        ("scratch", None, "library/scratch", "scratch", None, None),
    ],
)
def test_parse_image(text: str, registry: str | None, repository: str, name: str, tag: str | None, digest: str | None) -> None:
    parsed = ref(text)
    assert (parsed.text, parsed.registry, parsed.repository, parsed.name, parsed.tag, parsed.digest) == (text, registry, repository, name, tag, digest)


@pytest.mark.parametrize("text", ["", "$BASE", "${IMAGE}:1", "node:$VERSION", "{{baseImage}}", "alpine:%%PLACEHOLDER%%", "node:", "a b", "alpine@sha256:xyz", "bad//path"])
def test_parse_image_rejects(text: str) -> None:
    assert parse_image(text) is None


@pytest.mark.parametrize(
    "text, official, library",
    [
        ("node", True, "node"),
        ("library/node", True, "node"),
        ("docker.io/library/node", True, "node"),
        ("arm64v8/node:18", False, "node"),
        ("public.ecr.aws/docker/library/node:20", False, "node"),
        ("circleci/node", False, None),
        ("ghcr.io/library/node", False, None),
        ("docker.io/library/a/b", False, None),
    ],
)
def test_official_and_library_name(text: str, official: bool, library: str | None) -> None:
    assert (ref(text).official, ref(text).library_name) == (official, library)


# --- releases ------------------------------------------------------------------------------------

REAL_TAGS = [
    # distro images (all from the corpus's most common FROM lines)
    ("ubuntu:14.04", Release("ubuntu", (14, 4), "trusty")),
    ("ubuntu:14.04.5", Release("ubuntu", (14, 4, 5), "trusty")),
    ("ubuntu:trusty", Release("ubuntu", (14, 4), "trusty")),
    ("ubuntu:16.04", Release("ubuntu", (16, 4), "xenial")),
    ("ubuntu:xenial", Release("ubuntu", (16, 4), "xenial")),
    ("ubuntu:bionic", Release("ubuntu", (18, 4), "bionic")),
    ("ubuntu:12.04", Release("ubuntu", (12, 4), "precise")),
    ("ubuntu:eoan", Release("ubuntu", (19, 10), "eoan")),
    ("ubuntu:trusty-20191217", Release("ubuntu", (14, 4), "trusty")),
    ("debian:jessie", Release("debian", (8,), "jessie")),
    ("debian:8", Release("debian", (8,), "jessie")),
    ("debian:8-slim", Release("debian", (8,), "jessie")),
    ("debian:jessie-slim", Release("debian", (8,), "jessie")),
    ("debian:stretch-slim", Release("debian", (9,), "stretch")),
    ("debian:wheezy", Release("debian", (7,), "wheezy")),
    ("debian:buster-slim", Release("debian", (10,), "buster")),
    ("debian:bookworm-20240110-slim", Release("debian", (12,), "bookworm")),
    ("debian:9.13", Release("debian", (9, 13), "stretch")),
    ("debian:oldstable", Release("debian", (12,), "bookworm")),
    ("debian:sid", Release("debian", None, "sid", (13,))),
    ("alpine:3.2", Release("alpine", (3, 2))),
    ("alpine:3.10", Release("alpine", (3, 10))),
    ("alpine:3.9.4", Release("alpine", (3, 9, 4))),
    ("alpine:edge", Release("alpine", None, "edge", (3, 24))),
    ("centos:7", Release("centos", (7,))),
    ("centos:centos6", Release("centos", (6,))),
    ("centos:7.4.1708", Release("centos", (7, 4, 1708))),
    ("quay.io/centos/centos:stream9", Release("centos", (9,))),
    ("fedora:38", Release("fedora", (38,))),
    ("amazonlinux:2", Release("amazonlinux", (2,))),
    ("rockylinux:9-minimal", Release("rhel", (9,))),
    ("registry.access.redhat.com/ubi8/ubi-minimal", Release("rhel", (8,))),
    ("opensuse/leap:15.6", Release("opensuse", (15, 6))),
    ("scratch", Release("scratch")),
    ("busybox:1.36", Release("busybox")),
    ("buildpack-deps:stretch-scm", Release("debian", (9,), "stretch")),
    ("arm32v7/buildpack-deps:jammy-curl", Release("ubuntu", (22, 4), "jammy")),
    ("amd64/alpine:3.8", Release("alpine", (3, 8))),
    ("phusion/baseimage:0.11", Release("ubuntu", (18, 4), "bionic")),
    ("phusion/baseimage:0.9.18", Release("ubuntu", (14, 4), "trusty")),
    ("mcr.microsoft.com/windows/servercore:ltsc2016", Release("windows", (10, 0, 14393), "ltsc2016")),
    ("mcr.microsoft.com/windows/nanoserver:1809-amd64", Release("windows", (10, 0, 17763), "ltsc2019")),
    ("mcr.microsoft.com/windows/nanoserver:10.0.14393.2068", Release("windows", (10, 0, 14393, 2068), "ltsc2016")),
    ("mcr.microsoft.com/azurelinux/base/core:3.0", Release("azurelinux", (3, 0))),
    ("gcr.io/distroless/static-debian12:nonroot", Release("distroless", (12,), "bookworm")),
    # official language and tool images, by tag suffix
    ("python:2.7-jessie", Release("debian", (8,), "jessie")),
    ("golang:1.10-stretch", Release("debian", (9,), "stretch")),
    ("node:8-alpine3.9", Release("alpine", (3, 9))),
    ("ruby:2.5-slim-buster", Release("debian", (10,), "buster")),
    ("ruby:2.6-alpine3.10", Release("alpine", (3, 10))),
    ("openjdk:8-jdk-alpine", Release("alpine", None, None, (3, 3))),
    ("php:7.2-apache-stretch", Release("debian", (9,), "stretch")),
    ("php:8.2-fpm-alpine3.18", Release("alpine", (3, 18))),
    ("golang:1.10-alpine", Release("alpine", None, None, (3, 3))),
    ("eclipse-temurin:17-jdk-jammy", Release("ubuntu", (22, 4), "jammy")),
    ("eclipse-temurin:21-jre-ubi9-minimal", Release("rhel", (9,))),
    ("amazoncorretto:17-al2023", Release("amazonlinux", (2023,))),
    ("maven:3.9-eclipse-temurin-17", Release("ubuntu")),
    ("maven:3-jdk-8-slim", Release("debian")),
    ("python:3.6-windowsservercore-ltsc2016", Release("windows", (10, 0, 14393), "ltsc2016")),
    ("mcr.microsoft.com/dotnet/sdk:9.0-azurelinux3.0", Release("azurelinux", (3, 0))),
    ("mcr.microsoft.com/dotnet/runtime-deps:8.0-jammy-chiseled", Release("distroless", (22, 4), "jammy")),
    ("mcr.microsoft.com/dotnet/aspnet:8.0-bookworm-slim", Release("debian", (12,), "bookworm")),
    ("nvidia/cuda:10.0-cudnn7-devel-ubuntu18.04", Release("ubuntu", (18, 4), "bionic")),
    ("circleci/python:3.6-stretch-browsers", Release("debian", (9,), "stretch")),
    # their default distro when the tag has no suffix
    ("python:2.7", Release("debian", (10,), "buster")),
    ("python:3.6-slim", Release("debian", (11,), "bullseye")),
    ("java:8", Release("debian", (8,), "jessie")),
    ("openjdk:8", Release("debian")),
    ("openjdk:17", Release("rhel")),
    ("node:lts-slim", Release("debian")),
    ("nginx:latest", Release("debian")),
    ("docker:dind", Release("alpine")),
    ("mcr.microsoft.com/dotnet/sdk:8.0", Release("debian")),
    ("mcr.microsoft.com/dotnet/sdk:10.0", Release("ubuntu")),
    ("cimg/node:18.17", Release("ubuntu")),
    # untagged or latest distro images: the current release
    ("alpine:latest", Release("alpine", (3, 24))),
    ("ubuntu", Release("ubuntu", (26, 4), "resolute")),
    ("debian:latest", Release("debian", (13,), "trixie")),
    ("centos", Release("centos", (8,))),
    ("fedora", Release("fedora", None, None, (43,))),
]


@pytest.mark.parametrize("text, expected", REAL_TAGS)
def test_release_of(text: str, expected: Release) -> None:
    assert release_of(ref(text)) == expected


def test_release_of_covers_enough_real_tags() -> None:
    assert len(REAL_TAGS) >= 40
    assert len({text.split(":")[0] for text, _ in REAL_TAGS}) >= 30


@pytest.mark.parametrize(
    "text",
    ["myorg/app:1.0", "ghcr.io/owner/base", "localhost:5000/x:1", "maven:3-jdk-8", "tomcat:9", "bitnami/minideb:latest", "debian:not-a-release", "ubuntu:14.4"],
)
def test_release_unknown(text: str) -> None:
    release = release_of(ref(text))
    assert release.version is None and release.at_least is None
    assert release.family in (None, "debian", "ubuntu")  # family only where the image says it


def test_third_party_tag_words_are_not_read() -> None:
    # A third-party tag that looks like a variant says nothing about the distribution.
    assert release_of(ref("myorg/app:1.0-alpine3.9")) == Release()


# --- distro packages, apk, pip -------------------------------------------------------------------


@pytest.mark.parametrize(
    "image, package, major",
    [
        ("debian:wheezy", "python-pip", 1),
        ("debian:jessie", "python-pip", 1),
        ("debian:8-slim", "python3-pip", 1),
        ("debian:stretch", "python-pip", 9),
        ("debian:buster", "python3-pip", 18),
        ("debian:bookworm", "python3-pip", 23),
        ("ubuntu:12.04", "python-pip", 1),
        ("ubuntu:14.04", "python-pip", 1),
        ("ubuntu:trusty", "python3-pip", 1),
        ("ubuntu:16.04", "python3-pip", 8),
        ("ubuntu:24.04", "python3-pip", 24),
        ("alpine:3.3", "py-pip", 7),
        ("alpine:3.9", "py-pip", 18),
        ("alpine:3.12", "py3-pip", 20),
        ("centos:7", "python-pip", 8),
        ("centos:7", "python3-pip", 9),
        ("amazonlinux:2", "python3-pip", 20),
    ],
)
def test_distro_pip(image: str, package: str, major: int) -> None:
    version = distro_package_version(release_of(ref(image)), package)
    assert version is not None and version[0] == major
    assert pip_has_no_cache_dir(version) is (major >= 6)


@pytest.mark.parametrize(
    "release, package",
    [
        (Release("debian", (11,), "bullseye"), "python-pip"),  # removed in bullseye
        (Release("debian"), "python3-pip"),  # version unknown
        (Release(), "python-pip"),
        (Release("alpine", (3, 3)), "nodejs"),  # not in the table
        (Release("ubuntu", (15, 10), "wily"), "python-pip"),  # not in the table
    ],
)
def test_distro_package_unknown(release: Release, package: str) -> None:
    assert distro_package_version(release, package) is None
    assert pip_has_no_cache_dir(None) is None


@pytest.mark.parametrize(
    "image, expected",
    [
        ("alpine:3.2", False),
        ("alpine:3.1", False),
        ("alpine:3.3", True),
        ("alpine:3.10.2", True),
        ("alpine:edge", True),
        ("alpine", True),
        ("node:8-alpine", True),
        ("golang:1.10-alpine3.7", True),
        ("debian:jessie", None),
        ("myorg/alpine-thing", None),
        ("gliderlabs/alpine:3.2", False),
    ],
)
def test_apk_has_no_cache(image: str, expected: bool | None) -> None:
    assert apk_has_no_cache(release_of(ref(image))) is expected


def test_apk_unknown_version() -> None:
    assert apk_has_no_cache(Release("alpine")) is None
    assert apk_has_no_cache(Release("alpine", None, None, (3, 1))) is None


@pytest.mark.parametrize(
    "image, expected",
    [
        ("python:2.7", (6,)),
        ("python:3.6-alpine", (6,)),
        ("python", (6,)),
        ("python:3-slim", (6,)),
        ("python:2.7.15", (6,)),
        ("python:3.4.3", (6,)),
        ("python:2.7.8", None),  # built before pip 6.0
        ("python:3.4.1", None),
        ("python:3.3.5", None),
        ("python:rc", None),
        ("pypy:3", (6,)),
        ("pypy:2-5.6.0", None),
        ("debian:jessie", None),  # ships no pip
        ("node:18", None),
        ("myorg/python:3.8", None),
    ],
)
def test_image_pip(image: str, expected: tuple[int, ...] | None) -> None:
    assert image_pip(ref(image)) == expected


@pytest.mark.parametrize(
    "image, expected",
    [("python:3.6", (3, 6)), ("python:2.7.15-alpine", (2, 7, 15)), ("python:3", (3,)), ("python", None), ("python:alpine", None), ("pypy:3", None), ("node:3.6", None)],
)
def test_python_version(image: str, expected: tuple[int, ...] | None) -> None:
    assert python_version(ref(image)) == expected


# --- node and npm --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "image, node, npm",
    [
        ("node:4", 4, 2),
        ("node:6", 6, 3),
        ("node:8", 8, 6),  # 8.12+ ship npm 6
        ("node:8.9", 8, 5),
        ("node:8-alpine", 8, 6),
        ("node:10-alpine", 10, 6),
        ("node:12", 12, 6),
        ("node:14", 14, 6),
        ("node:14.21.3-bullseye-slim", 14, 6),
        ("node:15", 15, 7),
        ("node:16", 16, 8),
        ("node:16.3", 16, 7),
        ("node:18", 18, 10),
        ("node:20-alpine", 20, 10),
        ("node:22", 22, 10),
        ("node:24", 24, 11),
        ("circleci/node:8", 8, 6),
        ("node:18.0", 18, None),  # 18.x moved from npm 8 to 10; the bounds are not in the table
        ("node:lts", None, None),
        ("node", None, None),
        ("node:latest", None, None),
        ("python:3.8", None, None),
        ("myorg/node:18", None, None),
    ],
)
def test_node_and_npm(image: str, node: int | None, npm: int | None) -> None:
    parsed = ref(image)
    assert (node_major(parsed), npm_major(parsed)) == (node, npm)


# --- users ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "image, user",
    [
        ("node:8", "root"),
        ("ubuntu:14.04", "root"),
        ("arm64v8/alpine", "root"),
        ("circleci/node:8", "circleci"),
        ("circleci/python:3.6-browsers", "circleci"),
        ("cimg/node:18.17", "circleci"),
        ("jenkins/jenkins:lts", "jenkins"),
        ("jenkins/inbound-agent", "jenkins"),
        ("jenkins", "jenkins"),
        ("gitpod/workspace-full", "gitpod"),
        ("jupyter/scipy-notebook", "jovyan"),
        ("quay.io/jupyter/base-notebook", "jovyan"),
        ("selenium/standalone-chrome", "seluser"),
        ("bitnami/postgresql:15", "1001"),
        ("bitnami/minideb:bullseye", "root"),
        ("nginxinc/nginx-unprivileged:alpine", "101"),
        ("grafana/grafana", "472"),
        ("gcr.io/distroless/static-debian12:nonroot", "nonroot"),
        ("gcr.io/distroless/base-debian11:debug-nonroot", "nonroot"),
        ("gcr.io/distroless/static-debian12", "root"),
        ("mcr.microsoft.com/dotnet/aspnet:8.0", "root"),
        ("mcr.microsoft.com/dotnet/aspnet:8.0-jammy-chiseled", "1654"),
        ("mcr.microsoft.com/dotnet/aspnet:10.0-nanoserver-ltsc2022", "ContainerUser"),
        ("mcr.microsoft.com/windows/servercore:ltsc2019", "ContainerAdministrator"),
        ("python:3.6-windowsservercore-ltsc2016", "ContainerAdministrator"),
        ("centos/python-36-centos7", "1001"),
        ("registry.access.redhat.com/ubi8/ubi", "root"),
        ("registry.access.redhat.com/ubi8/python-39", "1001"),
    ],
)
def test_image_user(image: str, user: str) -> None:
    assert image_user(ref(image)) == user


@pytest.mark.parametrize(
    "image",
    ["myorg/app:1.0", "ghcr.io/owner/tool", "elasticsearch:8.11.1", "haproxy:2.8", "golang:nanoserver", "mcr.microsoft.com/windows/nanoserver:10.0.14393.2068", "localhost:5000/x:1"],
)
def test_image_user_unknown(image: str) -> None:
    assert image_user(ref(image)) is None
