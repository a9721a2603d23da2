"""split-stages with a build context: what it reads there (lock files, the files beside a
compiled program's sources), and the runtime-image table it stands on."""

from __future__ import annotations

from pathlib import Path

import pytest

from codemod.engine import Result, refactor
from codemod.knowledge.images import parse_image
from codemod.knowledge.runtimes import default_debian, newest_alpine, toolchain
from codemod.passes import Context


def _split(tmp_path: Path, dockerfile: str, files: dict[str, str]) -> tuple[str, str]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (tmp_path / "Dockerfile").write_text(dockerfile)
    result = refactor(dockerfile, passes=["split-stages"], context=Context(path=str(tmp_path / "Dockerfile"), build_context=str(tmp_path)))
    explanation = "\n".join(c.explanation for c in result.changes) or "\n".join(d.message for d in result.diagnostics)
    return result.text, explanation


GO = """\
FROM golang:1.22-bookworm
WORKDIR /src
COPY . .
RUN go build -o /src/server .
CMD ["/src/server"]
"""


def test_go_files_beside_the_sources_are_carried(tmp_path: Path) -> None:
    text, why = _split(tmp_path, GO, {
        "go.mod": "module example.com/server\n\ngo 1.22\n", "main.go": "package main\n",
        "templates/index.html": "<p>hi</p>\n", "config.yaml": "port: 8080\n",
        "internal/x/x.go": "package x\n", "README.md": "# server\n",
    })
    assert "COPY --from=builder /src/templates /src/templates\n" in text
    assert "COPY --from=builder /src/config.yaml /src/config.yaml\n" in text
    assert "/src/internal" not in text.split("AS runtime")[1]
    assert "README" not in text.split("AS runtime")[1]
    assert "read in the build context" in why
    assert "assumed the program reads no file" not in why


def test_go_files_the_dockerignore_excludes_are_not_carried(tmp_path: Path) -> None:
    text, _ = _split(tmp_path, GO, {
        "go.mod": "module example.com/server\n", "main.go": "package main\n",
        "templates/index.html": "<p>hi</p>\n", ".dockerignore": "templates\n",
    })
    assert "templates" not in text


def test_go_without_a_context_carries_the_sources_it_runs_among() -> None:
    # Read bare, the files beside the sources cannot be told apart: the program runs in the
    # sources' directory, so that directory comes along (templates, .env, SQL files).
    result = refactor(GO, passes=["split-stages"], context=Context(build_context="none"))
    (change,) = result.changes
    assert "the sources' directory, where the program runs" in change.explanation
    assert "assumed the program reads no file" not in change.explanation
    runtime = result.text.split("AS runtime")[1]
    assert "FROM debian:bookworm-slim AS runtime\n" in result.text
    assert "COPY --from=builder /src /src\n" in runtime


def test_go_without_a_context_running_elsewhere_says_what_it_assumed() -> None:
    # The program runs away from its sources: they stay behind, and the note says so.
    text = GO.replace('CMD ["/src/server"]', 'WORKDIR /data\nCMD ["/src/server"]')
    result = refactor(text, passes=["split-stages"], context=Context(build_context="none"))
    (change,) = result.changes
    assert "assumed the program reads no file of the sources at run time" in change.explanation
    assert "COPY --from=builder /src/server /src/server\n" in result.text
    assert "COPY --from=builder /src /src\n" not in result.text


def test_python_requirements_that_link_libpq_install_it(tmp_path: Path) -> None:
    text, why = _split(tmp_path, """\
FROM python:3.12-bookworm
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
CMD ["python", "app.py"]
""", {"requirements.txt": "flask==3.0.0\npsycopg2>=2.9\n", "app.py": "print('hi')\n"})
    runtime = text.split("AS runtime\n", 1)[1]
    assert "apt-get install -y --no-install-recommends libpq5" in runtime
    assert "requirements.txt" in why
    assert "assumed no installed package" not in why


def test_ruby_lock_with_pg_installs_libpq(tmp_path: Path) -> None:
    text, _ = _split(tmp_path, """\
FROM ruby:3.3-bookworm
WORKDIR /app
COPY Gemfile Gemfile.lock ./
RUN bundle install
COPY . .
CMD ["ruby", "app.rb"]
""", {"Gemfile": "source 'https://rubygems.org'\ngem 'pg'\n", "Gemfile.lock": "GEM\n  specs:\n    pg (1.5.4)\n", "app.rb": "puts 1\n"})
    assert "libpq5" in text.split("AS runtime\n", 1)[1]


@pytest.mark.parametrize("image,runtime", [
    ("python:3.12", "python:3.12-slim"),
    ("python:3.12-bookworm", "python:3.12-slim-bookworm"),
    ("node:20-bookworm", "node:20-bookworm-slim"),
    ("node:20-alpine", "node:20-alpine"),
    ("ruby:3.2-bullseye", "ruby:3.2-slim-bullseye"),
    ("golang:1.22-bookworm", "debian:bookworm-slim"),
    ("golang:1.21-alpine3.18", "alpine:3.18"),
    ("golang:1.21", "debian:bookworm-slim"),
    ("rust:1.63", "debian:bullseye-slim"),
    ("maven:3-eclipse-temurin-17", "eclipse-temurin:17-jre"),
    ("gradle:8-jdk21-alpine", "eclipse-temurin:21-jre-alpine"),
    # Temurin's JRE on the JDK tag's own system (so a replayed apt-get gets the same release)
    ("eclipse-temurin:17-jdk-jammy", "eclipse-temurin:17-jre-jammy"),
    ("maven:3.9-eclipse-temurin-21-noble", "eclipse-temurin:21-jre-noble"),
    ("gradle:8.4-jdk17-focal", "eclipse-temurin:17-jre-focal"),
    ("eclipse-temurin:21-jdk-ubi9-minimal", "eclipse-temurin:21-jre-ubi9-minimal"),
    ("openjdk:11", "eclipse-temurin:11-jre"),
    ("java:7", "java:7-jre"),  # no Temurin 7: the image's own JRE tag
    ("openjdk:10-jdk", "openjdk:10-jre"),
    ("mcr.microsoft.com/dotnet/sdk:8.0", "mcr.microsoft.com/dotnet/aspnet:8.0"),
    ("microsoft/dotnet:2.1-sdk", "microsoft/dotnet:2.1-aspnetcore-runtime"),
])
def test_runtime_images(image: str, runtime: str) -> None:
    ref = parse_image(image)
    assert ref is not None
    chain = toolchain(ref)
    assert chain is not None and chain.runtime == runtime


@pytest.mark.parametrize("image", ["golang:alpine", "openjdk:12", "java:7-jdk-alpine", "maven:3-amazoncorretto-17", "node:5-onbuild"])
def test_no_runtime_image_says_why(image: str) -> None:
    ref = parse_image(image)
    assert ref is not None
    chain = toolchain(ref)
    assert chain is not None and chain.runtime is None and chain.why


def test_not_a_toolchain() -> None:
    ref = parse_image("debian:bookworm")
    assert ref is not None and toolchain(ref) is None


def test_default_debian_by_version() -> None:
    assert default_debian("go", "1.12") == "buster"
    assert default_debian("go", "1.22") == "bookworm"
    assert default_debian("go", "1.24") == "trixie"
    assert default_debian("go", "1.25") == "trixie"
    assert default_debian("rust", "1.75") == "bookworm"
    assert default_debian("go", "1.21-alpine") is None
    assert default_debian("go", "1.7") == "jessie"
    # A slim variant is the same release: rust:1.71.0-slim was built on bookworm.
    slim = toolchain(parse_image("rust:1.71.0-slim"))
    assert slim is not None and slim.runtime == "debian:bookworm-slim"
    assert toolchain(parse_image("rust:slim")).runtime is None  # type: ignore[union-attr]
    assert toolchain(parse_image("golang")).runtime == "debian:trixie-slim"  # type: ignore[union-attr]


def test_newest_alpine_by_version() -> None:
    assert newest_alpine("go", "1.10-alpine") == "3.20"
    assert newest_alpine("go", "1.10.1-alpine") == "3.20"
    assert newest_alpine("go", "1.22-alpine") == "3.21"
    assert newest_alpine("go", "1.23.4-alpine") == "3.22"
    assert newest_alpine("go", "1.24-alpine") is None  # still built on new releases
    assert newest_alpine("go", "alpine") is None
    assert newest_alpine("go", "1.21-alpine3.18") is None  # names its release: read from the tag
    assert newest_alpine("go", "1.21") is None
    chain = toolchain(parse_image("golang:1.16-alpine"))
    assert chain is not None and chain.runtime == "alpine:3.20"
    floating = toolchain(parse_image("golang:alpine"))
    assert floating is not None and floating.runtime is None


def test_ruby_gemfile_without_lock_names_sqlite3(tmp_path: Path) -> None:
    text, why = _split(tmp_path, """\
FROM ruby:3.1-bookworm
WORKDIR /app
COPY . .
RUN bundle install
CMD ["bundle", "exec", "rails", "server", "-b", "0.0.0.0"]
""", {"Gemfile": "source 'https://rubygems.org'\ngem 'rails', '~> 7.0'\ngem \"sqlite3\", \"~> 1.4\"\n", "app.rb": "puts 1\n"})
    assert "libsqlite3-0" in text.split("AS runtime\n", 1)[1]
    assert "Gemfile" in why


NODE_PUPPETEER = """\
FROM node:20-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends chromium && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
CMD ["node", "index.js"]
"""


def test_puppeteer_download_in_the_home_is_carried(tmp_path: Path) -> None:
    text, why = _split(tmp_path, NODE_PUPPETEER, {
        "package.json": '{"dependencies": {"puppeteer": "^22.8.0"}}\n', "package-lock.json": "{}\n", "index.js": "1\n",
    })
    runtime = text.split("AS runtime\n", 1)[1]
    assert "COPY --from=builder /root/.cache/puppeteer /root/.cache/puppeteer\n" in runtime
    assert "browser finds its system libraries" in why


@pytest.mark.parametrize("spec,env", [('"^13.0.0"', ""), ('"^22.0.0"', "ENV PUPPETEER_SKIP_DOWNLOAD=true\n")])
def test_puppeteer_without_a_download_in_the_home(tmp_path: Path, spec: str, env: str) -> None:
    # before 19 the browser is in node_modules; with the download skipped there is none
    dockerfile = NODE_PUPPETEER.replace("WORKDIR /app\n", env + "WORKDIR /app\n")
    text, _ = _split(tmp_path, dockerfile, {"package.json": '{"dependencies": {"puppeteer": ' + spec + "}}\n", "package-lock.json": "{}\n", "index.js": "1\n"})
    assert "AS runtime" in text
    assert ".cache/puppeteer" not in text


def test_playwright_browsers_carried_and_with_deps_declines(tmp_path: Path) -> None:
    files = {"package.json": '{"dependencies": {"playwright": "1.44.0"}}\n', "package-lock.json": "{}\n", "index.js": "1\n"}
    text, _ = _split(tmp_path, NODE_PUPPETEER.replace("COPY . .\n", "COPY . .\nRUN npx playwright install chromium\n"), files)
    assert "COPY --from=builder /root/.cache/ms-playwright /root/.cache/ms-playwright\n" in text.split("AS runtime\n", 1)[1]
    text, why = _split(tmp_path, NODE_PUPPETEER.replace("COPY . .\n", "COPY . .\nRUN npx playwright install --with-deps chromium\n"), files)
    assert "AS runtime" not in text
    assert "installs the browsers' system libraries with apt" in why


@pytest.mark.parametrize("lock,package", [
    ("mini_magick (4.12.0)", "imagemagick"),
    ("ethon (0.16.0)", "libcurl4"),
    ("sqlite3 (1.4.4)", "libsqlite3-0"),
])
def test_ruby_gems_that_need_what_the_full_image_has(tmp_path: Path, lock: str, package: str) -> None:
    text, _ = _split(tmp_path, """\
FROM ruby:3.2-bookworm
WORKDIR /app
COPY Gemfile Gemfile.lock ./
RUN bundle install
COPY . .
CMD ["ruby", "app.rb"]
""", {"Gemfile": "source 'https://rubygems.org'\n", "Gemfile.lock": f"GEM\n  specs:\n    {lock}\n", "app.rb": "puts 1\n"})
    assert package in text.split("AS runtime\n", 1)[1]


def test_python_opencv_needs_glib(tmp_path: Path) -> None:
    text, _ = _split(tmp_path, """\
FROM python:3.11-bookworm
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
CMD ["python", "app.py"]
""", {"requirements.txt": "opencv-python==4.9.0.80\n", "app.py": "1\n"})
    assert "libglib2.0-0" in text.split("AS runtime\n", 1)[1]


NODE_IN_ROOT = """\
FROM node:20
COPY . .
RUN npm ci
CMD ["node", "index.js"]
"""


def test_node_sources_in_root_install_carried(tmp_path: Path) -> None:
    text, why = _split(tmp_path, NODE_IN_ROOT, {"package.json": '{"name": "x", "scripts": {"start": "node index.js"}}\n', "package-lock.json": "{}\n", "index.js": "1\n"})
    runtime = text.split("AS runtime\n", 1)[1]
    assert runtime.index("COPY . .\n") < runtime.index("COPY --from=builder /node_modules /node_modules\n")
    assert "install script" not in why


def test_node_sources_in_root_with_an_install_script_declines(tmp_path: Path) -> None:
    text, why = _split(tmp_path, NODE_IN_ROOT, {"package.json": '{"name": "x", "scripts": {"postinstall": "tsc"}}\n', "package-lock.json": "{}\n", "index.js": "1\n"})
    assert "AS runtime" not in text
    assert "install script" in why


#: A python app whose image sets no CMD: the compose service that builds it says what runs.
NO_CMD = "FROM python:3.12-bookworm\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n"


def _split_with_compose(tmp_path: Path, command: str) -> Result:
    """NO_CMD split where a compose.yaml beside it builds it and runs it with ``command``: the
    context comes from the compose file (not given), as on the command line."""
    files = {
        "Dockerfile": NO_CMD, "requirements.txt": "flask==3.0.0\n", "app.py": "1\n",
        "compose.yaml": f"services:\n  web:\n    build: .\n    command: {command}\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return refactor(NO_CMD, passes=["split-stages"], context=Context(path=str(tmp_path / "Dockerfile")))


def test_compose_command_that_runs_the_toolchain_declines(tmp_path: Path) -> None:
    result = _split_with_compose(tmp_path, 'sh -c "pip install -r requirements.txt && python app.py"')
    assert not result.changes
    assert any("compose.yaml (service web) runs the image with" in d.message and "(pip install)" in d.message for d in result.diagnostics), result.diagnostics


def test_compose_command_read_replaces_the_assumption(tmp_path: Path) -> None:
    (change,) = _split_with_compose(tmp_path, '["python", "app.py"]').changes
    assert "sets no CMD or ENTRYPOINT" not in change.explanation
    without = refactor(NO_CMD, passes=["split-stages"], context=Context(build_context="none"))
    assert "sets no CMD or ENTRYPOINT" in without.changes[0].explanation
