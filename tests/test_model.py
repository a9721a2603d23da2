"""The model: stages, references resolved as BuildKit resolves them, scope."""

from __future__ import annotations

import codemod
from codemod.model import Model, mounts


def model(text: str) -> Model:
    return Model(codemod.parse(text))


def test_stages_names_and_preamble() -> None:
    m = model("ARG V=1\nFROM golang:1.22 AS Build\nRUN go build\nFROM alpine:${V}\nCOPY --from=build /a /a\n")
    assert [i.keyword for i in m.preamble] == ["ARG"]
    assert [(s.index, s.name, s.key, s.image.text if s.image else None) for s in m.stages] == [
        (0, "Build", "build", "golang:1.22"),
        (1, None, None, "alpine:${V}"),
    ]
    assert m.final is m.stages[1]
    assert m.stage_of(m.stages[0].instructions[1]) is m.stages[0]
    assert m.global_args == {"V": "1"}


def test_references_resolve_like_buildkit() -> None:
    text = (
        "FROM alpine AS a\n"                          # 0
        "FROM a AS b\n"                               # 1: FROM a -> stage 0
        "FROM alpine AS a\n"                          # 2: a second 'a'
        "FROM a AS c\n"                               # 3: FROM a -> stage 2 (latest earlier)
        "COPY --from=a /x /x\n"                       # COPY --from=a -> stage 2 (last of that name)
        "COPY --from=1 /y /y\n"                       # by index
        "COPY --from=nginx:latest /z /z\n"            # an image
        "RUN --mount=type=bind,from=b,target=/m true\n"
        "RUN --mount=type=bind,from=0,target=/m true\n"  # a number in a mount is an image name
        "FROM 0\n"                                    # and in FROM too
    )
    m = model(text)
    found = [(r.kind, r.value, r.target.index if r.target else None, r.by_index) for r in m.references]
    assert found == [
        ("from", "alpine", None, False),
        ("from", "a", 0, False),
        ("from", "alpine", None, False),
        ("from", "a", 2, False),
        ("copy", "a", 2, False),
        ("copy", "1", 1, True),
        ("copy", "nginx:latest", None, False),
        ("mount", "b", 1, False),
        ("mount", "0", None, False),
        ("from", "0", None, False),
    ]


def test_quoted_flags_are_read_as_buildkit_reads_them() -> None:
    m = model('FROM a AS x\nFROM b\nCOPY --from="x" /a /a\nRUN --mount="type=cache,target=/root/.cache" true\n')
    assert [(r.value, r.target.index if r.target else None) for r in m.references if r.kind == "copy"] == [("x", 0)]
    run = m.stages[1].instructions[2].command
    assert run is not None
    (mount,) = mounts(run)
    assert (mount.type, mount.target) == ("cache", "/root/.cache")


def test_final_image_chain_and_children() -> None:
    m = model("FROM debian AS base\nFROM base AS deps\nFROM golang AS build\nFROM deps\nCOPY --from=build /a /a\n")
    base, deps, build, final = m.stages
    assert [m.in_final_image(s) for s in m.stages] == [True, True, False, True]
    assert m.children(base) == [deps, final]
    assert [r.instruction for r in m.copied_from(build)] == [final.instructions[1]]


def test_scope_env_arg_workdir_user_shell() -> None:
    text = (
        "ARG BASE=debian\n"
        "FROM ${BASE} AS base\n"
        "ARG BASE\n"
        "ENV APP=/srv/app PATH=/opt/bin:$PATH\n"
        "WORKDIR $APP\n"
        "WORKDIR sub\n"
        "USER app\n"
        'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'
        "RUN echo\n"
        "FROM base\n"
        "RUN echo\n"
    )
    m = model(text)
    run = m.stages[0].instructions[-1]
    env = m.env(run)
    assert env["BASE"] == "debian" and env["APP"] == "/srv/app"
    assert env["PATH"] is None  # $PATH comes from the base image: unknown
    assert m.workdir(run) == "/srv/app/sub"
    assert m.user(run) == "app"
    assert m.shell(run) == ("/bin/bash", "-o", "pipefail", "-c")
    assert m.posix_shell(run)
    child_run = m.stages[1].instructions[-1]
    assert m.env(child_run)["APP"] == "/srv/app"  # ENV is part of the image it starts FROM
    assert m.expand("${APP}/bin:${BASE:+set}", run) == "/srv/app/bin:set"
    assert m.expand("${MISSING:-x}", run) is None  # the base image may set it


def test_windows_and_powershell_are_not_posix() -> None:
    m = model('FROM x\nSHELL ["powershell", "-Command"]\nRUN echo\n')
    assert not m.posix_shell(m.stages[0].instructions[-1])
    m = model("# escape=`\nFROM x\nRUN echo\n")
    assert not m.posix_shell(m.stages[0].instructions[-1])


def test_quoted_workdir_is_the_path_inside_the_quotes() -> None:
    # BuildKit expands WORKDIR's argument as a shell word: the quotes go.
    tree = codemod.parse("FROM x\nWORKDIR '/app'\nRUN a\nWORKDIR \"/srv/data\"\nRUN b\nWORKDIR sub\nRUN c\n")
    model = Model.of(tree)
    runs = [i for i in tree.instructions if i.word == "run"]
    assert [model.workdir(i) for i in runs] == ["/app", "/srv/data", "/srv/data/sub"]
