"""The knowledge table of OS packages: which ones serve only to build, what a header package's
library needs at run time on each release, and what the full official images carry; unknown
is None."""

from __future__ import annotations

import pytest

from codemod.knowledge import Release, parse_image, release_of
from codemod.knowledge.packages import (
    BUILD_ONLY,
    BUILDPACK_DEPS,
    FETCH_TOOLS,
    FULL_IMAGE_LIBRARIES,
    FULL_IMAGE_PROGRAMS,
    RUNTIME,
    RUNTIME_PATTERNS,
    Selector,
    full_image_packages,
    full_image_programs,
    is_build_only,
    is_fetch_tool,
    is_header,
    package_name,
    parse_selector,
    runtime_of,
    split_packages,
)


def release(image: str) -> Release:
    ref = parse_image(image)
    assert ref is not None, image
    return release_of(ref)


JESSIE = Release("debian", (8,), "jessie")
STRETCH = Release("debian", (9,), "stretch")
BUSTER = Release("debian", (10,), "buster")
BULLSEYE = Release("debian", (11,), "bullseye")
BOOKWORM = Release("debian", (12,), "bookworm")
TRIXIE = Release("debian", (13,), "trixie")
FORKY = Release("debian", (14,), "forky")
DEBIAN_FLOATING = Release("debian")  # python:3.11: a Debian release, which one moves
FOCAL = Release("ubuntu", (20, 4), "focal")
JAMMY = Release("ubuntu", (22, 4), "jammy")
NOBLE = Release("ubuntu", (24, 4), "noble")
ALPINE_3_10 = Release("alpine", (3, 10))
ALPINE_3_16 = Release("alpine", (3, 16))
ALPINE_3_19 = Release("alpine", (3, 19))
ALPINE_FLOATING = Release("alpine", None, None, (3, 3))  # node:18-alpine
CENTOS_7 = Release("centos", (7,))
RHEL_9 = Release("rhel", (9,))


# --- names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "family, spec, name",
    [
        ("apt", "gcc", "gcc"),
        ("apt", "gcc=4:12.2.0-3", "gcc"),
        ("apt", "libpq-dev=15*", "libpq-dev"),
        ("apt", "gcc~=12", "gcc"),
        ("apt", "libssl-dev:amd64", "libssl-dev"),
        ("apt", "libssl-dev:arm64=3.0.11-1~deb12u2", "libssl-dev"),
        ("apt", "golang-go/bookworm-backports", "golang-go"),
        ("apt", "g++", "g++"),
        ("apt", "libstdc++6", "libstdc++6"),
        ("apk", "gcc>=12", "gcc"),
        ("apk", "gcc=12.2.1_git20220924-r10", "gcc"),
        ("apk", "musl-dev<1.3", "musl-dev"),
        ("apk", "nodejs~18", "nodejs"),
        ("apk", "curl@edge", "curl"),
        ("apk", ".build-deps", ".build-deps"),
        ("yum", "gcc", "gcc"),
        ("yum", "gcc-4.8.5", "gcc"),
        ("yum", "gcc-4.8.5-44.el7", "gcc"),
        ("yum", "gcc-4.8.5-44.el7.x86_64", "gcc"),
        ("yum", "postgresql-devel-9.2.24", "postgresql-devel"),
        ("yum", "libstdc++-devel-8.5.0-4.el8", "libstdc++-devel"),
        ("yum", "openssl-devel-1:1.0.2k", "openssl-devel"),
        ("yum", "gcc-toolset-12", "gcc-toolset-12"),  # a name ending in a number, not a pin
        ("yum", "devtoolset-8", "devtoolset-8"),
        ("yum", "java-1.8.0-openjdk-devel", "java-1.8.0-openjdk-devel"),
        ("yum", "openssl-devel.x86_64", "openssl-devel"),
    ],
)
def test_package_name_strips_pins(family: str, spec: str, name: str) -> None:
    assert package_name(family, spec) == name


def test_unknown_family_is_an_error() -> None:
    with pytest.raises(ValueError):
        is_build_only("pip", "gcc")
    with pytest.raises(ValueError):
        runtime_of("dnf", "gcc", None)


# --- build-only ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "family, name",
    [
        ("apt", "gcc"),
        ("apt", "g++"),
        ("apt", "build-essential"),
        ("apt", "clang"),
        ("apt", "cmake"),
        ("apt", "pkg-config"),
        ("apt", "libtool"),
        ("apt", "gcc=4:12.2.0-3"),
        ("apt", "gcc-12"),
        ("apt", "clang-16"),
        ("apt", "golang-go"),
        ("apt", "cargo"),
        ("apt", "gfortran"),
        ("apt", "python3-dev"),
        ("apt", "libpq-dev=15*"),
        ("apt", "libssl-dev:amd64"),
        ("apt", "linux-headers-amd64"),
        ("apt", "dpkg-dev"),
        ("apk", "build-base"),
        ("apk", "gcc>=12"),
        ("apk", "musl-dev"),
        ("apk", "linux-headers"),
        ("apk", "libffi-dev"),
        ("apk", ".build-deps"),
        ("apk", ".phpize-deps"),
        ("apk", ".fetch-deps"),
        ("apk", ".gyp"),
        ("apk", "go"),
        ("yum", "gcc-c++"),
        ("yum", "make"),
        ("yum", "openssl-devel"),
        ("yum", "python3-devel-3.9.18"),
        ("yum", "Development Tools"),
        ("yum", "@development-tools"),
        ("yum", "gcc-toolset-12"),
    ],
)
def test_build_only(family: str, name: str) -> None:
    assert is_build_only(family, name)


@pytest.mark.parametrize(
    "family, name",
    [
        ("apt", "git"),
        ("apt", "curl"),
        ("apt", "wget"),
        ("apt", "ca-certificates"),
        ("apt", "gnupg"),
        ("apt", "unzip"),
        ("apt", "libpq5"),
        ("apt", "postgresql-client"),
        ("apt", "udev"),  # ends in "dev", not "-dev"
        ("apt", "nodejs"),
        ("apk", "git"),
        ("apk", "curl"),
        ("apk", "libpq"),
        ("apk", ".python-rundeps"),
        ("apk", ".persistent-deps"),
        ("apk", ".run-deps"),
        ("apk", ".mydeps"),
        ("yum", "git"),
        ("yum", "openssl-libs"),
        ("yum", "devtoolset"),
    ],
)
def test_not_build_only(family: str, name: str) -> None:
    assert not is_build_only(family, name)


def test_headers() -> None:
    assert is_header("apt", "libpq-dev=15*")
    assert is_header("yum", "openssl-devel")
    assert not is_header("yum", "openssl-dev")  # rpm headers end in -devel
    assert not is_header("apt", "dpkg-dev")  # a tool whose name ends in -dev
    assert not is_header("apt", "gcc")


def test_fetch_tools_are_separate() -> None:
    for family in ("apt", "apk", "yum"):
        assert is_fetch_tool(family, "git")
        assert is_fetch_tool(family, "curl")
        assert not is_build_only(family, "curl")
        assert not any(is_build_only(family, name) for name in FETCH_TOOLS[family])
    assert is_fetch_tool("apt", "wget=1.21.3-1+b2")
    assert FETCH_TOOLS["apt"]["openssh-client"][0] == "ssh"
    assert FETCH_TOOLS["apt"]["ca-certificates"] == ()
    assert not is_fetch_tool("apt", "gcc")


# --- runtime packages ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "family, name, rel, runtime",
    [
        # The same on every release.
        ("apt", "libpq-dev", BOOKWORM, ("libpq5",)),
        ("apt", "libpq-dev=15*", DEBIAN_FLOATING, ("libpq5",)),
        ("apt", "libpq-dev", None, ("libpq5",)),
        ("apt", "zlib1g-dev", JAMMY, ("zlib1g",)),
        ("apt", "libxslt1-dev", TRIXIE, ("libxslt1.1",)),
        ("apt", "libyaml-dev", BUSTER, ("libyaml-0-2",)),
        ("apt", "libsqlite3-dev", NOBLE, ("libsqlite3-0",)),
        ("apt", "libfreetype6-dev", BOOKWORM, ("libfreetype6",)),
        ("apt", "libsasl2-dev", BULLSEYE, ("libsasl2-2",)),
        ("apt", "libgmp-dev", BOOKWORM, ("libgmp10",)),
        # Debian and Ubuntu package libjpeg-turbo under different names.
        ("apt", "libjpeg-dev", BOOKWORM, ("libjpeg62-turbo",)),
        ("apt", "libjpeg62-turbo-dev", DEBIAN_FLOATING, ("libjpeg62-turbo",)),
        ("apt", "libjpeg-dev", JAMMY, ("libjpeg-turbo8",)),
        # Per release.
        ("apt", "default-libmysqlclient-dev", BOOKWORM, ("libmariadb3",)),
        ("apt", "default-libmysqlclient-dev", BULLSEYE, ("libmariadb3",)),
        ("apt", "default-libmysqlclient-dev", BUSTER, ("libmariadb3",)),
        ("apt", "default-libmysqlclient-dev", JAMMY, ("libmysqlclient21",)),
        ("apt", "libxml2-dev", BOOKWORM, ("libxml2",)),
        ("apt", "libffi-dev", BOOKWORM, ("libffi8",)),
        ("apt", "libffi-dev", BULLSEYE, ("libffi7",)),
        ("apt", "libffi-dev", BUSTER, ("libffi6",)),
        ("apt", "libffi-dev", FOCAL, ("libffi7",)),
        ("apt", "libssl-dev", BOOKWORM, ("libssl3",)),
        ("apt", "libssl-dev", BULLSEYE, ("libssl1.1",)),
        ("apt", "libssl-dev", BUSTER, ("libssl1.1",)),
        ("apt", "libssl-dev", TRIXIE, ("libssl3t64",)),
        ("apt", "libssl-dev", NOBLE, ("libssl3t64",)),
        ("apt", "libpng-dev", BOOKWORM, ("libpng16-16",)),
        ("apt", "libpng-dev", TRIXIE, ("libpng16-16t64",)),
        ("apt", "libcurl4-openssl-dev", BOOKWORM, ("libcurl4",)),
        ("apt", "libgeos-dev", BOOKWORM, ("libgeos-c1v5",)),
        ("apt", "libmagic-dev", BULLSEYE, ("libmagic1",)),
        ("apt", "libldap2-dev", BOOKWORM, ("libldap-2.5-0",)),
        ("apt", "libldap2-dev", BULLSEYE, ("libldap-2.4-2",)),
        ("apt", "libzip-dev", BOOKWORM, ("libzip4",)),
        ("apt", "libicu-dev", BOOKWORM, ("libicu72",)),
        ("apt", "libicu-dev", BULLSEYE, ("libicu67",)),
        ("apt", "libicu-dev", BUSTER, ("libicu63",)),
        ("apt", "libicu-dev", TRIXIE, ("libicu76",)),
        ("apt", "libonig-dev", BOOKWORM, ("libonig5",)),
        ("apt", "libwebp-dev", BOOKWORM, ("libwebp7", "libwebpmux3", "libwebpdemux2")),
        ("apt", "libwebp-dev", BULLSEYE, ("libwebp6", "libwebpmux3", "libwebpdemux2")),
        ("apt", "gfortran", BOOKWORM, ("libgfortran5",)),
        # Part of the base image.
        ("apt", "libc6-dev", BOOKWORM, ()),
        ("apt", "libc6-dev", None, ()),
        ("apt", "linux-libc-dev", DEBIAN_FLOATING, ()),
        ("apt", "python3-dev", BOOKWORM, ()),
        ("apt", "libpython3.11-dev", BOOKWORM, ()),
        # Toolchains: nothing at run time.
        ("apt", "gcc", BOOKWORM, ()),
        ("apt", "g++=4:12.2.0-3", None, ()),
        ("apt", "build-essential", DEBIAN_FLOATING, ()),
        ("apt", "dpkg-dev", BOOKWORM, ()),
        # Not build-only: itself.
        ("apt", "curl", BOOKWORM, ("curl",)),
        ("apt", "libpq5=15.4-0+deb12u1", BOOKWORM, ("libpq5",)),
        # Alpine.
        ("apk", "postgresql-dev", ALPINE_3_19, ("libpq",)),
        ("apk", "libpq-dev", ALPINE_FLOATING, ("libpq",)),
        ("apk", "mariadb-dev", ALPINE_3_19, ("mariadb-connector-c",)),
        ("apk", "libxml2-dev", ALPINE_3_19, ("libxml2",)),
        ("apk", "jpeg-dev", ALPINE_3_19, ("libjpeg-turbo",)),
        ("apk", "libjpeg-turbo-dev", ALPINE_FLOATING, ("libjpeg-turbo",)),
        ("apk", "zlib-dev", ALPINE_3_19, ("zlib",)),
        ("apk", "libffi-dev", ALPINE_3_19, ("libffi",)),
        ("apk", "openssl-dev", ALPINE_3_19, ("libssl3",)),
        ("apk", "openssl-dev>=3", Release("alpine", (3, 17, 3)), ("libssl3",)),
        ("apk", "openssl-dev", ALPINE_3_16, ("libssl1.1",)),
        ("apk", "openssl-dev", Release("alpine", None, "edge", (3, 24)), ("libssl3",)),  # a lower bound settles "3.17+"
        ("apk", "freetype-dev", ALPINE_3_19, ("freetype",)),
        ("apk", "libpng-dev", ALPINE_3_19, ("libpng",)),
        ("apk", "icu-dev", ALPINE_3_19, ("icu-libs",)),
        ("apk", "yaml-dev", ALPINE_3_19, ("yaml",)),
        ("apk", "sqlite-dev", ALPINE_3_19, ("sqlite-libs",)),
        ("apk", "curl-dev", ALPINE_3_19, ("libcurl",)),
        ("apk", "libzip-dev", ALPINE_3_19, ("libzip",)),
        ("apk", "musl-dev", ALPINE_3_19, ()),
        ("apk", "linux-headers", ALPINE_FLOATING, ()),
        ("apk", ".build-deps", ALPINE_3_19, ()),
        ("apk", "g++", ALPINE_3_19, ("libstdc++", "libgcc")),
        ("apk", "make", ALPINE_3_19, ()),
        ("apk", "python3-dev", ALPINE_3_19, ()),
        # rpm.
        ("yum", "postgresql-devel", CENTOS_7, ("postgresql-libs",)),
        ("yum", "postgresql-devel", RHEL_9, ("libpq",)),
        ("yum", "openssl-devel", RHEL_9, ("openssl-libs",)),
        ("yum", "sqlite-devel", CENTOS_7, ("sqlite",)),
        ("yum", "sqlite-devel", RHEL_9, ("sqlite-libs",)),
        ("yum", "zlib-devel", Release("fedora", (41,)), ("zlib-ng-compat",)),
        ("yum", "zlib-devel", Release("fedora", (39,)), ("zlib",)),
        ("yum", "glibc-devel", RHEL_9, ()),
        ("yum", "gcc-c++-8.5.0", RHEL_9, ("libstdc++",)),
    ],
)
def test_runtime_of(family: str, name: str, rel: Release | None, runtime: tuple[str, ...]) -> None:
    assert runtime_of(family, name, rel) == runtime


@pytest.mark.parametrize(
    "family, name, rel",
    [
        # Not in the table.
        ("apt", "libfoo-dev", BOOKWORM),
        ("apk", "libfoo-dev", ALPINE_3_19),
        ("yum", "libfoo-devel", RHEL_9),
        # The name depends on the release, and the release is unknown.
        ("apt", "libssl-dev", DEBIAN_FLOATING),
        ("apt", "libssl-dev", None),
        ("apt", "libffi-dev", Release()),
        ("apt", "default-libmysqlclient-dev", DEBIAN_FLOATING),
        ("apk", "openssl-dev", ALPINE_FLOATING),
        ("apk", "openssl-dev", None),
        ("yum", "postgresql-devel", Release("rhel")),
        # A release the row does not name.
        ("apt", "libxml2-dev", FORKY),  # renamed libxml2-16 after trixie
        ("apt", "libxml2-dev", Release("debian", None, "sid", (13,))),
        ("apt", "libzip-dev", FORKY),
        ("apt", "libjpeg-dev", Release("debian", (7,), "wheezy")),  # before the horizon
        ("apt", "libpq-dev", Release("debian", (7,), "wheezy")),
        ("apt", "libjpeg62-turbo-dev", JAMMY),  # Debian's name
        ("apk", "openssl-dev", Release("alpine", (3, 8))),  # LibreSSL years
        ("apk", "mariadb-dev", Release("alpine", (3, 8))),  # before the horizon
        # Left out: versioned library subpackages (libressl<version>-libcrypto...), and vips
        # not checked in 3.10.
        ("apk", "libressl-dev", ALPINE_FLOATING),
        ("apk", "vips-dev", ALPINE_3_10),
        ("yum", "openssl-devel", Release("opensuse", (15, 5))),  # zypper names differ
        ("yum", "openssl-devel", None),
    ],
)
def test_runtime_of_unknown(family: str, name: str, rel: Release | None) -> None:
    assert runtime_of(family, name, rel) is None


@pytest.mark.parametrize(
    "name, rel, runtime",
    [
        # Names that changed from release to release.
        ("libicu-dev", JESSIE, ("libicu52",)),
        ("libicu-dev", STRETCH, ("libicu57",)),
        ("libicu-dev", BUSTER, ("libicu63",)),
        ("libldap2-dev", STRETCH, ("libldap-2.4-2",)),
        ("libldap2-dev", BOOKWORM, ("libldap-2.5-0",)),
        ("libxml2-dev", JESSIE, ("libxml2",)),
        ("libxml2-dev", STRETCH, ("libxml2",)),
        ("libssl-dev", JESSIE, ("libssl1.0.0",)),
        ("libssl-dev", STRETCH, ("libssl1.1",)),
        # curl's libcurl3 -> libcurl4 rename came with buster, not stretch.
        ("libcurl4-openssl-dev", JESSIE, ("libcurl3",)),
        ("libcurl4-openssl-dev", STRETCH, ("libcurl3",)),
        ("libcurl4-openssl-dev", BUSTER, ("libcurl4",)),
        ("libcurl4-openssl-dev", TRIXIE, ("libcurl4t64",)),
        ("libpng12-dev", JESSIE, ("libpng12-0",)),
        ("libpng-dev", STRETCH, ("libpng16-16",)),
        ("libzip-dev", STRETCH, ("libzip4",)),
        ("libzip-dev", TRIXIE, ("libzip5",)),
        ("libmemcached-dev", STRETCH, ("libmemcached11", "libmemcachedutil2")),
        ("libmemcached-dev", TRIXIE, ("libmemcached11t64", "libmemcachedutil2t64")),
        ("default-libmysqlclient-dev", STRETCH, ("libmariadbclient18",)),
        ("libmariadbclient-dev", BUSTER, ("libmariadb3",)),
        ("libmysqlclient-dev", JESSIE, ("libmysqlclient18",)),
        ("libsnmp-dev", BUSTER, ("libsnmp30",)),
        ("libsnmp-dev", BOOKWORM, ("libsnmp40", "libnetsnmptrapd40")),
        ("libtidy-dev", TRIXIE, ("libtidy58",)),
        ("libvpx-dev", BUSTER, ("libvpx5",)),
        ("libmagickwand-dev", TRIXIE, ("libmagickwand-7.q16-10",)),
        ("gfortran", STRETCH, ("libgfortran3",)),
        # The same name on every Debian release: known even when the release is not.
        ("libmcrypt-dev", DEBIAN_FLOATING, ("libmcrypt4",)),
        ("libmcrypt-dev", JESSIE, ("libmcrypt4",)),
        ("libxpm-dev", DEBIAN_FLOATING, ("libxpm4",)),
        ("libvorbis-dev", DEBIAN_FLOATING, ("libvorbis0a", "libvorbisenc2", "libvorbisfile3")),
        ("libgmp3-dev", BUSTER, ("libgmp10",)),
    ],
)
def test_runtime_of_per_release(name: str, rel: Release, runtime: tuple[str, ...]) -> None:
    assert runtime_of("apt", name, rel) == runtime


@pytest.mark.parametrize(
    "name, rel",
    [
        # The package did not exist in that release: the pass declines.
        ("libpng12-dev", STRETCH),  # libpng 1.2 went with jessie
        ("libpng12-dev", BOOKWORM),
        ("libmysqlclient-dev", STRETCH),  # MariaDB from stretch on, nothing provides the name
        ("libmysqlclient-dev", BUSTER),
        ("libatlas-base-dev", TRIXIE),
        ("libqt5webkit5-dev", TRIXIE),
        ("libpcre3-dev", TRIXIE),
        # Not checked for that release.
        ("libmp3lame-dev", STRETCH),
        ("libjbig-dev", STRETCH),
        # Names differ between releases: an unknown Debian release settles nothing.
        ("libicu-dev", DEBIAN_FLOATING),
        ("libcurl4-openssl-dev", DEBIAN_FLOATING),
        ("libtheora-dev", DEBIAN_FLOATING),
    ],
)
def test_runtime_of_per_release_unknown(name: str, rel: Release) -> None:
    assert runtime_of("apt", name, rel) is None


def test_runtime_of_mariadb_connector_on_alpine() -> None:
    """Alpine's MySQL client headers (mariadb-dev, which provides mysql-dev) link MariaDB
    Connector/C from 3.9 on, also when the image's Alpine release is not known."""
    for name in ("mysql-dev", "mariadb-dev", "mariadb-connector-c-dev"):
        assert runtime_of("apk", name, ALPINE_3_10) == ("mariadb-connector-c",)
        assert runtime_of("apk", name, ALPINE_FLOATING) == ("mariadb-connector-c",)
    assert runtime_of("apk", "libev-dev", ALPINE_3_10) == ("libev",)


def test_runtime_of_images() -> None:
    """Releases as images.py reads them from FROM lines."""
    assert runtime_of("apt", "libffi-dev", release("golang:1.21-bookworm")) == ("libffi8",)
    assert runtime_of("apt", "libffi-dev", release("python:3.9-bullseye")) == ("libffi7",)
    assert runtime_of("apt", "libffi-dev", release("python:3.11")) is None
    assert runtime_of("apt", "libssl-dev", release("ubuntu:22.04")) == ("libssl3",)
    assert runtime_of("apk", "openssl-dev", release("python:3.11-alpine3.16")) == ("libssl1.1",)
    assert runtime_of("apk", "libffi-dev", release("node:18-alpine")) == ("libffi",)
    assert runtime_of("yum", "postgresql-devel", release("rockylinux:9")) == ("libpq",)
    assert runtime_of("apt", "libicu-dev", release("php:7.2-fpm-stretch")) == ("libicu57",)
    assert runtime_of("apt", "libcurl4-openssl-dev", release("php:5.6-apache-jessie")) == ("libcurl3",)
    assert runtime_of("apt", "libmcrypt-dev", release("php:7.1-apache")) == ("libmcrypt4",)
    assert runtime_of("apt", "libicu-dev", release("php:7.1-apache")) is None
    assert runtime_of("apk", "mysql-dev", release("python:3.7-alpine3.10")) == ("mariadb-connector-c",)


# --- split ---------------------------------------------------------------------------------------


def test_split_packages_apt() -> None:
    kept, dropped, unknown = split_packages(
        "apt",
        ["gcc", "libpq-dev=15*", "libpq5", "curl", "libffi-dev", "libfoo-dev", "build-essential", "libjpeg-dev", "libc6-dev"],
        BOOKWORM,
    )
    assert kept == ["libpq5", "curl", "libffi8", "libjpeg62-turbo"]
    assert dropped == ["gcc", "libpq-dev=15*", "libffi-dev", "build-essential", "libjpeg-dev", "libc6-dev"]
    assert unknown == ["libfoo-dev"]


def test_split_packages_keeps_pins_and_order() -> None:
    kept, dropped, unknown = split_packages("apt", ["libpq5=15*", "git=1:2.39.2-1.1", "libpq-dev", "git"], BOOKWORM)
    assert kept == ["libpq5=15*", "git=1:2.39.2-1.1"]
    assert dropped == ["libpq-dev"]
    assert unknown == []


def test_split_packages_release_unknown() -> None:
    kept, dropped, unknown = split_packages("apt", ["gcc", "libpq-dev", "libssl-dev"], DEBIAN_FLOATING)
    assert (kept, dropped, unknown) == (["libpq5"], ["gcc", "libpq-dev"], ["libssl-dev"])


def test_split_packages_apk() -> None:
    kept, dropped, unknown = split_packages(
        "apk", [".build-deps", "gcc", "musl-dev", "postgresql-dev", "libffi-dev>=3", "openssl-dev", "tini"], ALPINE_3_19
    )
    assert kept == ["libgcc", "libpq", "libffi", "libssl3", "tini"]
    assert dropped == [".build-deps", "gcc", "musl-dev", "postgresql-dev", "libffi-dev>=3", "openssl-dev"]
    assert unknown == []


def test_split_packages_yum() -> None:
    kept, dropped, unknown = split_packages("yum", ["gcc", "gcc-c++", "make", "python3-devel", "postgresql-devel", "git"], CENTOS_7)
    assert (kept, dropped, unknown) == (["libstdc++", "postgresql-libs", "git"], ["gcc", "gcc-c++", "make", "python3-devel", "postgresql-devel"], [])


# --- the table itself ----------------------------------------------------------------------------


def test_every_row_parses_and_names_a_build_only_package() -> None:
    for (family, name), rows in RUNTIME.items():
        assert is_build_only(family, name), (family, name)
        assert rows, (family, name)
        for key, packages in rows.items():
            for part in key.split(","):
                parse_selector(part)
            assert all(not is_build_only(family, p) for p in packages), (family, name, packages)
    for family, pattern, rows in RUNTIME_PATTERNS:
        assert family in BUILD_ONLY and rows, pattern


@pytest.mark.parametrize(
    "text, selector",
    [
        ("*", Selector(None)),
        ("debian", Selector(frozenset({"debian"}))),
        ("bookworm", Selector(frozenset({"debian"}), (12,), (12,))),
        ("jammy", Selector(frozenset({"ubuntu"}), (22, 4), (22, 4))),
        ("alpine 3.17+", Selector(frozenset({"alpine"}), (3, 17))),
        ("alpine 3.9-3.16", Selector(frozenset({"alpine"}), (3, 9), (3, 16))),
        ("el 8+", Selector(frozenset({"centos", "rhel"}), (8,))),
    ],
)
def test_parse_selector(text: str, selector: Selector) -> None:
    assert parse_selector(text) == selector


@pytest.mark.parametrize("text", ["", "bookwrm", "alpine 3.16-3.9", "alpine3.17", "alpine 3.x"])
def test_parse_selector_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_selector(text)


# --- full images ---------------------------------------------------------------------------------


def test_full_image_programs() -> None:
    assert FULL_IMAGE_PROGRAMS["curl"] == "curl"
    assert FULL_IMAGE_PROGRAMS["wget"] == "wget"
    assert FULL_IMAGE_PROGRAMS["git"] == "git"
    assert FULL_IMAGE_PROGRAMS["ssh"] == "openssh-client"
    assert FULL_IMAGE_PROGRAMS["ps"] == "procps"
    assert FULL_IMAGE_PROGRAMS["make"] == "make"
    assert FULL_IMAGE_PROGRAMS["cc"] == "gcc"
    assert FULL_IMAGE_PROGRAMS["xz"] == "xz-utils"
    assert FULL_IMAGE_PROGRAMS["convert"] == "imagemagick"
    assert "python3" not in FULL_IMAGE_PROGRAMS
    python = full_image_programs("python")
    golang = full_image_programs("golang")
    assert python is not None and golang is not None
    assert python["curl"] == "curl" and python["convert"] == "imagemagick"
    # golang builds on buildpack-deps' scm layer: git and gcc, no imagemagick or autoconf.
    assert golang["git"] == "git" and golang["gcc"] == "gcc" and golang["pkg-config"] == "pkg-config"
    assert "convert" not in golang and "autoconf" not in golang
    assert full_image_programs("php") is None


def test_full_image_packages_and_libraries() -> None:
    assert {"libpq-dev", "default-libmysqlclient-dev", "libxml2-dev", "libjpeg-dev", "libssl-dev", "libffi-dev", "libyaml-dev", "libsqlite3-dev", "zlib1g-dev", "libcurl4-openssl-dev"} <= FULL_IMAGE_LIBRARIES
    assert {"tk-dev", "uuid-dev", "libbluetooth-dev"} <= FULL_IMAGE_LIBRARIES  # the python image's
    assert "dpkg-dev" not in FULL_IMAGE_LIBRARIES  # a tool
    python = full_image_packages("python")
    golang = full_image_packages("golang")
    assert python is not None and golang is not None
    assert {"curl", "git", "procps", "gcc", "libpq-dev", "tk-dev", "dirmngr", "openssl"} <= python
    assert {"curl", "git", "gcc", "libc6-dev", "binutils"} <= golang
    assert "libpq-dev" not in golang
    assert set(BUILDPACK_DEPS["curl"]) <= golang


def test_full_image_libraries_are_known_on_bookworm() -> None:
    """What a program built in python:3.x-bookworm may link, split-stages can install in
    python:3.x-slim-bookworm."""
    assert {name: runtime_of("apt", name, BOOKWORM) for name in FULL_IMAGE_LIBRARIES if runtime_of("apt", name, BOOKWORM) is None} == {}
