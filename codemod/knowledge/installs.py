"""Dependency installs, as data: which command installs an ecosystem's dependencies, which
manifests it reads, and what can run before the sources are copied.

order-copies reads this table to put the manifests and the install (or its dependency-only
form) before ``COPY . .``; split-stages reads it to know what a builder stage installs. A row:

- ``program`` and ``words``: the command (``npm ci``; ``pip install`` with ``-r``).
- ``required``: manifests the command cannot run without (the first that exists of each
  group; the group's first name is the one a COPY without the build context writes plainly).
- ``optional``: files the command reads when present (lockfiles, configuration).
- ``moves``: the install needs nothing but the manifests, so it moves before the sources; else
  ``dependency_only`` is the command that fetches the dependencies from the manifests alone,
  inserted before the sources while the original build step stays where it is.
- ``needs_context``: without the build context this install cannot be moved safely (a Yarn
  release in ``.yarn/releases``, a Maven multi-module build, a Gradle project...).
- ``assumption``: what acting without the build context assumes, said in the explanation.
"""

from __future__ import annotations

import re

from dataclasses import dataclass


@dataclass(frozen=True)
class Install:
    ecosystem: str
    program: str
    #: Positional words after the program (``("ci",)``); the command has no other positional
    #: word unless ``more`` (``npm install express`` installs a package, not the manifest).
    words: tuple[str, ...]
    required: tuple[tuple[str, ...], ...]
    optional: tuple[str, ...] = ()
    moves: bool = True
    dependency_only: str | None = None
    needs_context: str = ""
    assumption: str = ""
    more: bool = False
    #: Options that make the command read something else than the manifests (``pip install -e .``).
    declines_with: tuple[str, ...] = ()
    #: Directories it reads when present (copied only with the build context).
    optional_dirs: tuple[str, ...] = ()
    #: The dependency-only step takes the original's options (``--only main``, ``--frozen``).
    carry_options: bool = False
    #: The dependency-only step is a prefetch that may fail without failing the build
    #: (``|| true``): it fills the cache where it can, and the original install, kept after the
    #: sources, does the real work as before. For installs whose full needs only the build
    #: context shows (Yarn 2+ releases, Maven modules, a solution's projects, composer scripts).
    tolerant: bool = False
    #: A command run after the dependency-only step whatever it did (removing a placeholder).
    then: str = ""
    #: A cleanup joined to the dependency-only step (``yarn cache clean``: hadolint DL3060).
    clean: str = ""
    #: The dependency-only step downloads more than the build itself would (every plugin, every
    #: target's crates): only in a stage whose files do not reach the final image.
    fetches_more: bool = False
    #: Where the tool keeps what it downloads (named when a prefetch that resolves more than the
    #: build runs in the final image).
    cache: str = ""


INSTALLS: tuple[Install, ...] = (
    Install(
        "node", "npm", ("ci",),
        required=(("package.json",), ("package-lock.json", "npm-shrinkwrap.json")),
        optional=(".npmrc",),
        optional_dirs=("patches",),
        assumption="no npm lifecycle script (preinstall, install, postinstall, prepublish, preprepare, prepare, postprepare) reads the sources and no dependency is a local file: or link: path",
    ),
    Install(
        "node", "npm", ("install",),
        required=(("package.json",),),
        optional=("package-lock.json", "npm-shrinkwrap.json", ".npmrc"),
        optional_dirs=("patches",),
        assumption="no npm lifecycle script (preinstall, install, postinstall, prepublish, preprepare, prepare, postprepare) reads the sources and no dependency is a local file: or link: path",
    ),
    Install(
        "node", "npm", ("i",),
        required=(("package.json",),),
        optional=("package-lock.json", "npm-shrinkwrap.json", ".npmrc"),
        optional_dirs=("patches",),
        assumption="no npm lifecycle script (preinstall, install, postinstall, prepublish, preprepare, prepare, postprepare) reads the sources and no dependency is a local file: or link: path",
    ),
    Install(
        "node", "yarn", (),
        required=(("package.json",),),
        optional=("yarn.lock", ".yarnrc", ".yarnrc.yml", ".npmrc"),
        optional_dirs=(".yarn/releases", ".yarn/plugins", ".yarn/patches", "patches"),
        moves=False,
        tolerant=True,
        dependency_only="",
        carry_options=True,
        clean="yarn cache clean",
    ),
    Install(
        "node", "yarn", ("install",),
        required=(("package.json",),),
        optional=("yarn.lock", ".yarnrc", ".yarnrc.yml", ".npmrc"),
        optional_dirs=(".yarn/releases", ".yarn/plugins", ".yarn/patches", "patches"),
        moves=False,
        tolerant=True,
        dependency_only="",
        carry_options=True,
        clean="yarn cache clean",
    ),
    Install(
        "node", "pnpm", ("install",),
        required=(("package.json",),),
        optional=("pnpm-lock.yaml", "pnpm-workspace.yaml", ".npmrc", ".pnpmfile.cjs"),
        optional_dirs=("patches",),
        moves=False,
        tolerant=True,
        dependency_only="pnpm fetch",
    ),
    Install(
        "node", "pnpm", ("i",),
        required=(("package.json",),),
        optional=("pnpm-lock.yaml", "pnpm-workspace.yaml", ".npmrc", ".pnpmfile.cjs"),
        optional_dirs=("patches",),
        moves=False,
        tolerant=True,
        dependency_only="pnpm fetch",
    ),
    Install(
        "python", "pip", ("install",),
        required=(),  # the files named by -r / -c
        declines_with=("-e", "--editable", "."),
        assumption="the requirement files name no other local file (-r, -c, -e, a path) and the build context holds no virtualenv the later COPY would bring over the install",
    ),
    Install(
        "python", "poetry", ("install",),
        required=(("pyproject.toml",),),
        optional=("poetry.lock", "poetry.toml"),
        moves=False,
        dependency_only="poetry install --no-root",
        carry_options=True,
        assumption="the project's own package is installed by the original step, after the sources",
        more=True,
    ),
    Install(
        "python", "pipenv", ("install",),
        required=(("Pipfile",),),
        optional=("Pipfile.lock",),
        more=True,
    ),
    Install(
        "python", "uv", ("sync",),
        required=(("pyproject.toml",),),
        optional=("uv.lock",),
        moves=False,
        dependency_only="uv sync --no-install-project",
        carry_options=True,
        more=True,
        tolerant=True,
    ),
    Install(
        "python", "pdm", ("install",),
        required=(("pyproject.toml",),),
        optional=("pdm.lock",),
        moves=False,
        dependency_only="pdm install --no-self",
        carry_options=True,
        more=True,
        tolerant=True,
    ),
    Install(
        "go", "go", ("mod", "download"),
        required=(("go.mod",),),
        optional=("go.sum",),
        assumption="go.mod replaces no module with a local directory",
        more=True,
    ),
    Install(
        "go", "go", ("build",),
        required=(("go.mod",),),
        optional=("go.sum",),
        moves=False,
        more=True,
        dependency_only="go mod download",
        assumption="go.mod replaces no module with a local directory",
    ),
    Install(
        "go", "go", ("install",),
        required=(("go.mod",),),
        optional=("go.sum",),
        moves=False,
        more=True,
        dependency_only="go mod download",
        assumption="go.mod replaces no module with a local directory",
    ),
    Install(
        "ruby", "bundle", ("install",),
        required=(("Gemfile",),),
        optional=("Gemfile.lock", ".bundle/config"),
        assumption="the Gemfile loads no gemspec or other local file (gemspec, path:)",
        more=True,
    ),
    Install(
        "php", "composer", ("install",),
        required=(("composer.json",),),
        optional=("composer.lock", "auth.json"),
        more=True,
        moves=False,
        tolerant=True,
        dependency_only="composer install --no-scripts --no-autoloader",
        carry_options=True,
    ),
    Install(
        "java", "mvn", ("package",),
        required=(("pom.xml",),),
        moves=False, more=True,
        dependency_only="mvn dependency:go-offline",
        assumption="pom.xml lists no modules (a multi-module build's prefetch needs every module's pom)",
        tolerant=True,
        fetches_more=True,
        cache="the local repository, ~/.m2/repository",
    ),
    Install(
        "java", "mvn", ("install",),
        required=(("pom.xml",),),
        moves=False, more=True,
        dependency_only="mvn dependency:go-offline",
        assumption="pom.xml lists no modules (a multi-module build's prefetch needs every module's pom)",
        tolerant=True,
        fetches_more=True,
        cache="the local repository, ~/.m2/repository",
    ),
    Install(
        "java", "mvn", ("verify",),
        required=(("pom.xml",),),
        moves=False, more=True,
        dependency_only="mvn dependency:go-offline",
        assumption="pom.xml lists no modules (a multi-module build's prefetch needs every module's pom)",
        tolerant=True,
        fetches_more=True,
        cache="the local repository, ~/.m2/repository",
    ),
    Install(
        "java", "gradle", ("build",),
        # a build that builds has one of them (a build file, or settings naming subprojects)
        required=(("build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts"),),
        optional=("gradle.properties",),
        # the wrapper (gradle/wrapper) and the version catalog (gradle/libs.versions.toml)
        optional_dirs=("gradle",),
        moves=False, more=True,
        dependency_only="gradle dependencies",
        assumption="the build has no subprojects, buildSrc, included builds or version catalog (their files are copied only with the build context)",
        tolerant=True,
        fetches_more=True,
        cache="the Gradle user home's caches, ~/.gradle/caches",
    ),
    Install(
        "dotnet", "dotnet", ("restore",),
        required=(),  # the project named on the command line
        optional=("NuGet.config", "nuget.config", "Directory.Build.props", "Directory.Packages.props", "global.json"),
        more=True,
        moves=False,
        tolerant=True,
        dependency_only="dotnet restore",
        carry_options=True,
    ),
    Install(
        "rust", "cargo", ("build",),
        required=(("Cargo.toml",),),
        optional=("Cargo.lock",),
        moves=False, more=True,
        dependency_only="mkdir -p src && echo 'fn main() {}' > src/main.rs && cargo fetch",
        tolerant=True,
        then="rm -rf src",
        fetches_more=True,
        cache="cargo's registry, $CARGO_HOME/registry",
    ),
)


#: Build tools whose command names several goals or tasks (``mvn clean package``, ``gradle
#: clean bootJar -x test``): the goals that build, and so download the dependencies (each
#: finds the row of its first word), and the goals that only clean (skipped before them).
BUILD_GOALS: dict[str, dict[str, str]] = {
    "mvn": {"package": "package", "install": "install", "verify": "verify"},
    "gradle": {
        task: "build"
        for task in ("build", "assemble", "bootJar", "bootWar", "shadowJar", "jar", "war", "installDist", "bootDistTar", "distTar")
    },
}
CLEAN_GOALS = frozenset({"clean"})
#: Options of the build tools whose value is the next word (not a goal).
GOAL_VALUE_OPTIONS: dict[str, frozenset[str]] = {
    "mvn": frozenset({
        "-s", "--settings", "-gs", "--global-settings", "-P", "--activate-profiles", "-T", "--threads",
        "-pl", "--projects", "-l", "--log-file", "-f", "--file", "-rf", "--resume-from", "-D", "--define",
    }),
    "gradle": frozenset({
        "-x", "--exclude-task", "-p", "--project-dir", "-b", "--build-file", "-c", "--settings-file",
        "-g", "--gradle-user-home", "-I", "--init-script", "--console", "--warning-mode", "--max-workers",
        "--priority", "-D", "--system-prop", "-P", "--project-prop", "--include-build",
    }),
}
#: Wrapper scripts of the build tools (``./gradlew``, ``./mvnw``): the dependency-only step runs
#: the same script, which needs its own files (the ones a COPY of the manifests brings too).
WRAPPERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "gradlew": ("gradle", ("gradle",)),
    "mvnw": ("mvn", (".mvn",)),
}


def goals(program: str, args: tuple[str, ...]) -> tuple[str, ...]:
    """The positional words of a build tool's command: its goals or tasks, without the values
    of its options."""
    values = GOAL_VALUE_OPTIONS.get(program, frozenset())
    found: list[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg.startswith("-"):
            skip = arg in values
        else:
            found.append(arg)
    return tuple(found)


def find(program: str, positional: tuple[str, ...]) -> Install | None:
    """The row for a command: its program and its positional words."""
    if program in BUILD_GOALS:
        words = [w for w in positional if w not in CLEAN_GOALS]
        if not words or words[0] not in BUILD_GOALS[program]:
            return None
        positional = (BUILD_GOALS[program][words[0]], *words[1:])
    for row in INSTALLS:
        if row.program != program:
            continue
        if positional[: len(row.words)] != row.words:
            continue
        if len(positional) > len(row.words) and not row.more and row.program not in ("pip",):
            continue
        return row
    return None


#: Programs a python image's command runs that do not come from the project's own package:
#: a command running anything else may run a console script the project installs itself
#: (``-e .`` in its requirements), which an install from the manifests alone cannot.
PYTHON_RUNNERS = frozenset({
    "python", "python3", "python2", "gunicorn", "uvicorn", "uwsgi", "celery", "flask", "daphne",
    "hypercorn", "waitress-serve", "django-admin", "jupyter", "streamlit", "sh", "bash", "supervisord",
    "honcho", "newrelic-admin", "ddtrace-run", "pytest", "locust", "scrapy", "rq", "dramatiq",
    "huey_consumer", "nginx", "tini", "dumb-init", "gosu", "su-exec", "exec", "env", "opentelemetry-instrument",
})


#: composer's installer (getcomposer.org, or a pinned copy under a commit): ``curl -sS URL | php
#: -- --install-dir=DIR --filename=composer`` writes composer into DIR and reads nothing else.
COMPOSER_INSTALLER = re.compile(r"getcomposer\.org/(?:[0-9a-f]+/web/)?installer")
#: Options of curl and wget that read a local file (an upload, form data, a configuration or a
#: list of URLs): with one, the download is not known to read nothing of the sources.
DOWNLOAD_READS = {
    "curl": ("-T", "--upload-file", "-K", "--config", "-F", "--form", "-d", "--data", "--data-binary", "--data-raw", "--data-urlencode", "-b", "--cookie", "--netrc-file", "--cacert", "--cert", "--key"),
    "wget": ("-i", "--input-file", "--config", "--load-cookies", "--post-file", "--body-file", "--ca-certificate", "--certificate", "--private-key"),
}
