"""order-copies with the build context: exact manifests, and the declines only the context can tell."""

from __future__ import annotations

from pathlib import Path

import pytest

import codemod
from codemod.engine import refactor
from codemod.passes import Context
from reference import buildkit

NODE = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n"


def _tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _run(root: Path, dockerfile: str, **files: str) -> codemod.Result:
    _tree(root, {"Dockerfile": dockerfile, **files})
    result = refactor(dockerfile, passes=["order-copies"], context=Context(path=str(root / "Dockerfile"), build_context=str(root)))
    assert buildkit(result.text) is not None
    assert not refactor(result.text, passes=["order-copies"], context=Context(path=str(root / "Dockerfile"), build_context=str(root))).changed
    return result


def _notes(result: codemod.Result) -> list[str]:
    return [d.message for d in result.diagnostics if d.pass_name == "order-copies"]


def test_only_the_manifests_that_exist_are_copied(tmp_path: Path) -> None:
    result = _run(tmp_path, NODE, **{"package.json": "{}", "package-lock.json": "{}", ".dockerignore": "node_modules\n"})
    assert "COPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n" in result.text
    assert "assumed" not in result.changes[0].explanation


def test_a_manifest_excluded_by_dockerignore_declines(tmp_path: Path) -> None:
    result = _run(tmp_path, NODE, **{"package.json": "{}", "package-lock.json": "{}", ".dockerignore": "package-lock.json\nnode_modules\n"})
    assert not result.changed
    assert any("none of package-lock.json, npm-shrinkwrap.json is in the build context" in n for n in _notes(result))


def test_node_modules_in_the_context_goes_into_a_new_dockerignore(tmp_path: Path) -> None:
    result = _run(tmp_path, NODE, **{"package.json": "{}", "package-lock.json": "{}", "node_modules/x/index.js": ""})
    assert "COPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\n" in result.text
    (edit,) = result.files
    assert (Path(edit.path), edit.old, edit.new) == (tmp_path / ".dockerignore", None, "node_modules\n")
    assert "added node_modules to .dockerignore" in result.changes[0].explanation


def test_an_existing_dockerignore_gets_the_entry_appended(tmp_path: Path) -> None:
    result = _run(tmp_path, NODE, **{"package.json": "{}", "package-lock.json": "{}", "node_modules/x/index.js": "", ".dockerignore": ".git"})
    (edit,) = result.files
    assert (edit.old, edit.new) == (".git", ".git\nnode_modules\n")


def test_the_cli_shows_and_writes_the_dockerignore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from codemod.cli import cli

    _tree(tmp_path, {"Dockerfile": NODE, "package.json": "{}", "package-lock.json": "{}", "node_modules/x/index.js": ""})
    monkeypatch.chdir(tmp_path)
    shown = CliRunner().invoke(cli, ["--diff", "--select", "order-copies", "Dockerfile"])
    assert shown.exit_code == 0, shown.output
    assert "--- /dev/null\n+++ b/.dockerignore\n@@ -0,0 +1 @@\n+node_modules\n" in shown.output
    assert not (tmp_path / ".dockerignore").exists()
    written = CliRunner().invoke(cli, ["--write", "--select", "order-copies", "Dockerfile"])
    assert written.exit_code == 0, written.output
    assert (tmp_path / ".dockerignore").read_text() == "node_modules\n"
    assert "COPY package.json package-lock.json ./" in (tmp_path / "Dockerfile").read_text()
    again = CliRunner().invoke(cli, ["--check", "--select", "order-copies", "Dockerfile"])
    assert again.exit_code == 0, again.output


def test_a_lifecycle_script_that_reads_the_sources_declines(tmp_path: Path) -> None:
    package = '{"scripts": {"postinstall": "node scripts/generate.js"}}'
    result = _run(tmp_path, NODE, **{"package.json": package, "package-lock.json": "{}", ".dockerignore": "node_modules\n"})
    assert not result.changed
    assert any("npm's postinstall script ('node scripts/generate.js') may read the sources" in n for n in _notes(result))


def test_patch_package_gets_its_patches(tmp_path: Path) -> None:
    package = '{"scripts": {"postinstall": "patch-package"}}'
    result = _run(tmp_path, NODE, **{"package.json": package, "package-lock.json": "{}", "patches/x+1.0.0.patch": "", ".dockerignore": "node_modules\n"})
    assert "COPY patches ./patches/\n" in result.text


def test_workspace_members_keep_their_paths(tmp_path: Path) -> None:
    package = '{"workspaces": ["packages/*"]}'
    result = _run(tmp_path, NODE, **{
        "package.json": package, "package-lock.json": "{}", ".dockerignore": "node_modules\n",
        "packages/api/package.json": "{}", "packages/web/package.json": "{}",
    })
    assert "COPY packages/api/package.json ./packages/api/\n" in result.text
    assert "COPY packages/web/package.json ./packages/web/\n" in result.text


def test_requirement_includes_are_followed(tmp_path: Path) -> None:
    dockerfile = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements/prod.txt\n"
    result = _run(tmp_path, dockerfile, **{"requirements/prod.txt": "-r base.txt\nflask\n", "requirements/base.txt": "click\n"})
    assert "COPY requirements/prod.txt ./requirements/\n" in result.text
    assert "COPY requirements/base.txt ./requirements/\n" in result.text


def test_a_local_path_in_the_requirements_declines(tmp_path: Path) -> None:
    dockerfile = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
    result = _run(tmp_path, dockerfile, **{"requirements.txt": "-e .\nflask\n"})
    assert not result.changed
    assert any("installs a local path" in n for n in _notes(result))


def test_go_local_replace_declines(tmp_path: Path) -> None:
    dockerfile = "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n"
    result = _run(tmp_path, dockerfile, **{"go.mod": "module x\n\ngo 1.22\n\nreplace example.com/lib => ./lib\n", "lib/go.mod": "module example.com/lib\n"})
    assert not result.changed
    assert any("replaces a module with the local directory" in n for n in _notes(result))


def test_yarn_berry_release_is_copied(tmp_path: Path) -> None:
    dockerfile = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN yarn install --immutable\n"
    result = _run(tmp_path, dockerfile, **{
        "package.json": "{}", "yarn.lock": "", ".yarnrc.yml": "yarnPath: .yarn/releases/yarn-4.1.0.cjs\n",
        ".yarn/releases/yarn-4.1.0.cjs": "", ".dockerignore": "node_modules\n",
    })
    assert "COPY package.json yarn.lock .yarnrc.yml ./\nCOPY .yarn/releases ./.yarn/releases/\n" in result.text


def test_without_a_resolvable_context_it_says_what_it_assumed(tmp_path: Path) -> None:
    dockerfile = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
    (tmp_path / "Dockerfile").write_text(dockerfile)
    result = refactor(dockerfile, passes=["order-copies"], context=Context(path=str(tmp_path / "Dockerfile"), build_context="none"))
    assert result.changed and "assumed the requirement files name no other local file" in result.changes[0].explanation


@pytest.mark.parametrize("sources_present", [True, False])
def test_the_dockerfile_directory_is_the_context_only_when_it_holds_the_sources(tmp_path: Path, sources_present: bool) -> None:
    dockerfile = "FROM python:3.12\nWORKDIR /app\nCOPY app.py requirements.txt ./\nCOPY . .\nRUN pip install -r requirements.txt\n"
    files = {"Dockerfile": dockerfile, "requirements.txt": "flask\n"}
    if sources_present:
        files["app.py"] = ""
    _tree(tmp_path, files)
    result = refactor(dockerfile, passes=["order-copies"], context=Context(path=str(tmp_path / "Dockerfile")))
    # With the context, the manifests are named plainly; without it, the assumption is said.
    assert result.changed
    assert ("assumed" in result.changes[0].explanation) is (not sources_present)


def test_a_prefetch_after_cd_names_its_folder_with_exact_manifests(tmp_path: Path) -> None:
    dockerfile = "FROM node:20 AS web\nCOPY . /src\nRUN cd /src/web && yarn install --frozen-lockfile && yarn build\nFROM nginx:1.27\nCOPY --from=web /src/web/dist /usr/share/nginx/html\n"
    result = _run(tmp_path, dockerfile, **{"web/package.json": "{}", "web/yarn.lock": "", ".dockerignore": "**/node_modules\n"})
    assert "COPY web/package.json web/yarn.lock /src/web/\nRUN yarn --cwd /src/web install --frozen-lockfile && yarn cache clean || true\nCOPY . /src\n" in result.text
    assert "RUN cd /src/web && yarn install --frozen-lockfile && yarn build\n" in result.text


def test_a_node_modules_the_context_holds_is_removed_between_them_declines(tmp_path: Path) -> None:
    dockerfile = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN rm -rf node_modules\nRUN npm ci\n"
    result = _run(tmp_path, dockerfile, **{"package.json": "{}", "package-lock.json": "{}", ".dockerignore": "node_modules\n"})
    assert not result.changed
    assert any("'RUN rm -rf node_modules' stands between them" in n for n in _notes(result))


def test_a_source_file_changed_between_them_stays_after_the_sources(tmp_path: Path) -> None:
    dockerfile = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN sed -i 's/DEBUG = True/DEBUG = False/' app/settings.py\nRUN pip install --no-cache-dir -r requirements.txt\n"
    result = _run(tmp_path, dockerfile, **{"requirements.txt": "flask\n", "app/settings.py": "DEBUG = True\n"})
    assert result.text.endswith(
        "COPY requirements.txt ./\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nRUN sed -i 's/DEBUG = True/DEBUG = False/' app/settings.py\n"
    )


def test_a_local_file_dependency_declines(tmp_path: Path) -> None:
    package = '{"dependencies": {"lib": "file:lib-1.0.0.tgz", "ms": "2.1.3"}}'
    result = _run(tmp_path, NODE, **{"package.json": package, "package-lock.json": "{}", "lib-1.0.0.tgz": "", ".dockerignore": "node_modules\n"})
    assert not result.changed
    assert any("package.json depends on the local path file:lib-1.0.0.tgz" in n for n in _notes(result))


RUBY = """\
FROM ruby:3.3
WORKDIR /code
COPY . /code
RUN bundle install
CMD ["bundle", "exec", "rake"]
"""


def test_a_gemfile_loading_its_gemspec_declines(tmp_path: Path) -> None:
    result = _run(tmp_path, RUBY, **{"Gemfile": "source 'https://rubygems.org'\ngemspec\n", "Gemfile.lock": "", "tool.gemspec": "", "lib/tool/version.rb": ""})
    assert not result.changed
    assert any("the Gemfile loads a gemspec or a gem from a local path" in n for n in _notes(result))


def test_a_gemfile_without_local_gems_moves_the_install(tmp_path: Path) -> None:
    result = _run(tmp_path, RUBY, **{"Gemfile": "source 'https://rubygems.org'\ngem 'rake'\n", "Gemfile.lock": ""})
    assert "COPY Gemfile Gemfile.lock /code/\nRUN bundle install\nCOPY . /code\n" in result.text, result.text


# --- Java and .NET builds that read more than one manifest --------------------------------------

JAVA_TAIL = "FROM eclipse-temurin:17-jre\nCOPY --from=build /app/target/app.jar /app.jar\n"
POM = "<project><modelVersion>4.0.0</modelVersion><groupId>a</groupId><artifactId>{}</artifactId><version>1</version>{}</project>"


def test_maven_goals_after_clean_are_recognised(tmp_path: Path) -> None:
    dockerfile = "FROM maven:3.9-eclipse-temurin-17 AS build\nWORKDIR /app\nCOPY . .\nRUN mvn -B -P prod clean package -DskipTests\n" + JAVA_TAIL
    result = _run(tmp_path, dockerfile, **{"pom.xml": POM.format("app", "")})
    assert "COPY pom.xml ./\nRUN mvn -B -P prod -DskipTests dependency:go-offline || true\nCOPY . .\n" in result.text


def test_maven_modules_poms_are_copied_to_their_folders(tmp_path: Path) -> None:
    dockerfile = "FROM maven:3.9-eclipse-temurin-17 AS build\nWORKDIR /app\nCOPY . .\nRUN mvn package\n" + JAVA_TAIL
    result = _run(tmp_path, dockerfile, **{
        "pom.xml": POM.format("parent", "<modules><module>core</module><module>web</module></modules>"),
        "core/pom.xml": POM.format("core", ""),
        "web/pom.xml": POM.format("web", "<dependencies><dependency><artifactId>junit</artifactId></dependency></dependencies>"),
    })
    assert "COPY pom.xml ./\nCOPY core/pom.xml ./core/\nCOPY web/pom.xml ./web/\nRUN mvn -B dependency:go-offline || true\n" in result.text


def test_maven_modules_that_depend_on_each_other_decline(tmp_path: Path) -> None:
    dockerfile = "FROM maven:3.9-eclipse-temurin-17 AS build\nWORKDIR /app\nCOPY . .\nRUN mvn package\n" + JAVA_TAIL
    result = _run(tmp_path, dockerfile, **{
        "pom.xml": POM.format("parent", "<modules><module>core</module><module>web</module></modules>"),
        "core/pom.xml": POM.format("core", ""),
        "web/pom.xml": POM.format("web", "<dependencies><dependency><groupId>a</groupId><artifactId>core</artifactId></dependency></dependencies>"),
    })
    assert not result.changed
    assert any("the Maven module web depends on the module core" in n for n in _notes(result))


def test_the_maven_wrapper_runs_the_prefetch_with_its_files(tmp_path: Path) -> None:
    dockerfile = "FROM eclipse-temurin:17-jdk AS build\nWORKDIR /app\nCOPY . .\nRUN ./mvnw clean package\n" + JAVA_TAIL
    result = _run(tmp_path, dockerfile, **{"pom.xml": POM.format("app", ""), "mvnw": "#!/bin/sh\n", ".mvn/wrapper/maven-wrapper.properties": ""})
    assert "COPY mvnw pom.xml ./\nCOPY .mvn ./.mvn/\nRUN ./mvnw -B dependency:go-offline || true\nCOPY . .\n" in result.text


def test_the_maven_wrapper_without_the_context_copies_its_folder(tmp_path: Path) -> None:
    dockerfile = "FROM eclipse-temurin:17-jdk AS build\nWORKDIR /app\nCOPY . .\nRUN ./mvnw package\n" + JAVA_TAIL
    result = refactor(dockerfile, passes=["order-copies"], context=Context(build_context="none"))
    assert "COPY mvnw pom.xml ./\nCOPY .mvn ./.mvn/\nRUN ./mvnw -B dependency:go-offline || true\n" in result.text


def test_gradle_wrapper_settings_catalog_and_subprojects(tmp_path: Path) -> None:
    dockerfile = "FROM eclipse-temurin:17-jdk AS build\nWORKDIR /app\nCOPY . .\nRUN ./gradlew clean bootJar -x test --no-daemon\n" + JAVA_TAIL
    result = _run(tmp_path, dockerfile, **{
        "build.gradle": "", "gradlew": "#!/bin/sh\n", "gradle/wrapper/gradle-wrapper.properties": "", "gradle/libs.versions.toml": "",
        "settings.gradle": "rootProject.name = 'app'\n// include 'old'\ninclude 'api', ':lib:core'\ninclude('nofile')\n",
        "api/build.gradle": "", "lib/core/build.gradle.kts": "", "nofile/README": "",
    })
    assert (
        "COPY gradlew build.gradle settings.gradle ./\nCOPY gradle ./gradle/\nCOPY api/build.gradle ./api/\n"
        "COPY lib/core/build.gradle.kts ./lib/core/\n"
        "RUN ./gradlew --no-daemon dependencies :api:dependencies :lib:core:dependencies || true\nCOPY . .\n"
    ) in result.text


def test_gradle_pointed_elsewhere_declines(tmp_path: Path) -> None:
    dockerfile = "FROM gradle:8-jdk17 AS build\nWORKDIR /app\nCOPY . .\nRUN gradle -p service build\n" + JAVA_TAIL
    result = _run(tmp_path, dockerfile, **{"build.gradle": "", "service/build.gradle": ""})
    assert not result.changed
    assert any("it names another project, build or settings file (-p)" in n for n in _notes(result))


def test_dotnet_solution_projects_and_references_are_copied(tmp_path: Path) -> None:
    dockerfile = (
        "FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /src\nCOPY . .\nRUN dotnet restore\n"
        "RUN dotnet publish src/Api/Api.csproj -o /out\n"
        "FROM mcr.microsoft.com/dotnet/aspnet:8.0\nCOPY --from=build /out /app\n"
    )
    result = _run(tmp_path, dockerfile, **{
        "App.sln": 'Project("{FAE04EC0}") = "Api", "src\\Api\\Api.csproj", "{1}"\nEndProject\n',
        "src/Api/Api.csproj": '<Project Sdk="Microsoft.NET.Sdk.Web"><ItemGroup><ProjectReference Include="..\\Core\\Core.csproj" /></ItemGroup></Project>',
        "src/Core/Core.csproj": '<Project Sdk="Microsoft.NET.Sdk"></Project>',
    })
    assert "COPY App.sln ./\nCOPY src/Api/Api.csproj ./src/Api/\nCOPY src/Core/Core.csproj ./src/Core/\nRUN dotnet restore || true\nCOPY . .\n" in result.text


def test_cargo_workspace_members_get_their_manifests_and_a_placeholder(tmp_path: Path) -> None:
    dockerfile = (
        "FROM rust:1.75 AS build\nWORKDIR /app\nCOPY . .\nRUN cargo build --release\n"
        "FROM debian:bookworm-slim\nCOPY --from=build /app/target/release/cli /usr/local/bin/cli\n"
    )
    result = _run(tmp_path, dockerfile, **{
        "Cargo.toml": '[workspace]\nmembers = ["crates/*"]\n', "Cargo.lock": "",
        "crates/core/Cargo.toml": '[package]\nname = "core"\n', "crates/core/src/lib.rs": "",
        "crates/cli/Cargo.toml": '[package]\nname = "cli"\n', "crates/cli/src/main.rs": "fn main() {}\n",
    })
    assert (
        "COPY Cargo.toml Cargo.lock ./\nCOPY crates/cli/Cargo.toml ./crates/cli/\nCOPY crates/core/Cargo.toml ./crates/core/\n"
        "RUN mkdir -p crates/cli/src crates/core/src && touch crates/cli/src/lib.rs crates/core/src/lib.rs"
        " && mkdir -p src && echo 'fn main() {}' > src/main.rs && cargo fetch || true; rm -rf src crates/cli/src crates/core/src\n"
        "COPY . .\n"
    ) in result.text


@pytest.mark.parametrize("steps", [
    "RUN chmod +x ./gradlew\nRUN ./gradlew bootJar\n",
    "RUN chmod +x ./gradlew && ./gradlew bootJar\n",
])
def test_a_wrapper_made_executable_after_the_copy_is_made_so_for_the_prefetch(tmp_path: Path, steps: str) -> None:
    """The context's gradlew is not executable (the file runs chmod after the COPY): so is the
    copy the prefetch runs, and the later COPY brings the file as it was."""
    dockerfile = "FROM eclipse-temurin:17-jdk AS build\nWORKDIR /app\nCOPY . .\n" + steps + JAVA_TAIL
    result = _run(tmp_path, dockerfile, **{"build.gradle": "", "gradlew": "#!/bin/sh\n", "gradle/wrapper/gradle-wrapper.properties": ""})
    assert "COPY gradlew build.gradle ./\nCOPY gradle ./gradle/\nRUN chmod +x ./gradlew && ./gradlew dependencies || true\nCOPY . .\n" + steps in result.text
