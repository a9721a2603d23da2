"""OS packages as data: which packages a RUN installs only to build, what a header package's
library needs at run time, and what the full official language images carry that their -slim
variants lack.

Why: split-stages moves a build into a builder stage on the full (toolchain) image and keeps a
runtime stage on a slim image. The runtime stage must not install compilers and headers, but
it must install the libraries the built code links against (``libpq-dev`` builds, ``libpq5``
runs), and it must not lose a program the final command runs (``HEALTHCHECK CMD curl ...``).

Package families: ``apt`` (Debian, Ubuntu), ``apk`` (Alpine), ``yum`` (rpm names as yum, dnf,
microdnf and tdnf take them; zypper's openSUSE names share the header suffix but not the
library names, so no runtime row answers for openSUSE).

Every runtime row names the releases it holds on; a release it does not name gets None, never
a guess, and the pass then declines naming the package. Sources: Debian's package pages
(packages.debian.org/<codename>/<package>: the ``Depends`` of each ``-dev`` package), Ubuntu's
(packages.ubuntu.com), Alpine's (pkgs.alpinelinux.org and the aports ``APKBUILD`` subpackages),
and the RHEL/Fedora package sets. Every apt answer for bullseye, bookworm and trixie was
checked against those releases' package indexes (deb.debian.org, main): each runtime package
is a package of the release and in the ``Depends`` closure of its header package. Archived
releases (jessie, stretch, buster) have no reachable index: their rows name the source they
were checked against, and a release no source confirms is left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase

from .images import DEBIAN_CODENAMES, UBUNTU_CODENAMES, Release, Version

#: The package families this module answers for.
FAMILIES = ("apt", "apk", "yum")

#: Package-manager programs (``managers.MANAGERS``) -> the family of names they take.
MANAGER_FAMILY: dict[str, str] = {
    "apt-get": "apt", "apt": "apt", "aptitude": "apt",
    "apk": "apk",
    "yum": "yum", "dnf": "yum", "dnf5": "yum", "microdnf": "yum", "tdnf": "yum", "zypper": "yum",
}


def _check_family(family: str) -> None:
    if family not in FAMILIES:
        raise ValueError(f"unknown package family {family!r} (one of {', '.join(FAMILIES)})")


# --- names ---------------------------------------------------------------------------------------

#: apt: ``name[:arch][=version]`` or ``name/release``; the brief's ``name~=12`` too.
_APT_NAME = re.compile(r"[^=:/<>~!]+")
#: apk: ``name[@tag][=|>=|<=|>|<|~version]``.
_APK_NAME = re.compile(r"[^=<>~@]+")
#: rpm architecture suffixes (``gcc.x86_64``).
_RPM_ARCHES = ("x86_64", "noarch", "i686", "i386", "aarch64", "ppc64le", "s390x", "armv7hl", "src")
#: rpm ``name-[epoch:]version[-release]``: the version part is read as a pin only when it has a
#: dot, an epoch or a release (``gcc-4.8.5``, ``gcc-4.8.5-44.el7``), so that names ending in a
#: number stay whole (``gcc-toolset-12``, ``devtoolset-8``).
_RPM_NEVR = re.compile(r"(?P<name>.+?)-(?P<epoch>\d+:)?(?P<version>\d[^-]*)(?:-(?P<release>\d[^-]*))?")


def package_name(family: str, spec: str) -> str:
    """The package a command-line word names, without its version pin, architecture or
    repository: ``gcc=4:12.2.0-3`` -> ``gcc``, ``libpq-dev=15*`` -> ``libpq-dev``,
    ``libssl-dev:amd64`` -> ``libssl-dev``, apk ``gcc>=12`` -> ``gcc``, ``curl@edge`` -> ``curl``,
    rpm ``gcc-4.8.5-44.el7.x86_64`` -> ``gcc``."""
    _check_family(family)
    spec = spec.strip()
    if family == "apt":
        match = _APT_NAME.match(spec)
        return match.group() if match else spec
    if family == "apk":
        match = _APK_NAME.match(spec)
        return match.group() if match else spec
    head, dot, arch = spec.rpartition(".")
    if dot and arch in _RPM_ARCHES:
        spec = head
    nevr = _RPM_NEVR.fullmatch(spec)
    if nevr and ("." in nevr["version"] or nevr["epoch"] or nevr["release"]):
        return nevr["name"]
    return spec


# --- build-only packages -------------------------------------------------------------------------

#: Packages that serve only to build: compilers, linkers, build systems, code generators,
#: language toolchains whose output is a binary or a package. ``git``, ``curl``, ``wget``... are
#: not here: programs run them at run time (see FETCH_TOOLS). A CMD that runs a build tool
#: itself (``go run``, ``mvn spring-boot:run``, ``cargo run``) is the pass's to check.
BUILD_ONLY: dict[str, frozenset[str]] = {
    # Debian/Ubuntu package names (packages.debian.org).
    "apt": frozenset({
        "build-essential", "gcc", "g++", "cpp", "clang", "llvm", "lld", "gfortran", "binutils",
        "make", "cmake", "ninja-build", "meson", "scons", "autoconf", "automake", "autoconf-archive",
        "autopoint", "autotools-dev", "libtool", "libtool-bin", "pkg-config", "pkgconf", "m4",
        "bison", "byacc", "flex", "re2c", "gperf", "swig", "nasm", "yasm", "patch", "ccache",
        "texinfo", "dpkg-dev", "manpages-dev", "debhelper", "devscripts", "fakeroot",
        "golang", "golang-go", "rustc", "cargo", "maven", "gradle", "ant",
    }),
    # Alpine package names (pkgs.alpinelinux.org): build-base is gcc, g++, make, libc-dev,
    # binutils, fortify-headers, patch; alpine-sdk is build-base, abuild, git... (git itself is
    # listed with the fetch tools, but alpine-sdk as a whole serves to build).
    "apk": frozenset({
        "build-base", "alpine-sdk", "abuild", "gcc", "g++", "clang", "llvm", "lld", "gfortran",
        "binutils", "fortify-headers", "musl-dev", "libc-dev", "linux-headers", "make", "cmake",
        "samurai", "ninja", "meson", "scons", "autoconf", "automake", "libtool", "pkgconf",
        "pkgconfig", "m4", "bison", "flex", "re2c", "gperf", "swig", "nasm", "yasm", "patch",
        "ccache", "texinfo", "go", "rust", "cargo", "maven", "gradle", "apache-ant",
    }),
    # RHEL/CentOS/Fedora/Amazon Linux package names; group names as ``yum groupinstall`` and
    # ``dnf install @...`` take them (compared in lower case).
    "yum": frozenset({
        "gcc", "gcc-c++", "gcc-gfortran", "cpp", "clang", "llvm", "lld", "binutils", "make",
        "cmake", "cmake3", "ninja-build", "meson", "scons", "autoconf", "automake", "libtool",
        "pkgconfig", "pkgconf", "pkgconf-pkg-config", "m4", "bison", "flex", "re2c", "gperf",
        "swig", "nasm", "yasm", "patch", "ccache", "texinfo", "rpm-build", "redhat-rpm-config",
        "glibc-headers", "kernel-headers", "golang", "rust", "cargo", "maven", "ant",
        "@development-tools", "@development", "development tools", "@c-development",
    }),
}

#: Versioned toolchain names (``gcc-12``, ``clang-16``, ``gcc-toolset-13``), as globs.
BUILD_ONLY_PATTERNS: dict[str, tuple[str, ...]] = {
    "apt": ("gcc-[0-9]*", "g++-[0-9]*", "cpp-[0-9]*", "gfortran-[0-9]*", "clang-[0-9]*",
            "llvm-[0-9]*", "lld-[0-9]*", "golang-[0-9]*", "rustc-[0-9]*", "cargo-[0-9]*",
            "linux-headers-*", "gcc-*-multilib", "g++-*-multilib"),
    "apk": ("gcc[0-9]*", "g++[0-9]*", "clang[0-9]*", "llvm[0-9]*", "lld[0-9]*", "go[0-9]*"),
    "yum": ("devtoolset-[0-9]*", "gcc-toolset-[0-9]*", "llvm-toolset*", "go-toolset*", "rust-toolset*"),
}

#: The suffixes of header (development) packages: ``libpq-dev``, ``libmariadb-dev-compat``,
#: ``openssl-dev``, ``openssl-devel``.
HEADER_SUFFIXES: dict[str, tuple[str, ...]] = {"apt": ("-dev", "-dev-compat"), "apk": ("-dev",), "yum": ("-devel",)}

#: Words of an apk ``--virtual`` name (by convention it starts with a dot) that mark a group
#: installed to build and deleted after (``.build-deps``, ``.phpize-deps``, ``.fetch-deps``,
#: ``.gyp``), and words that mark one kept for run time (``.python-rundeps``,
#: ``.persistent-deps``): the docker-library images use both.
BUILD_VIRTUAL_WORDS = frozenset({"build", "builddeps", "fetch", "fetchdeps", "phpize", "gyp", "compile", "tmp", "temp", "dev", "devdeps", "buildtime"})
RUN_VIRTUAL_WORDS = frozenset({"run", "rundeps", "runtime", "persistent", "runtimedeps", "keep"})


def is_header(family: str, name: str) -> bool:
    """A header (development) package: ``-dev`` (apt, apk) or ``-devel`` (rpm), apart from the
    tools of BUILD_ONLY whose names end so (``dpkg-dev``, ``manpages-dev``)."""
    _check_family(family)
    bare = package_name(family, name)
    return bare.endswith(HEADER_SUFFIXES[family]) and bare not in BUILD_ONLY[family]


def is_build_virtual(name: str) -> bool:
    """An apk ``--virtual`` group name that, by its words, serves only to build."""
    if not name.startswith(".") or len(name) < 2:
        return False
    words = {w for w in re.split(r"[-_.]+", name.lower()) if w}
    joined = {name[1:].lower().replace("-", "").replace("_", "")}
    if words & RUN_VIRTUAL_WORDS or any(w.startswith("run") for w in words):
        return False
    return bool((words | joined) & BUILD_VIRTUAL_WORDS) or any(w.startswith("build") for w in words)


def is_build_only(family: str, name: str) -> bool:
    """Whether the package serves only to build (version pins ignored): a toolchain, a header
    package, or an apk build group (``.build-deps``)."""
    _check_family(family)
    bare = package_name(family, name)
    key = bare.lower() if family == "yum" else bare
    if key in BUILD_ONLY[family] or bare.endswith(HEADER_SUFFIXES[family]):
        return True
    if any(fnmatchcase(bare, pattern) for pattern in BUILD_ONLY_PATTERNS[family]):
        return True
    return family == "apk" and is_build_virtual(bare)


# --- fetch tools ---------------------------------------------------------------------------------

#: Packages a build uses to fetch sources and keys, which a program may also run at run time:
#: package -> the programs it provides. The pass may drop one from the runtime stage only when
#: no CMD, ENTRYPOINT, HEALTHCHECK or runtime script runs any of its programs.
#: ``ca-certificates`` has no program: every TLS client reads it, so nothing shows its use and a
#: pass keeps it unless it knows the program makes no TLS connection.
FETCH_TOOLS: dict[str, dict[str, tuple[str, ...]]] = {
    "apt": {
        "curl": ("curl",),
        "wget": ("wget",),
        "git": ("git",),
        "git-lfs": ("git-lfs",),
        "mercurial": ("hg",),
        "subversion": ("svn", "svnadmin", "svnversion"),
        "openssh-client": ("ssh", "scp", "sftp", "ssh-keygen", "ssh-keyscan", "ssh-add", "ssh-agent"),
        "ca-certificates": (),
        "gnupg": ("gpg", "gpg-agent", "gpgconf", "gpgsm"),
        "gnupg2": ("gpg", "gpg2", "gpg-agent", "gpgconf"),
        "gpg": ("gpg",),
        "gpg-agent": ("gpg-agent",),
        "dirmngr": ("dirmngr",),
        "sq": ("sq",),
        "unzip": ("unzip", "zipinfo", "funzip"),
        "xz-utils": ("xz", "unxz", "xzcat", "lzma", "unlzma"),
        "bzip2": ("bzip2", "bunzip2", "bzcat"),
        "zstd": ("zstd", "unzstd", "zstdcat"),
        "apt-transport-https": (),
        "software-properties-common": ("add-apt-repository",),
        "lsb-release": ("lsb_release",),
    },
    "apk": {
        "curl": ("curl",),
        "wget": ("wget",),
        "git": ("git",),
        "git-lfs": ("git-lfs",),
        "mercurial": ("hg",),
        "subversion": ("svn",),
        "openssh-client": ("ssh", "scp", "sftp", "ssh-keygen", "ssh-keyscan", "ssh-add", "ssh-agent"),
        "ca-certificates": (),
        "gnupg": ("gpg", "gpg-agent", "gpgconf"),
        "unzip": ("unzip",),
        "xz": ("xz", "unxz", "xzcat"),
        "bzip2": ("bzip2", "bunzip2", "bzcat"),
        "zstd": ("zstd", "unzstd", "zstdcat"),
        "tar": ("tar",),
    },
    "yum": {
        "curl": ("curl",),
        "wget": ("wget",),
        "git": ("git",),
        "git-lfs": ("git-lfs",),
        "mercurial": ("hg",),
        "subversion": ("svn",),
        "openssh-clients": ("ssh", "scp", "sftp", "ssh-keygen", "ssh-keyscan", "ssh-add", "ssh-agent"),
        "ca-certificates": (),
        "gnupg2": ("gpg", "gpg2", "gpg-agent", "gpgconf"),
        "unzip": ("unzip",),
        "xz": ("xz", "unxz", "xzcat"),
        "bzip2": ("bzip2", "bunzip2", "bzcat"),
        "zstd": ("zstd", "unzstd", "zstdcat"),
        "tar": ("tar",),
    },
}


def is_fetch_tool(family: str, name: str) -> bool:
    """A package of FETCH_TOOLS (version pins ignored)."""
    _check_family(family)
    return package_name(family, name) in FETCH_TOOLS[family]


# --- releases a runtime row names ----------------------------------------------------------------

#: Release families a selector may name besides the ones of ``Release.family``: ``el`` is
#: CentOS and RHEL (with its rebuilds, which ``Release`` calls rhel); ``redhat`` adds Fedora and
#: Amazon Linux, whose library package names are the same as RHEL's where a row uses it.
FAMILY_ALIASES: dict[str, frozenset[str]] = {
    "el": frozenset({"centos", "rhel"}),
    "redhat": frozenset({"centos", "rhel", "fedora", "amazonlinux"}),
}

#: The oldest release the tables answer for. A release known to be older gets None from every
#: row. A release whose version is not known (``python:3.11`` floats) is taken to be at or after
#: it: every official language image of the last decade is (Debian jessie, Ubuntu 14.04,
#: Alpine 3.9, CentOS 7). Rows that name a family alone (``debian``, ``*``) hold on every release
#: from here on, to date; any other row names its releases.
HORIZON: dict[str, Version] = {
    "debian": (8,),
    "ubuntu": (14, 4),
    "alpine": (3, 9),
    "centos": (7,),
    "rhel": (7,),
    "fedora": (30,),
    "amazonlinux": (2,),
}


@dataclass(frozen=True)
class Selector:
    """Releases a runtime row holds on, parsed from its key: ``*`` (every release of every
    family), ``debian`` (a family, or an alias of FAMILY_ALIASES), ``bookworm`` / ``jammy`` (a
    Debian or Ubuntu codename), ``alpine 3.17`` (one version), ``alpine 3.17+`` (from a version
    on), ``alpine 3.9-3.16`` (a range, both ends included)."""

    families: frozenset[str] | None
    first: Version | None = None
    last: Version | None = None

    def matches(self, release: Release) -> bool:
        family = release.family
        if self.families is None:
            return family is None or _within_horizon(release)
        if family not in self.families or not _within_horizon(release):
            return False
        if self.first is None and self.last is None:
            return True
        version = release.version
        if version is None:
            # Only a lower bound is known at best: it settles an open-ended row alone.
            return self.last is None and self.first is not None and release.at_least is not None and _cut(release.at_least, self.first) >= self.first
        if self.first is not None and _cut(version, self.first) < self.first:
            return False
        return self.last is None or _cut(version, self.last) <= self.last


def _cut(version: Version, like: Version) -> Version:
    """``version`` compared at the precision of ``like``: (3, 17, 2) against (3, 17) is (3, 17);
    missing parts count as 0."""
    return tuple(version[:len(like)]) + (0,) * (len(like) - len(version))


def _within_horizon(release: Release) -> bool:
    horizon = HORIZON.get(release.family or "")
    if horizon is None or release.version is None:
        return True
    return _cut(release.version, horizon) >= horizon


_CODENAMES: dict[str, tuple[str, Version]] = {
    **{name: ("debian", version) for name, version in DEBIAN_CODENAMES.items()},
    **{name: ("ubuntu", version) for name, version in UBUNTU_CODENAMES.items()},
}
_SELECTOR = re.compile(r"(?P<family>[a-z]+)(?: (?P<first>\d+(?:\.\d+)*)(?:(?P<plus>\+)|-(?P<last>\d+(?:\.\d+)*))?)?")
_KNOWN_FAMILIES = frozenset(HORIZON) | frozenset(FAMILY_ALIASES)


def _version(text: str) -> Version:
    return tuple(int(part) for part in text.split("."))


def parse_selector(text: str) -> Selector:
    """The releases one selector names (see Selector); ValueError when it is not one."""
    text = text.strip()
    if text == "*":
        return Selector(None)
    if text in _CODENAMES:
        family, version = _CODENAMES[text]
        return Selector(frozenset({family}), version, version)
    match = _SELECTOR.fullmatch(text)
    if not match or match["family"] not in _KNOWN_FAMILIES:
        raise ValueError(f"not a release selector: {text!r}")
    families = FAMILY_ALIASES.get(match["family"], frozenset({match["family"]}))
    if match["first"] is None:
        return Selector(families)
    first = _version(match["first"])
    if match["plus"]:
        return Selector(families, first)
    last = _version(match["last"]) if match["last"] else first
    if last < first:
        raise ValueError(f"empty release range: {text!r}")
    return Selector(families, first, last)


# --- runtime packages of header packages ---------------------------------------------------------

#: Release selectors (comma-separated, see Selector) -> runtime packages.
Rows = dict[str, tuple[str, ...]]

#: (family, header package) -> the packages its library needs at run time, per release; ``()``
#: where the library is part of every base image (libc, the kernel headers). The first row that
#: names the release answers. A package with no row, or no row for the release, is not known.
RUNTIME: dict[tuple[str, str], Rows] = {
    # ---- apt: Debian (packages.debian.org/<codename>/<name>-dev, "Depends") and Ubuntu
    # (packages.ubuntu.com). Codenames: jessie 8, stretch 9, buster 10, bullseye 11, bookworm
    # 12, trixie 13; bionic 18.04, focal 20.04, jammy 22.04, noble 24.04. Trixie and noble
    # renamed the libraries whose ABI has a time_t ("t64": libssl3t64, libcurl4t64...).
    # Jessie and stretch names (archived, no index reachable): from the binary package lists
    # of their security advisories (DSA/DLA, "+deb8u"/"+deb9u" versions) where one names the
    # library, else from the .deb file names of that release's pool; a release no such source
    # confirms is left out.
    # Part of every base image.
    ("apt", "libc6-dev"): {"*": ()},
    ("apt", "libc-dev"): {"*": ()},
    ("apt", "linux-libc-dev"): {"*": ()},
    ("apt", "libcrypt-dev"): {"*": ()},  # libcrypt1: a dependency of libc6 since bullseye, of login before
    ("apt", "libselinux1-dev"): {"*": ("libselinux1",)},
    ("apt", "libsystemd-dev"): {"*": ("libsystemd0",)},
    ("apt", "libudev-dev"): {"*": ("libudev1",)},
    # Names that never changed (jessie/trusty on).
    ("apt", "libpq-dev"): {"*": ("libpq5",)},
    ("apt", "zlib1g-dev"): {"*": ("zlib1g",)},
    # A virtual package that zlib1g-dev alone provides (packages.debian.org/buster/libz-dev,
    # bullseye to trixie indexes, packages.ubuntu.com).
    ("apt", "libz-dev"): {"buster, bullseye, bookworm, trixie, jammy, noble": ("zlib1g",)},
    ("apt", "libsqlite3-dev"): {"*": ("libsqlite3-0",)},
    ("apt", "libyaml-dev"): {"*": ("libyaml-0-2",)},
    ("apt", "libfreetype6-dev"): {"*": ("libfreetype6",)},
    ("apt", "libfreetype-dev"): {"*": ("libfreetype6",)},
    ("apt", "libsasl2-dev"): {"*": ("libsasl2-2",)},
    ("apt", "libgmp-dev"): {"*": ("libgmp10",)},
    ("apt", "libbz2-dev"): {"*": ("libbz2-1.0",)},
    ("apt", "liblzma-dev"): {"*": ("liblzma5",)},
    ("apt", "uuid-dev"): {"*": ("libuuid1",)},
    ("apt", "libexpat1-dev"): {"*": ("libexpat1",)},
    ("apt", "liblcms2-dev"): {"*": ("liblcms2-2",)},
    ("apt", "libxslt1-dev"): {"*": ("libxslt1.1",)},  # libxslt1.1 holds libxslt and libexslt
    ("apt", "libxslt-dev"): {"*": ("libxslt1.1",)},  # provided by libxslt1-dev
    ("apt", "libkrb5-dev"): {"*": ("libkrb5-3", "libgssapi-krb5-2")},
    ("apt", "libbluetooth-dev"): {"*": ("libbluetooth3",)},
    ("apt", "libfontconfig1-dev"): {"*": ("libfontconfig1",)},
    ("apt", "libfontconfig-dev"): {"*": ("libfontconfig1",)},
    ("apt", "libharfbuzz-dev"): {"*": ("libharfbuzz0b",)},
    ("apt", "libfribidi-dev"): {"*": ("libfribidi0",)},
    ("apt", "libcairo2-dev"): {"*": ("libcairo2",)},
    ("apt", "libgd-dev"): {"*": ("libgd3",)},
    ("apt", "libx11-dev"): {"*": ("libx11-6",)},
    ("apt", "libxext-dev"): {"*": ("libxext6",)},
    ("apt", "libxrender-dev"): {"*": ("libxrender1",)},
    ("apt", "libxcb1-dev"): {"*": ("libxcb1",)},
    ("apt", "libnss3-dev"): {"*": ("libnss3",)},
    ("apt", "libgcrypt20-dev"): {"*": ("libgcrypt20",)},
    ("apt", "libgpg-error-dev"): {"*": ("libgpg-error0",)},
    ("apt", "libcap-dev"): {"*": ("libcap2",)},
    ("apt", "libacl1-dev"): {"*": ("libacl1",)},
    ("apt", "libattr1-dev"): {"*": ("libattr1",)},
    ("apt", "libedit-dev"): {"*": ("libedit2",)},
    ("apt", "libusb-1.0-0-dev"): {"*": ("libusb-1.0-0",)},
    ("apt", "liblapack-dev"): {"*": ("liblapack3",)},
    ("apt", "libblas-dev"): {"*": ("libblas3",)},
    ("apt", "librdkafka-dev"): {"*": ("librdkafka1",)},
    ("apt", "freetds-dev"): {"*": ("libsybdb5",)},  # pymssql links libsybdb
    # libjpeg: Debian ships libjpeg-turbo as libjpeg62-turbo (jessie on), Ubuntu as
    # libjpeg-turbo8 (libjpeg.so.8; trusty on).
    ("apt", "libjpeg-dev"): {"debian": ("libjpeg62-turbo",), "ubuntu": ("libjpeg-turbo8",)},
    ("apt", "libjpeg62-turbo-dev"): {"debian": ("libjpeg62-turbo",)},
    ("apt", "libjpeg8-dev"): {"ubuntu": ("libjpeg-turbo8",)},
    ("apt", "libjpeg-turbo8-dev"): {"ubuntu": ("libjpeg-turbo8",)},
    # Names that depend on the release.
    ("apt", "libxml2-dev"): {
        # sid (after trixie) renamed it libxml2-16 with libxml2 2.14. Jessie, stretch: DSA lists.
        "jessie, stretch, buster, bullseye, bookworm, trixie, bionic, focal, jammy, noble": ("libxml2",),
    },
    ("apt", "default-libmysqlclient-dev"): {
        # Debian: -> libmariadb-dev-compat -> libmariadb-dev -> libmariadb3 (buster on; stretch:
        # -> libmariadbclient-dev-compat, MariaDB 10.1's libmariadbclient18, both in stretch's
        # DSA lists). Ubuntu: -> libmysqlclient-dev (MySQL 5.7 in bionic, 8.0 after).
        "stretch": ("libmariadbclient18",),
        "buster, bullseye, bookworm, trixie": ("libmariadb3",),
        "bionic": ("libmysqlclient20",),
        "focal, jammy, noble": ("libmysqlclient21",),
    },
    ("apt", "libmariadb-dev"): {"buster, bullseye, bookworm, trixie, focal, jammy, noble": ("libmariadb3",)},
    ("apt", "libmariadb-dev-compat"): {"buster, bullseye, bookworm, trixie, focal, jammy, noble": ("libmariadb3",)},
    # MariaDB 10.1 (stretch): libmariadbclient18; buster's libmariadbclient-dev is transitional
    # (-> libmariadb-dev); bullseye dropped it.
    ("apt", "libmariadbclient-dev"): {"stretch": ("libmariadbclient18",), "buster": ("libmariadb3",)},
    # Jessie: MySQL 5.5 (DSA lists). Stretch on, Debian has no libmysqlclient-dev (nor a
    # package providing it): no row.
    ("apt", "libmysqlclient-dev"): {
        "jessie": ("libmysqlclient18",),
        "bionic": ("libmysqlclient20",),
        "focal, jammy, noble": ("libmysqlclient21",),
    },
    ("apt", "libffi-dev"): {
        "buster, bionic": ("libffi6",),
        "bullseye, focal": ("libffi7",),
        "bookworm, trixie, jammy, noble": ("libffi8",),
    },
    ("apt", "libssl-dev"): {  # jessie, stretch: DSA lists
        "jessie": ("libssl1.0.0",),
        "stretch, buster, bullseye, bionic, focal": ("libssl1.1",),
        "bookworm, jammy": ("libssl3",),
        "trixie, noble": ("libssl3t64",),
    },
    ("apt", "libpng-dev"): {  # stretch: libpng1.6 1.6.28 (its pool's libpng16-16_1.6.28-1 .debs)
        "stretch, buster, bullseye, bookworm, bionic, focal, jammy": ("libpng16-16",),
        "trixie, noble": ("libpng16-16t64",),
    },
    # curl renamed libcurl3 to libcurl4 in 7.58 (buster): stretch (7.52) still has libcurl3
    # and no libcurl4 (DSA lists of jessie and stretch).
    ("apt", "libcurl4-openssl-dev"): {
        "jessie, stretch": ("libcurl3",),
        "buster, bullseye, bookworm, bionic, focal, jammy": ("libcurl4",),
        "trixie, noble": ("libcurl4t64",),
    },
    ("apt", "libcurl4-gnutls-dev"): {
        "jessie, stretch, buster, bullseye, bookworm, bionic, focal, jammy": ("libcurl3-gnutls",),
        "trixie, noble": ("libcurl3t64-gnutls",),
    },
    ("apt", "libgeos-dev"): {
        "buster, bullseye, bookworm, bionic, focal, jammy": ("libgeos-c1v5",),
        "trixie, noble": ("libgeos-c1t64",),
    },
    ("apt", "libmagic-dev"): {
        "buster, bullseye, bookworm, bionic, focal, jammy": ("libmagic1",),
        "trixie, noble": ("libmagic1t64",),
    },
    ("apt", "libldap2-dev"): {  # bookworm: provided by libldap-dev; jessie, stretch: DSA lists
        "jessie, stretch, buster, bullseye, bionic, focal": ("libldap-2.4-2",),
        "bookworm, jammy": ("libldap-2.5-0",),
        "trixie, noble": ("libldap2",),
    },
    ("apt", "libldap-dev"): {
        "bookworm, jammy": ("libldap-2.5-0",),
        "trixie, noble": ("libldap2",),
    },
    ("apt", "libzip-dev"): {  # stretch: libzip 1.1 (libzip4 beside stretch's libsodium18, libcurl3)
        "stretch, buster, bullseye, bookworm": ("libzip4",),
        "trixie": ("libzip5",),
    },
    ("apt", "libicu-dev"): {  # jessie, stretch: DSA lists
        "jessie": ("libicu52",),
        "stretch": ("libicu57",),
        "buster": ("libicu63",),
        "bullseye": ("libicu67",),
        "bookworm": ("libicu72",),
        "trixie": ("libicu76",),
        "bionic": ("libicu60",),
        "focal": ("libicu66",),
        "jammy": ("libicu70",),
        "noble": ("libicu74",),
    },
    ("apt", "libonig-dev"): {
        "buster, bullseye, bookworm, trixie, focal, jammy, noble": ("libonig5",),
        "stretch, bionic": ("libonig4",),  # stretch: DSA lists
    },
    ("apt", "libwebp-dev"): {  # Pillow links libwebp, libwebpmux and libwebpdemux
        "stretch": ("libwebp6", "libwebpmux2", "libwebpdemux2"),  # webp 0.5 (DSA lists)
        "buster, bullseye, bionic, focal": ("libwebp6", "libwebpmux3", "libwebpdemux2"),
        "bookworm, trixie, jammy, noble": ("libwebp7", "libwebpmux3", "libwebpdemux2"),
    },
    ("apt", "libreadline-dev"): {
        "buster, bionic": ("libreadline7",),
        "bullseye, bookworm, focal, jammy": ("libreadline8",),
        "trixie, noble": ("libreadline8t64",),
    },
    ("apt", "libncurses-dev"): {"buster, bullseye, bookworm, trixie, focal, jammy, noble": ("libncurses6", "libncursesw6", "libtinfo6")},
    ("apt", "libncurses5-dev"): {"buster, bullseye, bookworm, trixie, focal, jammy, noble": ("libncurses6", "libncursesw6", "libtinfo6")},
    ("apt", "libncursesw5-dev"): {"buster, bullseye, bookworm, trixie, focal, jammy, noble": ("libncursesw6", "libtinfo6")},
    ("apt", "libgdbm-dev"): {
        "buster, bullseye, bookworm, focal, jammy": ("libgdbm6",),
        "trixie, noble": ("libgdbm6t64",),
        "bionic": ("libgdbm5",),
    },
    ("apt", "libgdbm-compat-dev"): {
        "buster, bullseye, bookworm, focal, jammy": ("libgdbm-compat4",),
        "trixie, noble": ("libgdbm-compat4t64",),
    },
    ("apt", "libdb-dev"): {"buster, bullseye, bookworm": ("libdb5.3",), "trixie": ("libdb5.3t64",)},
    ("apt", "libevent-dev"): {
        "buster": ("libevent-2.1-6", "libevent-core-2.1-6", "libevent-extra-2.1-6", "libevent-openssl-2.1-6", "libevent-pthreads-2.1-6"),
        "bullseye, bookworm": ("libevent-2.1-7", "libevent-core-2.1-7", "libevent-extra-2.1-7", "libevent-openssl-2.1-7", "libevent-pthreads-2.1-7"),
        "trixie": ("libevent-2.1-7t64", "libevent-core-2.1-7t64", "libevent-extra-2.1-7t64", "libevent-openssl-2.1-7t64", "libevent-pthreads-2.1-7t64"),
    },
    ("apt", "libsodium-dev"): {"buster, bullseye, bookworm, trixie, bionic, focal, jammy, noble": ("libsodium23",)},
    ("apt", "libzstd-dev"): {"buster, bullseye, bookworm, trixie, bionic, focal, jammy, noble": ("libzstd1",)},
    ("apt", "libtiff-dev"): {"buster, bullseye, focal, jammy": ("libtiff5",), "bookworm, trixie, noble": ("libtiff6",)},
    ("apt", "libtiff5-dev"): {"stretch, buster, bullseye, focal, jammy": ("libtiff5",), "bookworm": ("libtiff6",)},
    ("apt", "libopenjp2-7-dev"): {"stretch, buster, bullseye, bookworm, trixie, bionic, focal, jammy, noble": ("libopenjp2-7",)},
    ("apt", "libturbojpeg0-dev"): {"buster, bullseye, bookworm, trixie, focal, jammy, noble": ("libturbojpeg0",)},
    ("apt", "libmaxminddb-dev"): {"buster, bullseye, bookworm, trixie, bionic, focal, jammy, noble": ("libmaxminddb0",)},
    ("apt", "libbrotli-dev"): {"buster, bullseye, bookworm, trixie, bionic, focal, jammy, noble": ("libbrotli1",)},
    ("apt", "libnghttp2-dev"): {"buster, bullseye, bookworm, trixie, bionic, focal, jammy, noble": ("libnghttp2-14",)},
    ("apt", "libpcre2-dev"): {"buster, bullseye, bookworm, trixie, bionic, focal, jammy, noble": ("libpcre2-8-0",)},
    ("apt", "libpcre3-dev"): {"buster, bullseye, bookworm, bionic, focal, jammy, noble": ("libpcre3",)},  # trixie dropped pcre3
    ("apt", "libjemalloc-dev"): {"buster, bullseye, bookworm, trixie": ("libjemalloc2",)},
    ("apt", "libargon2-dev"): {"buster, bullseye, bookworm, trixie": ("libargon2-1",)},
    ("apt", "libglib2.0-dev"): {"buster, bullseye, bookworm, bionic, focal, jammy": ("libglib2.0-0",), "trixie, noble": ("libglib2.0-0t64",)},
    ("apt", "libgnutls28-dev"): {"stretch, buster, bullseye, bookworm, focal, jammy": ("libgnutls30",), "trixie, noble": ("libgnutls30t64",)},
    ("apt", "libssh2-1-dev"): {"buster, bullseye, bookworm, bionic, focal, jammy": ("libssh2-1",), "trixie, noble": ("libssh2-1t64",)},
    ("apt", "libxmlsec1-dev"): {  # python-xmlsec links libxmlsec1 and its openssl backend
        "buster, bullseye, bookworm": ("libxmlsec1", "libxmlsec1-openssl"),
        "trixie": ("libxmlsec1t64", "libxmlsec1t64-openssl"),
    },
    ("apt", "libaio-dev"): {"stretch, buster, bullseye, bookworm, bionic, focal, jammy": ("libaio1",), "trixie, noble": ("libaio1t64",)},
    ("apt", "libpcap-dev"): {"buster, bullseye, bookworm": ("libpcap0.8",)},
    ("apt", "libc-ares-dev"): {"buster, bullseye, bookworm": ("libc-ares2",)},
    ("apt", "libsnappy-dev"): {"buster, bullseye, bookworm, bionic, focal, jammy": ("libsnappy1v5",)},
    # libmemcached 1.0.18 (jessie to bookworm): php-memcached links libmemcachedutil too, which
    # libmemcached11 does not pull (docker-php-extension-installer keeps libmemcachedutil2).
    ("apt", "libmemcached-dev"): {
        "jessie, stretch, buster, bullseye, bookworm, bionic, focal, jammy": ("libmemcached11", "libmemcachedutil2"),
        "trixie, noble": ("libmemcached11t64", "libmemcachedutil2t64"),  # libmemcached 1.1.4
    },
    ("apt", "libmagickwand-dev"): {  # stretch: DSA lists; trixie moved to ImageMagick 7
        "stretch": ("libmagickwand-6.q16-3",),
        "buster, bullseye, bookworm": ("libmagickwand-6.q16-6",),
        "trixie": ("libmagickwand-7.q16-10",),
    },
    ("apt", "libmagickcore-dev"): {"buster, bullseye, bookworm": ("libmagickcore-6.q16-6",)},
    ("apt", "libvips-dev"): {"buster, bullseye, bookworm": ("libvips42",)},
    ("apt", "libproj-dev"): {"buster": ("libproj13",), "bullseye": ("libproj19",), "bookworm": ("libproj25",), "focal": ("libproj15",), "jammy": ("libproj22",)},
    ("apt", "libgdal-dev"): {"buster": ("libgdal20",), "bullseye": ("libgdal28",), "bookworm": ("libgdal32",)},
    ("apt", "libopenblas-dev"): {"bullseye, bookworm, trixie, focal, jammy, noble": ("libopenblas0",), "buster": ("libopenblas-base",)},
    ("apt", "unixodbc-dev"): {"buster, bullseye": ("libodbc1",), "bookworm, trixie": ("libodbc2",)},
    ("apt", "tk-dev"): {"buster, bullseye, bookworm, trixie, bionic, focal, jammy, noble": ("libtk8.6", "libtcl8.6")},
    ("apt", "tcl-dev"): {"buster, bullseye, bookworm, trixie, bionic, focal, jammy, noble": ("libtcl8.6",)},
    # libpng 1.2: jessie (DSA lists); stretch dropped libpng12, so no row after.
    ("apt", "libpng12-dev"): {"jessie": ("libpng12-0",)},
    # The same name from jessie on: jessie and stretch from docker-php-extension-installer's
    # per-extension runtime packages (mcrypt: libmcrypt4, pspell: libaspell15, gd: libxpm4)
    # and DSA lists (libxpm4, libvorbis0a, libexif12, libaspell15 in +deb8u/+deb9u versions),
    # buster from its DSA lists and packages.debian.org/buster, bullseye to trixie from their
    # indexes.
    ("apt", "libmcrypt-dev"): {"debian": ("libmcrypt4",), "jammy, noble": ("libmcrypt4",)},
    ("apt", "libaspell-dev"): {"debian": ("libaspell15",)},
    ("apt", "libxpm-dev"): {"debian": ("libxpm4",)},
    ("apt", "libvorbis-dev"): {"debian": ("libvorbis0a", "libvorbisenc2", "libvorbisfile3")},
    ("apt", "libexif-dev"): {"debian": ("libexif12",)},
    # Names checked for buster (DSA lists, packages.debian.org/buster) to trixie; older
    # releases left out.
    ("apt", "libgmp3-dev"): {"buster, bullseye, bookworm, trixie, jammy, noble": ("libgmp10",)},  # -> libgmp-dev
    ("apt", "libjbig-dev"): {"buster, bullseye, bookworm, trixie": ("libjbig0",)},
    ("apt", "libxmp-dev"): {"buster, bullseye, bookworm, trixie": ("libxmp4",)},
    ("apt", "libgeoip-dev"): {"buster, bullseye, bookworm": ("libgeoip1",), "trixie": ("libgeoip1t64",)},
    ("apt", "libtidy-dev"): {"buster, bullseye, bookworm": ("libtidy5deb1",), "trixie": ("libtidy58",)},
    ("apt", "libsnmp-dev"): {
        "buster": ("libsnmp30",),  # net-snmp 5.7
        "bullseye, bookworm": ("libsnmp40", "libnetsnmptrapd40"),
        "trixie": ("libsnmp40t64", "libnetsnmptrapd40t64"),
    },
    ("apt", "libvpx-dev"): {"buster": ("libvpx5",), "bullseye": ("libvpx6",), "bookworm": ("libvpx7",), "trixie": ("libvpx9",)},
    # Names checked for bullseye to trixie only (their indexes).
    ("apt", "libmp3lame-dev"): {"bullseye, bookworm, trixie": ("libmp3lame0",)},
    ("apt", "libspeex-dev"): {"bullseye, bookworm, trixie": ("libspeex1",)},
    ("apt", "libtheora-dev"): {"bullseye, bookworm": ("libtheora0",), "trixie": ("libtheora0", "libtheoradec1", "libtheoraenc1")},
    ("apt", "libx264-dev"): {"bullseye": ("libx264-160",), "bookworm, trixie": ("libx264-164",)},
    ("apt", "libldb-dev"): {"bullseye, bookworm, trixie": ("libldb2",)},
    ("apt", "libqt5webkit5-dev"): {"bullseye, bookworm": ("libqt5webkit5",)},  # not in trixie
    ("apt", "libatlas-base-dev"): {"bullseye, bookworm": ("libatlas3-base",)},  # not in trixie
    # ncurses' terminfo library; trixie has libtinfo-dev only as libncurses-dev's Provides.
    ("apt", "libtinfo-dev"): {"bullseye, bookworm, trixie": ("libtinfo6",)},
    # Toolchains whose output needs a library the base image may lack.
    ("apt", "gfortran"): {  # stretch: gcc-6's libgfortran3 (its pool's .debs)
        "buster, bullseye, bookworm, trixie, focal, jammy, noble": ("libgfortran5",),
        "bionic": ("libgfortran4",),
        "stretch": ("libgfortran3",),
    },
    # ---- apk: Alpine (pkgs.alpinelinux.org; aports main/<origin>/APKBUILD "subpackages").
    ("apk", "musl-dev"): {"*": ()},
    ("apk", "libc-dev"): {"*": ()},
    ("apk", "linux-headers"): {"*": ()},
    ("apk", "fortify-headers"): {"*": ()},
    # The Alpine base image has no libgcc or libstdc++ (busybox, musl, apk-tools and their
    # libraries only): code gcc builds may link libgcc_s, code g++ builds links libstdc++.
    ("apk", "gcc"): {"alpine": ("libgcc",)},
    ("apk", "g++"): {"alpine": ("libstdc++", "libgcc")},
    ("apk", "build-base"): {"alpine": ("libstdc++", "libgcc")},
    ("apk", "alpine-sdk"): {"alpine": ("libstdc++", "libgcc")},
    ("apk", "gfortran"): {"alpine": ("libgfortran",)},
    ("apk", "postgresql-dev"): {"alpine": ("libpq",)},
    ("apk", "libpq-dev"): {"alpine": ("libpq",)},
    ("apk", "libxml2-dev"): {"alpine": ("libxml2",)},
    ("apk", "libxslt-dev"): {"alpine": ("libxslt",)},
    ("apk", "jpeg-dev"): {"alpine": ("libjpeg-turbo",)},  # provided by libjpeg-turbo-dev
    ("apk", "libjpeg-turbo-dev"): {"alpine": ("libjpeg-turbo",)},
    ("apk", "zlib-dev"): {"alpine": ("zlib",)},
    ("apk", "libffi-dev"): {"alpine": ("libffi",)},
    ("apk", "openssl-dev"): {  # openssl 1.1 from 3.9 (libressl before), openssl 3 from 3.17
        "alpine 3.17+": ("libssl3",),
        "alpine 3.9-3.16": ("libssl1.1",),
    },
    ("apk", "freetype-dev"): {"alpine": ("freetype",)},
    ("apk", "libpng-dev"): {"alpine": ("libpng",)},
    ("apk", "yaml-dev"): {"alpine": ("yaml",)},
    ("apk", "sqlite-dev"): {"alpine": ("sqlite-libs",)},
    ("apk", "curl-dev"): {"alpine": ("libcurl",)},
    ("apk", "libzip-dev"): {"alpine": ("libzip",)},
    ("apk", "gmp-dev"): {"alpine": ("gmp",)},
    ("apk", "libwebp-dev"): {"alpine": ("libwebp",)},
    ("apk", "oniguruma-dev"): {"alpine": ("oniguruma",)},
    ("apk", "libsodium-dev"): {"alpine": ("libsodium",)},
    ("apk", "libevent-dev"): {"alpine": ("libevent",)},
    ("apk", "pcre2-dev"): {"alpine": ("pcre2",)},
    ("apk", "bzip2-dev"): {"alpine": ("libbz2",)},
    ("apk", "xz-dev"): {"alpine": ("xz-libs",)},
    ("apk", "zstd-dev"): {"alpine": ("zstd-libs",)},
    ("apk", "lz4-dev"): {"alpine": ("lz4-libs",)},
    ("apk", "ncurses-dev"): {"alpine": ("ncurses-libs",)},
    ("apk", "readline-dev"): {"alpine": ("readline",)},
    ("apk", "krb5-dev"): {"alpine": ("krb5-libs",)},
    ("apk", "file-dev"): {"alpine": ("libmagic",)},
    ("apk", "geos-dev"): {"alpine": ("geos",)},
    ("apk", "lcms2-dev"): {"alpine": ("lcms2",)},
    ("apk", "openjpeg-dev"): {"alpine": ("openjpeg",)},
    ("apk", "harfbuzz-dev"): {"alpine": ("harfbuzz",)},
    ("apk", "fribidi-dev"): {"alpine": ("fribidi",)},
    ("apk", "unixodbc-dev"): {"alpine": ("unixodbc",)},
    ("apk", "freetds-dev"): {"alpine": ("freetds",)},
    ("apk", "libev-dev"): {"alpine": ("libev",)},  # main/libev: libev holds libev.so.4
    # MariaDB Connector/C (libmariadb.so.3, and libmysqlclient.so as a link in its -dev) took
    # over the client library from mariadb-client-libs in 3.8: mariadb-dev depends on
    # mariadb-connector-c-dev and provides mysql-dev (aports main/mariadb). Checked for 3.9
    # (tarantool/docker#196: pkgs.alpinelinux.org v3.9 contents), 3.10 (tnir/mysqlclient's
    # python:*-alpine3.10 images keep only mariadb-connector-c-dev at run time) and 3.11 on
    # (pkgs.alpinelinux.org).
    ("apk", "mariadb-dev"): {"alpine": ("mariadb-connector-c",)},
    ("apk", "mysql-dev"): {"alpine": ("mariadb-connector-c",)},
    ("apk", "mariadb-connector-c-dev"): {"alpine": ("mariadb-connector-c",)},
    # Subpackages whose first release we could not pin: known from 3.12 on.
    ("apk", "icu-dev"): {"alpine 3.12+": ("icu-libs",)},
    ("apk", "openldap-dev"): {"alpine 3.12+": ("libldap",)},
    ("apk", "cyrus-sasl-dev"): {"alpine 3.12+": ("libsasl",)},
    # ---- yum: RHEL/CentOS ("el"), Fedora, Amazon Linux (2 is EL7-like, 2023 Fedora-like).
    ("yum", "glibc-devel"): {"redhat": ()},
    ("yum", "glibc-headers"): {"redhat": ()},
    ("yum", "kernel-headers"): {"redhat": ()},
    ("yum", "kernel-devel"): {"redhat": ()},
    ("yum", "libstdc++-devel"): {"redhat": ("libstdc++",)},
    ("yum", "gcc-c++"): {"redhat": ("libstdc++",)},
    ("yum", "gcc-gfortran"): {"redhat": ("libgfortran",)},
    ("yum", "openssl-devel"): {"redhat": ("openssl-libs",)},
    ("yum", "zlib-devel"): {"el, amazonlinux, fedora 30-39": ("zlib",), "fedora 40+": ("zlib-ng-compat",)},
    ("yum", "libffi-devel"): {"redhat": ("libffi",)},
    ("yum", "libxml2-devel"): {"redhat": ("libxml2",)},
    ("yum", "libxslt-devel"): {"redhat": ("libxslt",)},
    ("yum", "libjpeg-turbo-devel"): {"redhat": ("libjpeg-turbo",)},
    ("yum", "libpng-devel"): {"redhat": ("libpng",)},
    ("yum", "freetype-devel"): {"redhat": ("freetype",)},
    ("yum", "libyaml-devel"): {"redhat": ("libyaml",)},
    ("yum", "sqlite-devel"): {"el 7, amazonlinux 2": ("sqlite",), "el 8+, fedora, amazonlinux 2023+": ("sqlite-libs",)},
    ("yum", "libcurl-devel"): {"el, fedora": ("libcurl",)},  # Amazon Linux 2023 carries libcurl-minimal
    ("yum", "postgresql-devel"): {"el 7, amazonlinux 2": ("postgresql-libs",), "el 8+": ("libpq",)},
    ("yum", "libpq-devel"): {"el 8+, fedora": ("libpq",)},
    ("yum", "mariadb-devel"): {"el 7, amazonlinux 2": ("mariadb-libs",)},
    ("yum", "mariadb-connector-c-devel"): {"el 8+, fedora": ("mariadb-connector-c",)},
    ("yum", "gmp-devel"): {"redhat": ("gmp",)},
    ("yum", "bzip2-devel"): {"redhat": ("bzip2-libs",)},
    ("yum", "xz-devel"): {"redhat": ("xz-libs",)},
    ("yum", "readline-devel"): {"redhat": ("readline",)},
    ("yum", "ncurses-devel"): {"redhat": ("ncurses-libs",)},
    ("yum", "libuuid-devel"): {"redhat": ("libuuid",)},
    ("yum", "expat-devel"): {"redhat": ("expat",)},
    ("yum", "krb5-devel"): {"redhat": ("krb5-libs",)},
    ("yum", "openldap-devel"): {"redhat": ("openldap",)},
    ("yum", "cyrus-sasl-devel"): {"redhat": ("cyrus-sasl-lib",)},
    ("yum", "pcre-devel"): {"el 7, el 8, el 9, amazonlinux 2": ("pcre",)},
    ("yum", "pcre2-devel"): {"redhat": ("pcre2",)},
    ("yum", "libzstd-devel"): {"redhat": ("libzstd",)},
    ("yum", "libicu-devel"): {"redhat": ("libicu",)},
    ("yum", "libwebp-devel"): {"redhat": ("libwebp",)},
    ("yum", "libtiff-devel"): {"redhat": ("libtiff",)},
    ("yum", "file-devel"): {"redhat": ("file-libs",)},
    ("yum", "gdbm-devel"): {"el 7": ("gdbm",), "el 8+, fedora": ("gdbm-libs",)},
    ("yum", "tk-devel"): {"redhat": ("tk",)},
    ("yum", "tcl-devel"): {"redhat": ("tcl",)},
    ("yum", "unixODBC-devel"): {"redhat": ("unixODBC",)},
    ("yum", "libevent-devel"): {"redhat": ("libevent",)},
    ("yum", "libsodium-devel"): {"redhat": ("libsodium",)},
    ("yum", "libzip-devel"): {"redhat": ("libzip",)},
    ("yum", "oniguruma-devel"): {"redhat": ("oniguruma",)},
    ("yum", "libaio-devel"): {"redhat": ("libaio",)},
    ("yum", "systemd-devel"): {"redhat": ("systemd-libs",)},
    ("yum", "libselinux-devel"): {"redhat": ("libselinux",)},
    ("yum", "libcap-devel"): {"redhat": ("libcap",)},
    ("yum", "libacl-devel"): {"redhat": ("libacl",)},
    ("yum", "libattr-devel"): {"redhat": ("libattr",)},
    ("yum", "libedit-devel"): {"redhat": ("libedit",)},
    ("yum", "nss-devel"): {"redhat": ("nss",)},
    ("yum", "gnutls-devel"): {"redhat": ("gnutls",)},
    ("yum", "libssh2-devel"): {"redhat": ("libssh2",)},
    ("yum", "libgcrypt-devel"): {"redhat": ("libgcrypt",)},
    ("yum", "libgpg-error-devel"): {"redhat": ("libgpg-error",)},
    ("yum", "geos-devel"): {"redhat": ("geos",)},
    ("yum", "lcms2-devel"): {"redhat": ("lcms2",)},
    ("yum", "openjpeg2-devel"): {"redhat": ("openjpeg2",)},
    ("yum", "xmlsec1-devel"): {"redhat": ("xmlsec1", "xmlsec1-openssl")},
}

#: Header packages of an interpreter or of the C library, by name pattern: nothing at run
#: time. The interpreter itself is another package (``python3``, ``ruby``, ``php8.2-cli``),
#: kept when the RUN lists it; the official language images carry theirs in /usr/local.
RUNTIME_PATTERNS: tuple[tuple[str, str, Rows], ...] = (
    ("apt", "python*-dev", {"*": ()}),
    ("apt", "libpython*-dev", {"*": ()}),
    ("apt", "ruby*-dev", {"*": ()}),
    ("apt", "php*-dev", {"*": ()}),
    ("apt", "linux-headers-*", {"*": ()}),
    ("apt", "libstdc++-*-dev", {"*": ()}),  # libstdc++6 is in every base image
    ("apt", "libgcc-*-dev", {"*": ()}),  # libgcc-s1 too
    ("apk", "python*-dev", {"alpine": ()}),
    ("apk", "ruby*-dev", {"alpine": ()}),
    ("apk", "php*-dev", {"alpine": ()}),
    ("apk", "perl-dev", {"alpine": ()}),
    ("yum", "python*-devel", {"redhat": ()}),
    ("yum", "ruby*-devel", {"redhat": ()}),
    ("yum", "php*-devel", {"redhat": ()}),
)


@dataclass(frozen=True)
class _Row:
    selectors: tuple[Selector, ...]
    packages: tuple[str, ...]


def _parse_rows(rows: Rows) -> tuple[_Row, ...]:
    return tuple(_Row(tuple(parse_selector(part) for part in key.split(",")), packages) for key, packages in rows.items())


_RUNTIME_ROWS: dict[tuple[str, str], tuple[_Row, ...]] = {key: _parse_rows(rows) for key, rows in RUNTIME.items()}
_PATTERN_ROWS: tuple[tuple[str, str, tuple[_Row, ...]], ...] = tuple((family, pattern, _parse_rows(rows)) for family, pattern, rows in RUNTIME_PATTERNS)


def _answer(rows: tuple[_Row, ...], release: Release) -> tuple[str, ...] | None:
    for row in rows:
        if any(selector.matches(release) for selector in row.selectors):
            return row.packages
    return None


def runtime_of(family: str, name: str, release: Release | None) -> tuple[str, ...] | None:
    """What the runtime stage needs in place of package ``name`` (version pins ignored) on
    ``release``:

    - a header package: the runtime packages of its library (``libpq-dev`` -> ``("libpq5",)``),
      ``()`` where the library is in every base image (``libc6-dev``, ``linux-headers``);
    - a toolchain (BUILD_ONLY): ``()``, or the runtime library its output links where the base
      image may lack it (apk ``g++`` -> ``libstdc++``, ``gfortran`` -> ``libgfortran5``);
    - an apk build group (``.build-deps``): ``()``;
    - any other package: itself (it is not build-only).

    None when not known: a header package with no row, or none for this release (a release
    that is None, or whose version is unknown, settles only the rows that do not depend on it).
    """
    _check_family(family)
    bare = package_name(family, name)
    rows = _RUNTIME_ROWS.get((family, bare))
    if rows is None:
        rows = next((r for f, pattern, r in _PATTERN_ROWS if f == family and fnmatchcase(bare, pattern)), None)
    if rows is not None:
        return _answer(rows, release or Release())
    if not is_build_only(family, bare):
        return (bare,)
    return None if is_header(family, bare) else ()


def split_packages(family: str, names: Iterable[str], release: Release | None) -> tuple[list[str], list[str], list[str]]:
    """Split the packages of an install into (kept, dropped, unknown):

    - kept: what the runtime stage installs, in order, without repeats (compared without
      version pins): each package that is not build-only as written (pin included), and the
      runtime packages that stand for the build-only ones;
    - dropped: the build-only packages whose runtime needs are known (as written);
    - unknown: the build-only packages whose runtime needs are not known (as written): a pass
      declines, naming them.

    Fetch tools (FETCH_TOOLS) are kept: whether run time uses them is the pass's to tell.
    """
    _check_family(family)
    kept: list[str] = []
    seen: set[str] = set()
    dropped: list[str] = []
    unknown: list[str] = []

    def keep(spec: str) -> None:
        bare = package_name(family, spec)
        if bare not in seen:
            seen.add(bare)
            kept.append(spec)

    for name in names:
        if not is_build_only(family, name):
            keep(name)
            continue
        runtime = runtime_of(family, name, release)
        if runtime is None:
            unknown.append(name)
            continue
        dropped.append(name)
        for package in runtime:
            keep(package)
    return kept, dropped, unknown


# --- the full official images ------------------------------------------------------------------

#: buildpack-deps (docker-library/buildpack-deps, debian/bookworm/{curl,scm,}/Dockerfile): the
#: packages each layer installs, each on top of the one before (curl on debian:bookworm, scm
#: on curl, the full image on scm). The full image also installs ``default-libmysqlclient-dev``
#: (through an ``apt-cache show`` test in bookworm, plainly in trixie). The 2019 Dockerfiles
#: (stretch, buster, sid) list the same, with bzr in scm and libgeoip-dev for libmaxminddb-dev.
BUILDPACK_DEPS: dict[str, tuple[str, ...]] = {
    "curl": ("ca-certificates", "curl", "gnupg", "netbase", "sq", "wget"),
    "scm": ("git", "git-lfs", "mercurial", "openssh-client", "subversion", "procps"),
    "full": (
        "autoconf", "automake", "bzip2", "default-libmysqlclient-dev", "dpkg-dev", "file", "g++",
        "gcc", "imagemagick", "libbz2-dev", "libc6-dev", "libcurl4-openssl-dev", "libdb-dev",
        "libevent-dev", "libffi-dev", "libgdbm-dev", "libglib2.0-dev", "libgmp-dev", "libjpeg-dev",
        "libkrb5-dev", "liblzma-dev", "libmagickcore-dev", "libmagickwand-dev", "libmaxminddb-dev",
        "libncurses5-dev", "libncursesw5-dev", "libpng-dev", "libpq-dev", "libreadline-dev",
        "libsqlite3-dev", "libssl-dev", "libtool", "libwebp-dev", "libxml2-dev", "libxslt-dev",
        "libyaml-dev", "make", "patch", "unzip", "xz-utils", "zlib1g-dev",
    ),
}
_LAYERS = ("curl", "scm", "full")

#: Official images whose full (non-slim) Debian variants build on buildpack-deps: the layer
#: they start from and what they add (docker-library/<image>, <version>/bookworm/Dockerfile).
#: php and the dotnet SDK are not here: they build on debian:*-slim.
LANGUAGE_IMAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "buildpack-deps": ("full", ()),
    "python": ("full", ("libbluetooth-dev", "tk-dev", "uuid-dev")),
    "node": ("full", ()),
    "ruby": ("full", ()),
    "rust": ("full", ()),
    "gcc": ("full", ()),
    # FROM buildpack-deps:bookworm-scm, "install cgo-related dependencies".
    "golang": ("scm", ("g++", "gcc", "libc6-dev", "make", "pkg-config")),
    # FROM buildpack-deps:bullseye-scm (openjdk 17, the last Debian-based jdk images).
    "openjdk": ("scm", ("bzip2", "unzip", "xz-utils", "binutils", "fontconfig", "libfreetype6", "ca-certificates", "p11-kit")),
}

#: Packages the full images get through a dependency of a listed one: package -> what pulls it.
PULLED_IN: dict[str, str] = {
    "dirmngr": "gnupg",
    "openssl": "ca-certificates",
    "m4": "autoconf",
    "cpp": "gcc",
    "binutils": "gcc",
    "pkg-config": "libglib2.0-dev",
}

#: Programs of the full official images that debian:*-slim lacks: program -> the Debian package
#: that provides it. A -slim language image adds back only its own runtime packages (python's:
#: ca-certificates, which brings openssl, netbase, tzdata). Interpreters are not here: mercurial
#: brings Debian's python3 into the full images, and the python images have theirs in
#: /usr/local/bin in both variants.
FULL_IMAGE_PROGRAMS: dict[str, str] = {
    # curl layer
    "curl": "curl", "wget": "wget", "sq": "sq", "openssl": "openssl",
    "gpg": "gnupg", "gpg-agent": "gnupg", "gpgconf": "gnupg", "gpgsm": "gnupg", "dirmngr": "dirmngr",
    # scm layer
    "git": "git", "git-lfs": "git-lfs", "hg": "mercurial", "svn": "subversion", "svnadmin": "subversion",
    "ssh": "openssh-client", "scp": "openssh-client", "sftp": "openssh-client",
    "ssh-keygen": "openssh-client", "ssh-keyscan": "openssh-client", "ssh-add": "openssh-client",
    "ssh-agent": "openssh-client",
    "ps": "procps", "top": "procps", "free": "procps", "pgrep": "procps", "pkill": "procps",
    "pmap": "procps", "uptime": "procps", "vmstat": "procps", "w": "procps", "watch": "procps",
    "kill": "procps", "sysctl": "procps",
    # full layer
    "make": "make", "gcc": "gcc", "cc": "gcc", "g++": "g++", "c++": "g++", "cpp": "cpp",
    "ld": "binutils", "as": "binutils", "ar": "binutils", "nm": "binutils", "objdump": "binutils",
    "objcopy": "binutils", "readelf": "binutils", "strip": "binutils", "ranlib": "binutils",
    "autoconf": "autoconf", "autoreconf": "autoconf", "autoheader": "autoconf", "m4": "m4",
    "automake": "automake", "aclocal": "automake", "libtoolize": "libtool", "pkg-config": "pkg-config",
    "dpkg-architecture": "dpkg-dev", "dpkg-buildflags": "dpkg-dev", "dpkg-buildpackage": "dpkg-dev",
    "dpkg-source": "dpkg-dev", "patch": "patch", "file": "file",
    "unzip": "unzip", "zipinfo": "unzip", "funzip": "unzip",
    "xz": "xz-utils", "unxz": "xz-utils", "xzcat": "xz-utils", "lzma": "xz-utils", "unlzma": "xz-utils",
    "bzip2": "bzip2", "bunzip2": "bzip2", "bzcat": "bzip2",
    "convert": "imagemagick", "identify": "imagemagick", "mogrify": "imagemagick",
    "composite": "imagemagick", "montage": "imagemagick", "compare": "imagemagick",
}

#: Programs a language image's own steps may use that the plain distro images (debian:*-slim,
#: ubuntu, the runtime of go and rust) lack, though the language's slim images have them: the
#: package that brings each (apt names).
PLAIN_DISTRO_LACKS: dict[str, str] = {
    "update-ca-certificates": "ca-certificates",
    "locale-gen": "locales", "update-locale": "locales",
}

#: Header packages the full images carry preinstalled (buildpack-deps' full layer, and the
#: python image's additions): what a program compiled in a full image may link against.
FULL_IMAGE_LIBRARIES: frozenset[str] = frozenset(
    {p for p in (*BUILDPACK_DEPS["full"], *LANGUAGE_IMAGES["python"][1]) if is_header("apt", p)}
)


def full_image_packages(image: str) -> frozenset[str] | None:
    """The packages the full Debian variant of official image ``image`` (``python``,
    ``golang``...) installs over debian, dependencies of PULLED_IN included; None for an image
    not in LANGUAGE_IMAGES."""
    if image not in LANGUAGE_IMAGES:
        return None
    layer, extra = LANGUAGE_IMAGES[image]
    packages = {p for name in _LAYERS[: _LAYERS.index(layer) + 1] for p in BUILDPACK_DEPS[name]} | set(extra)
    packages |= {dependency for dependency, by in PULLED_IN.items() if by in packages}
    return frozenset(packages)


def full_image_programs(image: str) -> dict[str, str] | None:
    """FULL_IMAGE_PROGRAMS limited to the programs the full variant of ``image`` has (the golang
    image has git but no imagemagick); None for an image not in LANGUAGE_IMAGES."""
    packages = full_image_packages(image)
    if packages is None:
        return None
    return {program: package for program, package in FULL_IMAGE_PROGRAMS.items() if package in packages}


#: Installer scripts that only add a package repository and its key for the system's package
#: manager (and install what they need to do so), run as ``curl -fsSL URL | bash -``: their
#: effect at run time is the package sources, which split-stages copies from the builder.
REPOSITORY_SCRIPTS: tuple[re.Pattern[str], ...] = (
    re.compile(r"^https?://deb\.nodesource\.com/setup_"),
    re.compile(r"^https?://packagecloud\.io/install/repositories/[^/\s]+/[^/\s]+/script\.deb\.sh"),
)

#: Where a package manager keeps its package sources and their keys: what a runtime stage on
#: the same release copies from the builder to install from a repository a RUN added there.
PACKAGE_SOURCES: dict[str, tuple[str, ...]] = {
    "apt": ("/etc/apt", "/usr/share/keyrings"),
    "apk": ("/etc/apk",),
}

#: Packages the runtime stage installs before it reads the copied sources: https sources need
#: the CA certificates (slim images may lack them), and apt before Debian buster and Ubuntu
#: bionic needs apt-transport-https for them.
SOURCES_NEED: dict[str, tuple[str, ...]] = {"apt": ("ca-certificates",), "apk": ("ca-certificates",)}
HTTPS_TRANSPORT_BEFORE: dict[str, tuple[int, ...]] = {"debian": (10,), "ubuntu": (18, 4)}


#: Debian packages that name their releases: (the first release with the package, the last),
#: None for open. A file that installs one on a release outside its range was written for
#: another release than the one its tag's last build had (``python:2.7`` with
#: ``libmysqlclient-dev`` was built on jessie): the release of an image whose tag names none is
#: then not known. The ranges come from the same lists as the rows above (DSA lists for jessie
#: and stretch, packages.debian.org after): the well-known "has no installation candidate"
#: failures of files moved from jessie to stretch and from stretch to buster.
DEBIAN_PACKAGE_RELEASES: dict[str, tuple[str | None, str | None]] = {
    "libmysqlclient-dev": (None, "jessie"),
    "libmysqlclient18": (None, "jessie"),
    "mysql-client": (None, "jessie"),
    "libpng12-dev": (None, "jessie"),
    "libpng12-0": (None, "jessie"),
    "libssl1.0.0": (None, "jessie"),
    "libicu52": (None, "jessie"),
    "libicu57": ("stretch", "stretch"),
    "libmariadbclient18": ("stretch", "stretch"),
    "libcurl3": (None, "stretch"),
    "libssl1.1": ("stretch", "bullseye"),
    "default-libmysqlclient-dev": ("stretch", None),
    "default-mysql-client": ("stretch", None),
    "libmariadb3": ("buster", None),
    "libmariadb-dev": ("buster", None),
    "libmariadb-dev-compat": ("buster", None),
    "libcurl4": ("buster", None),
    "libssl3": ("bookworm", "bookworm"),
    "libffi8": ("bookworm", None),
}

#: Debian releases in order, for the ranges above.
DEBIAN_ORDER = ("wheezy", "jessie", "stretch", "buster", "bullseye", "bookworm", "trixie", "forky")


def debian_package_conflict(name: str, codename: str) -> tuple[str | None, str | None] | None:
    """The range of releases that have ``name`` when ``codename`` is not among them, else None."""
    span = DEBIAN_PACKAGE_RELEASES.get(name)
    if span is None or codename not in DEBIAN_ORDER:
        return None
    at = DEBIAN_ORDER.index(codename)
    first, last = span
    if first is not None and at < DEBIAN_ORDER.index(first):
        return span
    if last is not None and at > DEBIAN_ORDER.index(last):
        return span
    return None
