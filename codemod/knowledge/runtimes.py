"""Toolchain images and the runtime images their programs run on, for split-stages.

Each official toolchain image (golang, python, node, ruby, rust, the JDK images, the .NET SDK)
has a runtime image of the same version and distro release: the tag is rewritten by a rule per
image (``python:3.12-bookworm`` -> ``python:3.12-slim-bookworm``, ``golang:1.22-bookworm`` ->
``debian:bookworm-slim``, ``maven:3-eclipse-temurin-17`` -> ``eclipse-temurin:17-jre``). A user
overrides the choice through ``Context.runtime_images``.

Sources: the tag lists of the official images (github.com/docker-library/official-images,
``library/<name>``), Eclipse Temurin's JRE tags (LTS releases), Microsoft's .NET image tags
(mcr.microsoft.com/dotnet/{sdk,aspnet}, formerly microsoft/dotnet).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .images import ImageRef, Release, release_of

#: Tag words that name a distro release or variant, by image.
_DEBIAN_WORDS = frozenset({"jessie", "stretch", "buster", "bullseye", "bookworm", "trixie"})
_UBUNTU_WORDS = frozenset({"xenial", "bionic", "focal", "jammy", "noble"})
#: Words of a tag that mean the image is already a small runtime variant.
_SLIM_WORDS = ("slim", "alpine", "jre", "distroless", "chiseled", "runtime", "aspnet")

#: Node's LTS codenames, which the node images tag (``node:carbon`` is Node 8).
NODE_CODENAMES = frozenset({"argon", "boron", "carbon", "dubnium", "erbium", "fermium", "gallium", "hydrogen", "iron", "jod", "krypton"})

#: Java releases Eclipse Temurin publishes JRE images for (the LTS releases).
TEMURIN_JRE = frozenset({8, 11, 17, 21, 25})
#: Java releases the (deprecated) openjdk and java images have ``N-jre`` tags for, beside
#: ``N`` and ``N-jdk``: the runtime image of the versions Temurin lacks.
OPENJDK_JRE = frozenset({6, 7, 8, 9, 10, 11})

#: Programs that run the toolchain itself: a CMD or ENTRYPOINT running one needs the builder.
TOOLCHAIN_AT_RUN_TIME: dict[str, tuple[tuple[str, ...], ...]] = {
    # and the live-reload tools that rebuild the sources with go (air, CompileDaemon, reflex, gin, fresh)
    "go": (("go", "run"), ("go", "test"), ("go", "build"), ("air",), ("CompileDaemon",), ("reflex",), ("gin",), ("fresh",), ("realize",)),
    "rust": (("cargo",), ("trunk", "serve"), ("trunk", "watch")),
    "java": (("mvn",), ("mvnw",), ("gradle",), ("gradlew",), ("javac",)),
    "dotnet": (("dotnet", "run"), ("dotnet", "watch"), ("dotnet", "build"), ("dotnet", "test")),
    "node": (("nodemon",), ("ts-node",), ("ts-node-dev",), ("npm", "run", "dev"), ("yarn", "dev"), ("ng", "serve"), ("npm", "install"), ("npm", "ci"), ("yarn", "install")),
    "python": (("pip", "install"), ("python", "setup.py"), ("watchmedo",)),
    # Passenger Standalone fetches (or compiles, with gcc and headers) its agent and nginx on
    # its first start, unless the build installed them.
    "ruby": (("bundle", "install"), ("rerun",), ("passenger", "start")),
    "php": (("php", "-S"),),
}

#: Where the official images keep what a dependency install writes outside the application.
#: python: pip as root writes into the interpreter's site-packages and its scripts into
#: /usr/local/bin; ruby: GEM_HOME and BUNDLE_APP_CONFIG are /usr/local/bundle.
DEPENDENCY_PLACES: dict[str, tuple[str, ...]] = {
    "python": ("/usr/local/lib/python{version}/site-packages", "/usr/local/bin"),
    "ruby": ("/usr/local/bundle",),
    "node": (),
    # docker-php-ext-install and pecl: the extensions and their .ini files.
    "php": ("/usr/local/lib/php/extensions", "/usr/local/etc/php"),
}

@dataclass(frozen=True)
class InstallCache:
    """The download cache a dependency install leaves in the image, which a runtime stage
    that copies only the installed packages leaves behind."""

    #: What it is, for the explanation.
    what: str
    #: Subcommands that fill it ("" for the bare program: ``yarn``).
    installs: frozenset[str]
    #: Flags of the install that keep it from filling the cache.
    off_flags: tuple[str, ...]
    #: Where it is, relative to the home directory of the user the install runs as (or
    #: absolute): an application copied there carries it along.
    places: tuple[str, ...]
    #: Words of an ENV name that move or turn off the cache (then it is not counted).
    settings: tuple[str, ...]
    #: (program, subcommand) that empty it again.
    cleaned_by: tuple[tuple[str, str], ...]


#: Download caches of the dependency installs, by program. Sources: npm's ``cache`` config
#: (``~/.npm``), yarn classic's cache folder (``/usr/local/share/.cache/yarn`` as root,
#: ``~/.cache/yarn`` otherwise), pip's cache (``~/.cache/pip``; ``--no-cache-dir`` and
#: ``PIP_NO_CACHE_DIR`` turn it off).
INSTALL_CACHES: dict[str, InstallCache] = {
    "npm": InstallCache(
        "npm's download cache", frozenset({"install", "i", "ci", "add", "isntall", "in", "ins", "inst", "insta", "instal"}), (),
        ("~/.npm",), ("NPM_CONFIG_CACHE",), (("npm", "cache"),),
    ),
    "yarn": InstallCache(
        "yarn's package cache", frozenset({"", "install", "add"}), (),
        ("~/.cache/yarn", "/usr/local/share/.cache/yarn"), ("YARN_CACHE_FOLDER",), (("yarn", "cache"),),
    ),
    "pip": InstallCache(
        "pip's download cache", frozenset({"install"}), ("--no-cache-dir", "--no-cache"),
        ("~/.cache/pip",), ("PIP_NO_CACHE_DIR", "PIP_CACHE_DIR"), (("pip", "cache"),),
    ),
}


#: Variables the toolchain images set that Dockerfiles name packages with: (ecosystem, distro
#: family) -> name -> value. The php images' PHPIZE_DEPS (the compilers and tools phpize needs;
#: docker-library/php, Dockerfile-linux.template).
IMAGE_ENV: dict[tuple[str, str], dict[str, str]] = {
    # Every distro of the image ("*"): the golang images' GOPATH.
    ("go", "*"): {"GOPATH": "/go"},
    ("php", "debian"): {"PHPIZE_DEPS": "autoconf dpkg-dev file g++ gcc libc-dev make pkg-config re2c"},
    ("php", "alpine"): {"PHPIZE_DEPS": "autoconf dpkg-dev dpkg file g++ gcc libc-dev make pkgconf re2c"},
}


#: Python projects whose wheels install data files outside site-packages ({prefix}/share,
#: {prefix}/etc: JupyterLab's assets and server configuration), which the runtime stage's copy
#: of site-packages and bin/ would leave behind.
PYTHON_DATA_PACKAGES = frozenset({"jupyter", "jupyterlab", "notebook", "nbclassic", "jupyterhub", "voila", "jupyter-server", "jupyter-lsp", "widgetsnbextension"})


#: Settings that move where the dependency install writes, by ecosystem: (ENV name, install
#: flags taking the path). bundler: BUNDLE_PATH (``bundle install --path``, ``bundle config set
#: path``; ``--deployment`` means vendor/bundle in the application), GEM_HOME for ``gem install``.
DEPENDENCY_SETTINGS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "ruby": (("BUNDLE_PATH", ("--path",)), ("GEM_HOME", ("--install-dir", "-i"))),
}


#: Language packages whose install script downloads a program into the installing user's home,
#: outside the application the runtime stage copies: (ecosystem, package) -> (the folder under
#: the home, the first major version that downloads there, {ENV that skips the download: the
#: values that skip it}, the ENV that moves the folder). Puppeteer 19+ keeps Chrome in
#: ~/.cache/puppeteer (before, in node_modules); Cypress keeps its binary in ~/.cache/Cypress.
HOME_DOWNLOADS: dict[tuple[str, str], tuple[str, int, dict[str, tuple[str, ...]], str]] = {
    ("node", "puppeteer"): (
        ".cache/puppeteer", 19,
        {"PUPPETEER_SKIP_DOWNLOAD": ("true", "1"), "PUPPETEER_SKIP_CHROMIUM_DOWNLOAD": ("true", "1")},
        "PUPPETEER_CACHE_DIR",
    ),
    ("node", "cypress"): (".cache/Cypress", 3, {"CYPRESS_INSTALL_BINARY": ("0",)}, "CYPRESS_CACHE_FOLDER"),
}
#: Commands that download browsers into the home (``npx playwright install chromium``): (the
#: program or npx package, its subcommand) -> the folder under the home.
BROWSER_INSTALLS: dict[tuple[str, str], str] = {
    ("playwright", "install"): ".cache/ms-playwright",
    ("puppeteer", "browsers"): ".cache/puppeteer",
    ("@puppeteer/browsers", "install"): ".cache/puppeteer",
    ("cypress", "install"): ".cache/Cypress",
}


#: Without the build context, the language packages whose system libraries the runtime stage
#: installs anyway, by ecosystem: the full images have these libraries (buildpack-deps carries
#: libpq-dev, libmariadb-dev and libsqlite3-dev), the slim ones do not, and the usual database
#: adapters link them (a Rails app's pg, mysql2 or sqlite3; Django's psycopg2 or mysqlclient).
BARE_NATIVE: dict[str, tuple[str, ...]] = {
    "ruby": ("pg", "mysql2", "sqlite3"),
    "python": ("psycopg2", "mysqlclient"),
    # The rust images have libssl-dev, and reqwest and native-tls (the default TLS of the
    # usual HTTP clients) link OpenSSL through openssl-sys.
    "rust": ("openssl-sys",),
}


#: Language packages that link a system library at run time, which the full images (FROM
#: buildpack-deps) carry and the slim ones do not: (ecosystem, package) -> runtime packages by
#: package family. Read from the requirement files or lock files of the build context.
NATIVE_LIBRARIES: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {
    ("python", "psycopg2"): {"apt": ("libpq5",), "apk": ("libpq",)},
    ("python", "mysqlclient"): {"apt": ("libmariadb3",), "apk": ("mariadb-connector-c",)},
    ("python", "python-ldap"): {"apt": ("libldap-common",), "apk": ("libldap",)},
    ("python", "pycurl"): {"apt": ("libcurl4",), "apk": ("libcurl",)},
    ("python", "pygraphviz"): {"apt": ("libgvc6",), "apk": ("graphviz",)},
    ("python", "pyodbc"): {"apt": ("unixodbc",), "apk": ("unixodbc",)},
    ("python", "uwsgi"): {"apt": ("libxml2", "libssl3", "libyaml-0-2"), "apk": ("libxml2", "libuuid", "pcre2")},
    ("ruby", "pg"): {"apt": ("libpq5",), "apk": ("libpq",)},
    ("ruby", "mysql2"): {"apt": ("libmariadb3",), "apk": ("mariadb-connector-c",)},
    ("ruby", "rmagick"): {"apt": ("libmagickcore-6.q16-6",), "apk": ("imagemagick",)},
    # The full images' libraries the wheels and gems below load (opencv-python's libgthread,
    # python-magic's and Wand's ctypes loads, ethon's libcurl through ffi), and imagemagick,
    # whose programs mini_magick runs.
    ("python", "opencv-python"): {"apt": ("libglib2.0-0",), "apk": ("glib",)},
    ("python", "opencv-contrib-python"): {"apt": ("libglib2.0-0",), "apk": ("glib",)},
    ("python", "python-magic"): {"apt": ("libmagic1",), "apk": ("libmagic",)},
    ("python", "wand"): {"apt": ("libmagickwand-6.q16-6",), "apk": ("imagemagick-libs",)},
    ("python", "gssapi"): {"apt": ("libkrb5-3", "libgssapi-krb5-2"), "apk": ("krb5-libs",)},
    ("ruby", "ethon"): {"apt": ("libcurl4",), "apk": ("libcurl",)},
    ("ruby", "curb"): {"apt": ("libcurl4",), "apk": ("libcurl",)},
    ("ruby", "mini-magick"): {"apt": ("imagemagick",), "apk": ("imagemagick",)},
    # sqlite3 before 1.5 builds against the system's libsqlite3 (1.5+ ships a bundled one: the
    # library installed then goes unused)
    ("ruby", "sqlite3"): {"apt": ("libsqlite3-0",), "apk": ("sqlite-libs",)},
    # psycopg 3 without its binary extra loads libpq at run time
    ("python", "psycopg"): {"apt": ("libpq5",), "apk": ("libpq",)},
    ("rust", "openssl-sys"): {"apt": ("libssl3",), "apk": ("openssl",)},
    # diesel's and sqlx's system libraries (libsqlite3-sys links the system's unless bundled)
    ("rust", "libsqlite3-sys"): {"apt": ("libsqlite3-0",), "apk": ("sqlite-libs",)},
    ("rust", "pq-sys"): {"apt": ("libpq5",), "apk": ("libpq",)},
    ("rust", "mysqlclient-sys"): {"apt": ("libmariadb3",), "apk": ("mariadb-connector-c",)},
    # Prisma's query engine (a prebuilt library) loads OpenSSL at run time, and finds its
    # version by running `openssl version`: Prisma's own advice is the openssl package, whose
    # name is the same on every release (it brings libssl3, libssl1.1...).
    ("node", "prisma"): {"apt": ("openssl",), "apk": ("openssl",)},
    ("node", "@prisma/client"): {"apt": ("openssl",), "apk": ("openssl",)},
}


#: The same, for apt, as the header packages of the full image that the language package
#: builds against: their runtime libraries are looked up per release in knowledge/packages
#: (mysqlclient: libmariadbclient18 on stretch, libmariadb3 from buster on). uWSGI builds against
#: what it finds: on the full images, libxml2, OpenSSL and libyaml.
NATIVE_HEADERS: dict[tuple[str, str], tuple[str, ...]] = {
    ("python", "psycopg2"): ("libpq-dev",),
    ("python", "mysqlclient"): ("default-libmysqlclient-dev",),
    ("python", "python-ldap"): ("libldap2-dev",),
    ("python", "pycurl"): ("libcurl4-openssl-dev",),
    ("python", "pyodbc"): ("unixodbc-dev",),
    ("python", "uwsgi"): ("libxml2-dev", "libssl-dev", "libyaml-dev"),
    ("ruby", "pg"): ("libpq-dev",),
    ("ruby", "mysql2"): ("default-libmysqlclient-dev",),
    ("ruby", "rmagick"): ("libmagickwand-dev",),
    ("python", "opencv-python"): ("libglib2.0-dev",),
    ("python", "opencv-contrib-python"): ("libglib2.0-dev",),
    ("python", "python-magic"): ("libmagic-dev",),
    ("python", "wand"): ("libmagickwand-dev",),
    ("python", "gssapi"): ("libkrb5-dev",),
    ("ruby", "ethon"): ("libcurl4-openssl-dev",),
    ("ruby", "curb"): ("libcurl4-openssl-dev",),
    ("rust", "openssl-sys"): ("libssl-dev",),
    ("rust", "libsqlite3-sys"): ("libsqlite3-dev",),
    ("rust", "pq-sys"): ("libpq-dev",),
    ("rust", "mysqlclient-sys"): ("default-libmysqlclient-dev",),
}


@dataclass(frozen=True)
class Toolchain:
    """What split-stages needs to know of the image a stage starts FROM."""

    ecosystem: str
    #: The runtime image, written as the original writes its reference; None when there is none.
    runtime: str | None
    #: Why there is no runtime image (when ``runtime`` is None).
    why: str = ""
    #: The toolchain image is already a small variant (slim, alpine): the gain is only what the
    #: stage's own RUNs add.
    slim: bool = False
    #: python: "3.12"; the JDK major for java.
    version: str | None = None
    #: The runtime image is another distro family than the toolchain's (openjdk's Debian ->
    #: Temurin's Ubuntu): system packages cannot be installed again by the same names.
    family_changes: bool = False
    #: The runtime image has no shell (distroless).
    shell: bool = True
    #: The runtime's distro release (for package names).
    release: Release | None = None


def _tokens(tag: str) -> list[str]:
    return tag.lower().split("-")


def _slim(tag: str) -> bool:
    return any(word in token for token in _tokens(tag) for word in _SLIM_WORDS)


def _prefix(ref: ImageRef) -> str:
    """The reference up to the tag (``python``, ``docker.io/library/python``)."""
    text = ref.text.split("@", 1)[0]
    if ref.tag is not None:
        text = text[: -(len(ref.tag) + 1)]
    return text


def _library_slim(ref: ImageRef, ecosystem: str, node_order: bool) -> Toolchain:
    """python, node and ruby: the ``-slim`` variant of the same tag."""
    tag = ref.tag or "latest"
    release = _with_default(release_of(ref), ecosystem, tag)
    version = _version_word(tag)
    if _slim(tag):
        return Toolchain(ecosystem, ref.text.split("@", 1)[0], slim=True, version=version, release=release)
    tokens = _tokens(tag)
    if any(t in ("windowsservercore", "nanoserver", "onbuild", "rc") or t.startswith("windowsservercore") for t in tokens):
        return Toolchain(ecosystem, None, f"{ref.text}: no slim variant of this tag", version=version)
    if tag == "latest":
        new = "slim"
    elif len(tokens) == 1:
        new = f"{tag}-slim"
    elif len(tokens) == 2 and tokens[1] in _DEBIAN_WORDS:
        new = f"{tokens[0]}-{tokens[1]}-slim" if node_order else f"{tokens[0]}-slim-{tokens[1]}"
    else:
        return Toolchain(ecosystem, None, f"{ref.text}: no slim variant of this tag is known", version=version)
    return Toolchain(ecosystem, f"{_prefix(ref)}:{new}", version=version, release=release)


#: The Alpine release a version's first ``-alpine`` image was built on: a lower bound for a tag
#: that names no release (``php:8.3-fpm-alpine``), which moves to newer releases only.
#: (from version, Alpine release), newest first.
ALPINE_FLOOR: dict[str, tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]] = {
    "php": (((8, 4), (3, 20)), ((8, 3), (3, 18)), ((8, 2), (3, 16)), ((8, 1), (3, 14)), ((8, 0), (3, 12))),
    "python": (((3, 13), (3, 20)), ((3, 12), (3, 18)), ((3, 11), (3, 16)), ((3, 10), (3, 14)), ((3, 9), (3, 12))),
    "node": (((22,), (3, 19)), ((20,), (3, 17)), ((18,), (3, 15)), ((16,), (3, 13)), ((14,), (3, 11))),
}


def _alpine_floor(release: Release, ecosystem: str, tag: str) -> Release:
    word = _version_word(tag)
    if word is None:
        return release
    version = tuple(int(x) for x in word.split("."))
    for since, floor in ALPINE_FLOOR.get(ecosystem, ()):
        if version[: len(since)] >= since:
            return Release("alpine", None, None, at_least=floor)
    return release


def _with_default(release: Release, ecosystem: str, tag: str) -> Release:
    """A Debian release without a codename gets the one the version's last build had; an
    Alpine one without a version the release of the version's first build as a lower bound."""
    if release.family == "alpine" and release.version is None:
        floored = _alpine_floor(release, ecosystem, tag)
        if floored.at_least is not None and (release.at_least is None or floored.at_least > release.at_least):
            return floored
        return release
    if release.family != "debian" or release.codename:
        return release
    tokens = _tokens(tag)
    plain = [t for t in tokens if t not in ("slim", "apache", "fpm", "cli", "zts")]
    codename = default_debian(ecosystem, plain[0]) if len(plain) == 1 else None
    from .images import DEBIAN_CODENAMES

    if codename is not None:
        return Release("debian", DEBIAN_CODENAMES.get(codename), codename)
    # Not named: a lower bound. A floating tag is rebuilt on each new release (today's, or a
    # newer one); a patch version's tag is on its version's first release or a newer one.
    if tag in ("", "latest"):
        floor = next((c for _, c in DEFAULT_DEBIAN.get(ecosystem, ()) if c is not None), None)
    else:
        floor = first_debian(ecosystem, plain[0]) if len(plain) == 1 else None
    if floor is None or release.at_least is not None:
        return release
    return Release("debian", None, None, at_least=DEBIAN_CODENAMES[floor])


def _version_word(tag: str) -> str | None:
    match = re.match(r"(\d+(?:\.\d+)*)", tag)
    return match.group(1) if match else None


#: The Debian release of the last image of a golang or rust version whose tag names none: the
#: official images moved their default to bullseye in August 2021, bookworm in June 2023 and
#: trixie in August 2025; a version gets the default of the time of its last release. A binary
#: built on a release runs on the same or a newer one (glibc is backward compatible), so where
#: a version's last build straddles a switch the newer release is listed.
DEFAULT_DEBIAN: dict[str, tuple[tuple[tuple[int, ...], str | None], ...]] = {
    # (from version, codename), newest first
    # Versions still maintained on the day of a switch (Go keeps two) get the newer release.
    "go": (((1, 23), "trixie"), ((1, 19), "bookworm"), ((1, 15), "bullseye"), ((1, 11), "buster"), ((1, 8), "stretch"), ((1, 4), "jessie")),
    # Rust keeps one version: the one current on the day of a switch is the first on the new
    # release (1.54 on 2021-08-14, 1.70 on 2023-06-10, 1.89 on 2025-08-09); the one before it
    # was last built on the old release (rust:1.69.0 is bullseye).
    "rust": (((1, 89), "trixie"), ((1, 70), "bookworm"), ((1, 54), "bullseye"), ((1, 36), "buster"), ((1, 20), "stretch")),
    # The language images below: only for a system package's runtime name, which must be
    # exact (a wrong release fails the build, loudly, at apt-get install). A version whose
    # last build fell near a switch is left out (None): the pass then declines on names that
    # differ between releases.
    # Versions still maintained are rebuilt on the newest release (trixie since August 2025).
    "python": (((3, 9), "trixie"), ((3, 8), "bookworm"), ((3, 7), None), ((3, 6), "bullseye"), ((3, 5), "buster"), ((3, 4), "stretch"), ((2, 7), "buster")),
    "node": (((20,), "trixie"), ((19,), None), ((16,), "bookworm"), ((15,), None), ((12,), "bullseye"), ((10,), "buster"), ((9,), None)),
    "ruby": (((3, 2), "trixie"), ((3, 0), "bookworm"), ((2, 6), "bullseye"), ((2, 4), "buster"), ((2, 3), None)),
    "php": (((8, 1), "trixie"), ((8, 0), "bookworm"), ((7, 3), "bullseye"), ((7, 1), "buster"), ((5, 6), "stretch")),
}


#: The Debian release of the first image of a language version (its minor: python 3.12 came
#: out in October 2023, when the default was bookworm): a lower bound for a patch version's tag
#: (``python:3.12.4``), whose last build is not listed. Later builds only move to newer releases.
FIRST_DEBIAN: dict[str, tuple[tuple[tuple[int, ...], str], ...]] = {
    # (from version, codename), newest first
    "python": (((3, 14), "trixie"), ((3, 12), "bookworm"), ((3, 10), "bullseye"), ((3, 8), "buster"), ((3, 7), "stretch")),
    "ruby": (((3, 3), "bookworm"), ((3, 1), "bullseye"), ((2, 7), "buster"), ((2, 6), "stretch")),
    "node": (((21,), "bookworm"), ((18,), "bullseye"), ((14,), "buster"), ((12,), "stretch")),
    "php": (((8, 3), "bookworm"), ((8, 1), "bullseye"), ((7, 4), "buster")),
}


def first_debian(ecosystem: str, tag: str) -> str | None:
    """The release of FIRST_DEBIAN for a tag that names a full version (``3.12.4``)."""
    word = _version_word(tag)
    if word is None or word != tag:
        return None
    version = tuple(int(x) for x in word.split("."))
    for since, codename in FIRST_DEBIAN.get(ecosystem, ()):
        if len(version) > len(since) and version[: len(since)] >= since:
            return codename
    return None


def default_debian(ecosystem: str, tag: str | None) -> str | None:
    """The Debian codename of a golang or rust tag that names only a version (``1.21``)."""
    table = DEFAULT_DEBIAN.get(ecosystem, ())
    if tag in (None, "latest"):
        return table[0][1] if ecosystem in ("go", "rust") else None
    word = _version_word(tag or "")
    if word is None or word != tag:
        return None
    version = tuple(int(x) for x in word.split("."))
    if ecosystem in ("go", "rust"):
        if len(version) < 2 and version != (1,):
            return None
        if version == (1,):
            return table[0][1]
    elif not table or len(version) != len(table[0][0]):
        return None  # python:3 moves; python:3.6.5 was built once, at its own time
    for since, codename in table:
        if version[: len(since)] >= since:
            return codename
    return None


#: The newest Alpine release the ``-alpine`` tags of a Go version were built on (the last
#: patch releases of 1.21, 1.22 and 1.23 had alpine3.20, alpine3.21 and alpine3.22 tags; every
#: older version's tags are older Alpine releases). A binary linked to musl runs on the same or
#: a newer release, so an ``-alpine`` tag that names no release runs on this one. Versions
#: still built on new releases are left out.
NEWEST_ALPINE: dict[str, tuple[tuple[tuple[int, ...], str | None], ...]] = {
    # (from version, Alpine release), newest first
    "go": (((1, 24), None), ((1, 23), "3.22"), ((1, 22), "3.21"), ((1, 0), "3.20")),
}


#: Packages that give a Go build a C compiler. The golang alpine images have none, and Go 1.20
#: and later then build with cgo off ("the go command now disables cgo by default on systems
#: without a C toolchain"): a static binary, which runs on any Alpine release.
C_TOOLCHAIN_PACKAGES = frozenset({"gcc", "clang", "g++", "build-base", "alpine-sdk", "tcc"})
#: The Alpine release the runtime stage of such a static binary takes when the golang tag names
#: no release of its own (``golang:alpine``, a Go version still built on new releases).
STATIC_ALPINE = "3.22"
#: The first Go version that turns cgo off by itself when there is no C compiler.
CGO_OFF_WITHOUT_COMPILER = (1, 20)


def newest_alpine(ecosystem: str, tag: str | None) -> str | None:
    """The Alpine release of NEWEST_ALPINE for a ``VERSION-alpine`` tag (None: not known)."""
    tokens = _tokens(tag or "")
    if len(tokens) != 2 or tokens[1] != "alpine":
        return None
    word = _version_word(tokens[0])
    if word is None or word != tokens[0]:
        return None
    version = tuple(int(x) for x in word.split("."))
    if len(version) < 2:
        return None
    for since, release in NEWEST_ALPINE.get(ecosystem, ()):
        if version[: len(since)] >= since:
            return release
    return None


def _distro_runtime(ref: ImageRef, ecosystem: str) -> Toolchain:
    """golang and rust: the plain distro image of the toolchain's release."""
    release = release_of(ref)
    if release.family == "debian" and not release.codename:
        plain = [t for t in _tokens(ref.tag or "") if t != "slim"]  # rust:1.71.0-slim: the same release
        codename = default_debian(ecosystem, plain[0] if ref.tag and len(plain) == 1 else ref.tag)
        if codename is not None:
            from .images import DEBIAN_CODENAMES

            release = Release("debian", DEBIAN_CODENAMES.get(codename), codename)
            return Toolchain(ecosystem, f"debian:{codename}-slim", release=release, why=f"{ref.text} is Debian {codename} (its last build)")
    if release.family == "debian" and release.codename:
        return Toolchain(ecosystem, f"debian:{release.codename}-slim", release=release)
    if release.family == "alpine" and release.version:
        return Toolchain(ecosystem, f"alpine:{'.'.join(map(str, release.version[:2]))}", release=release)
    if release.family == "alpine":
        newest = newest_alpine(ecosystem, ref.tag)
        if newest is not None:
            release = Release("alpine", tuple(int(x) for x in newest.split(".")))
            why = f"{ref.text} was built on Alpine {newest} or an older release, and a binary linked to musl runs on a newer one"
            return Toolchain(ecosystem, f"alpine:{newest}", release=release, why=why)
    return Toolchain(ecosystem, None, f"{ref.text}: the distro release of this tag is not known, so neither is the runtime image")


_JDK = re.compile(r"(?:^|-)(?:jdk-?|eclipse-temurin-|temurin-|openjdk-|ibmjava-|ibm-semeru-runtimes-open-|sapmachine-)(\d+)")


def _java(ref: ImageRef) -> Toolchain:
    tag = (ref.tag or "latest").lower()
    library = ref.library_name
    if library in ("openjdk", "eclipse-temurin", "java", "adoptopenjdk"):
        if "jre" in tag:
            return Toolchain("java", ref.text, slim=True)
        match = re.match(r"(\d+)", tag)
    else:  # maven, gradle
        match = _JDK.search(tag)
        if match is not None and "corretto" in tag:
            return Toolchain("java", None, f"{ref.text}: Amazon Corretto publishes no JRE image")
    if match is None:
        return Toolchain("java", None, f"{ref.text}: the tag does not name the JDK's major version")
    major = int(match.group(1))
    if major not in TEMURIN_JRE and library in ("openjdk", "java") and major in OPENJDK_JRE and re.fullmatch(r"\d+(-jdk)?", tag):
        # The image's own JRE variant (same Debian release): no Temurin image for this version.
        return Toolchain("java", f"{_prefix(ref)}:{major}-jre", version=str(major), release=release_of(ref))
    if major not in TEMURIN_JRE:
        return Toolchain("java", None, f"{ref.text}: Eclipse Temurin publishes JRE images for {', '.join(map(str, sorted(TEMURIN_JRE)))} only")
    release = release_of(ref)
    alpine = "alpine" in tag
    # Temurin publishes its JRE for the same systems as its JDK: the runtime keeps the tag's
    # own (``17-jdk-jammy`` -> ``17-jre-jammy``, so a replayed apt-get gets the same release).
    system = "-alpine" if alpine else ""
    ubi = re.search(r"ubi\d+-minimal", tag)
    if release.family == "ubuntu" and release.codename and release.codename in tag:
        system = f"-{release.codename}"
    elif ubi is not None:
        system = f"-{ubi.group(0)}"
    runtime = f"eclipse-temurin:{major}-jre{system}"
    temurin = library == "eclipse-temurin" or "temurin" in tag
    # openjdk and maven images are Debian (or Alpine); Temurin's are Ubuntu (or Alpine).
    return Toolchain("java", runtime, version=str(major), family_changes=not temurin and not alpine, release=release)


def _dotnet(ref: ImageRef) -> Toolchain:
    tag = (ref.tag or "latest").lower()
    if "nanoserver" in tag or "windowsservercore" in tag:
        return Toolchain("dotnet", None, f"{ref.text}: a Windows image")
    location = ref.location
    if location in ("mcr.microsoft.com/dotnet/sdk", "mcr.microsoft.com/dotnet/core/sdk"):
        return Toolchain("dotnet", f"{location.rsplit('/', 1)[0]}/aspnet:{ref.tag or 'latest'}", version=_version_word(tag))
    if location == "docker.io/microsoft/dotnet" and tag.endswith("-sdk"):
        version = tag[: -len("-sdk")]
        if _version_word(version) in ("1.0", "1.1", "2.0"):
            return Toolchain("dotnet", None, f"{ref.text}: no aspnetcore-runtime image for this version")
        return Toolchain("dotnet", f"microsoft/dotnet:{version}-aspnetcore-runtime", version=_version_word(version))
    return Toolchain("dotnet", None, f"{ref.text}: not a .NET SDK image this pass knows")


def toolchain(ref: ImageRef) -> Toolchain | None:
    """The toolchain an image is, with its runtime image; None for images that are not one."""
    library = ref.library_name
    if library == "python":
        return _library_slim(ref, "python", node_order=False)
    if library == "node":
        return _library_slim(ref, "node", node_order=True)
    if library == "ruby":
        return _library_slim(ref, "ruby", node_order=False)
    if library == "golang":
        return _distro_runtime(ref, "go")
    if library == "rust":
        return _distro_runtime(ref, "rust")
    if library in ("maven", "gradle", "openjdk", "eclipse-temurin", "java", "adoptopenjdk"):
        return _java(ref)
    if library == "php":
        # The official php images carry no compiler until a RUN adds one (the Debian variants
        # keep $PHPIZE_DEPS): the runtime stage is the same image, and the gain is what the
        # RUNs added to build extensions (headers, compilers), left in the builder.
        tag = (ref.tag or "latest").lower()
        if "windowsservercore" in tag or "nanoserver" in tag:
            return Toolchain("php", None, f"{ref.text}: a Windows image")
        return Toolchain("php", ref.text.split("@", 1)[0], slim=True, version=_version_word(tag), release=_with_default(release_of(ref), "php", ref.tag or "latest"))
    if ref.location.startswith(("mcr.microsoft.com/dotnet/", "docker.io/microsoft/dotnet")):
        return _dotnet(ref)
    return None


def python_dependency_places(version: str) -> tuple[str, ...]:
    return tuple(p.format(version=version) for p in DEPENDENCY_PLACES["python"])
