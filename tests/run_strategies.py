"""Hypothesis strategies for Dockerfiles made of package-manager transactions.

The files are what merge-runs works on: a FROM with a real base image (Debian, Ubuntu, Alpine,
Python, CentOS, Fedora, CircleCI, an unknown one), sometimes a second stage built FROM the
first or copying from it, and RUNs of apt, apk, yum, dnf and pip commands mixed with the
things that make joining or cleaning up wrong: ``cd``, ``export``, ``VAR=1``, ``;``, ``||``,
``&``, trailing ``;`` and comments, cache mounts, exec-form and heredoc RUNs, USER changes,
``ENV PIP_NO_CACHE_DIR``, scripts copied and run, ONBUILD RUN, CMD and ENTRYPOINT; with line
continuations in both styles (``&& \\`` at the end of a line, ``\\`` then ``&&`` at the start
of the next) and CRLF line endings.
"""

from __future__ import annotations

import json

from hypothesis import strategies as st

IMAGES = [
    "debian:bookworm", "debian:jessie", "ubuntu:14.04", "ubuntu:22.04", "alpine:3.2", "alpine:3.19",
    "python:3.12", "python:2.7.8", "centos:7", "fedora:40", "circleci/node:8", "example/unknown:1",
]

PACKAGES = ["curl", "git", "gcc", "python-pip", "python3-pip", "ca-certificates", "build-essential"]
APK_PACKAGES = ["curl", "git", "gcc", "py3-pip", "musl-dev"]
PIP_PACKAGES = ["flask", "requests==2.31.0", "numpy", "-r req.txt", "-e ."]

#: Commands that read apt's package lists, or may (a script), or none.
SCRIPTS = ["sh /x.sh", "./x.sh", "/x.sh", "bash /x.sh"]
STATE = ["cd /x", "export X=1", "VAR=1", "set -e", "umask 022"]
OTHER = ["echo hi", "make", "mkdir -p /app", "ls -la", "true", "python3 setup.py install", "curl -fsSL https://example.com/x -o /x"]


@st.composite
def _packages(draw: st.DrawFn, names: list[str]) -> str:
    return " ".join(draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True)))


@st.composite
def apt_update(draw: st.DrawFn) -> str:
    sudo = draw(st.sampled_from(["", "", "", "sudo "]))
    program = draw(st.sampled_from(["apt-get", "apt-get", "apt"]))
    quiet = draw(st.sampled_from(["", "", " -q", " -qq"]))
    return f"{sudo}{program}{quiet} update"


@st.composite
def apt_install(draw: st.DrawFn) -> str:
    sudo = draw(st.sampled_from(["", "", "", "sudo "]))
    program = draw(st.sampled_from(["apt-get", "apt-get", "apt"]))
    options = draw(st.lists(st.sampled_from(["-y", "-yq", "-t bookworm-backports", "-o Dpkg::Options::=--force-confnew", "--no-install-recommends", "-q"]), max_size=3, unique=True))
    before = draw(st.integers(0, len(options)))
    head = " ".join(options[:before])
    tail = " ".join(options[before:])
    words = [f"{sudo}{program}", head, "install", tail, draw(_packages(PACKAGES))]
    return " ".join(w for w in words if w)


@st.composite
def apk_command(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["update", "add", "add", "del"]))
    if kind == "update":
        return "apk update"
    if kind == "del":
        return "apk del .x"
    option = draw(st.sampled_from(["", "", "--update ", "--no-cache ", "--virtual .x ", "-U "]))
    return f"apk add {option}{draw(_packages(APK_PACKAGES))}"


@st.composite
def rpm_command(draw: st.DrawFn) -> str:
    return draw(st.sampled_from([
        f"yum install -y {draw(_packages(PACKAGES))}", "yum -y update", "yum makecache", "yum clean all",
        "rm -rf /var/cache/yum", f"dnf install -y {draw(_packages(PACKAGES))}", "dnf clean all",
        "dnf makecache", "microdnf install x", "zypper install -y x",
    ]))


@st.composite
def pip_command(draw: st.DrawFn) -> str:
    program = draw(st.sampled_from(["pip", "pip", "pip3", "python3 -m pip", "python -m pip"]))
    kind = draw(st.sampled_from(["install", "install", "upgrade"]))
    if kind == "upgrade":
        spelling = draw(st.sampled_from(["-U pip", "--upgrade pip", "-U pip setuptools", "pip==9.0.3"]))
        return f"{program} install {spelling}"
    option = draw(st.sampled_from(["", "", "", "--no-cache-dir ", "--no-cache ", "--user ", "--cache-dir /c "]))
    return f"{program} install {option}{draw(st.sampled_from(PIP_PACKAGES))}"


@st.composite
def apt_other(draw: st.DrawFn) -> str:
    return draw(st.sampled_from([
        "rm -rf /var/lib/apt/lists/*", "apt-get clean", "apt-cache policy curl", "apt-get autoremove -y",
        f"cat pkgs.txt | xargs apt-get install -y", "xargs -r apt-get install -y < pkgs.txt",
        "sh -c \"apt-get install -y curl\"", "sh -c 'apt-get update && apt-get install -y curl'",
        "sh -c 'echo hi'", "gdebi -n x.deb", "dpkg -i x.deb",
    ]))


@st.composite
def any_command(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 15))
    if kind <= 2:
        return draw(apt_update())
    if kind <= 5:
        return draw(apt_install())
    if kind <= 7:
        return draw(apk_command())
    if kind == 8:
        return draw(rpm_command())
    if kind <= 10:
        return draw(pip_command())
    if kind == 11:
        return draw(apt_other())
    if kind == 12:
        return draw(st.sampled_from(STATE))
    if kind == 13:
        return draw(st.sampled_from(SCRIPTS))
    return draw(st.sampled_from(OTHER))


@st.composite
def shell_text(draw: st.DrawFn, style: str, newline: str, commands: list[str] | None = None) -> str:
    """Commands joined with operators, sometimes over continuation lines, sometimes with a
    trailing ``;``, ``&`` or comment."""
    if commands is None:
        commands = draw(st.lists(any_command(), min_size=1, max_size=4))
    indent = draw(st.sampled_from(["    ", "    ", "  ", "\t"]))
    text = commands[0]
    for command in commands[1:]:
        op = draw(st.sampled_from(["&&", "&&", "&&", "&&", ";", "||", "&", "|"]))
        broken = draw(st.booleans())
        if not broken:
            text += ("; " if op == ";" else f" {op} ") + command
        elif style == "leading" and op in ("&&", "||", "|"):
            text += f" \\{newline}{indent}{op} {command}"
        else:
            text += f"{';' if op == ';' else ' ' + op} \\{newline}{indent}{command}"
    ending = draw(st.integers(0, 11))
    if ending == 0:
        text += ";"
    elif ending == 1:
        text += " # keep"
    elif ending == 2:
        text += " &"
    return text


def _exec(words: list[str]) -> str:
    return json.dumps(words)


@st.composite
def run_instruction(draw: st.DrawFn, style: str, newline: str, commands: list[str] | None = None) -> str:
    flags = draw(st.sampled_from([
        "", "", "", "", "", "", "--mount=type=cache,target=/var/cache/apt ", "--mount=type=cache,target=/var/lib/apt/lists ",
        "--mount=type=cache,target=/root/.cache/pip ", "--mount=type=cache,target=/tmp/x ", "--network=host ",
    ]))
    keyword = draw(st.sampled_from(["RUN", "RUN", "RUN", "run"]))
    form = draw(st.integers(0, 14))
    if commands is None and form == 0:
        words = draw(st.sampled_from([
            ["apt-get", "install", "-y", "curl"], ["apt-get", "update"], ["/x.sh"], ["apt-cache", "policy", "curl"],
            ["pip", "install", "flask"], ["apk", "add", "curl"], ["echo", "hi"],
        ]))
        return f"{keyword} {flags}{_exec(words)}"
    if commands is None and form == 1:
        inner = " && ".join(draw(st.lists(any_command(), min_size=1, max_size=3)))
        return f"{keyword} {flags}{_exec(['/bin/sh', '-c', inner])}"
    if commands is None and form == 2:
        body = draw(st.lists(any_command(), min_size=1, max_size=3))
        opener = draw(st.sampled_from(["<<EOF", "<<EOF", "<<-EOF", "bash <<EOF"]))
        return f"{keyword} {flags}{opener}{newline}" + "".join(line + newline for line in body) + "EOF"
    return f"{keyword} {flags}{draw(shell_text(style, newline, commands))}"


@st.composite
def transaction(draw: st.DrawFn, style: str, newline: str, image: str = "") -> list[str]:
    """Consecutive RUNs of one manager's transaction: [update] install [cleanup]; mostly of
    the manager the image has."""
    native = "apk" if image.startswith("alpine") else "yum" if image.startswith("centos") else "dnf" if image.startswith("fedora") else "apt"
    manager = draw(st.sampled_from([native, native, native, "pip", "pip", "apt", "apk", "yum", "dnf"]))
    runs: list[list[str]] = []
    if manager == "apt":
        update = draw(apt_update())
        if draw(st.booleans()):
            runs.append([update])
            runs.append([draw(apt_install())])
        else:
            runs.append([update, draw(apt_install())])
        if draw(st.booleans()):
            runs.append([draw(st.sampled_from(["rm -rf /var/lib/apt/lists/*", "apt-get clean", "apt-get clean && rm -rf /var/lib/apt/lists/*"]))])
    elif manager == "apk":
        if draw(st.booleans()):
            runs.append(["apk update"])
        runs.append([draw(apk_command())])
        if draw(st.booleans()):
            runs.append(["apk update", draw(apk_command())])
    elif manager in ("yum", "dnf"):
        if draw(st.booleans()):
            runs.append([f"{manager} makecache"])
        runs.append([f"{manager} install -y {draw(_packages(PACKAGES))}"])
        if draw(st.booleans()):
            runs.append([f"{manager} clean all"])
    else:
        if draw(st.booleans()):
            runs.append([draw(apt_update()), "apt-get install -y " + draw(st.sampled_from(["python-pip", "python3-pip", "python3-pip python-pip"]))])
        if draw(st.booleans()):
            runs.append([draw(st.sampled_from(["pip", "pip3", "python3 -m pip"])) + " install -U pip"])
        runs.append([draw(pip_command())])
    # Sometimes a neighbour that blocks the join: shell state, a later ; or ||.
    for run in runs:
        if draw(st.integers(0, 5)) == 0:
            run.insert(draw(st.integers(0, len(run))), draw(st.sampled_from(STATE + OTHER)))
    return [draw(run_instruction(style, newline, commands)) for commands in runs]


@st.composite
def other_instruction(draw: st.DrawFn, newline: str) -> list[str]:
    kind = draw(st.integers(0, 9))
    if kind <= 1:
        return [f"USER {draw(st.sampled_from(['root', 'app', '1000', '$VAR', '0', 'root:root', '${APP_USER}']))}"]
    if kind == 2:
        return [draw(st.sampled_from(["ENV PIP_NO_CACHE_DIR=1", "ENV PIP_NO_CACHE_DIR 1", "ENV X=1", "ARG VERSION=1", "WORKDIR /app"]))]
    if kind == 3:
        script = draw(st.sampled_from(["/x.sh", "./x.sh", "sh /x.sh", "bash /x.sh"]))
        return ["COPY x.sh /x.sh", f"RUN {script}"]
    if kind == 4:
        return [draw(st.sampled_from([
            "ONBUILD RUN apt-get install -y curl", "ONBUILD RUN apt-get update && apt-get install -y curl",
            'ONBUILD RUN ["apt-get", "install", "-y", "curl"]', "ONBUILD RUN pip install flask",
            "ONBUILD RUN apk add curl", "ONBUILD COPY . /app", "ONBUILD RUN /x.sh",
        ]))]
    if kind == 5:
        return [draw(st.sampled_from(["COPY . /app", "COPY req.txt .", "ADD x.tar.gz /opt/", "COPY pip.conf /etc/pip.conf", "# a comment", ""]))]
    keyword = draw(st.sampled_from(["CMD", "ENTRYPOINT"]))
    body = draw(st.sampled_from([
        _exec(["python", "app.py"]), _exec(["/start.sh"]), "python app.py", "sh /start.sh", "./start.sh",
        _exec(["nginx", "-g", "daemon off;"]), _exec(["apt-get", "install", "-y", "curl"]), "apt-cache policy curl",
        _exec(["sh", "-c", "apt-get update && apt-get install -y curl"]), "node server.js", _exec(["bash"]),
    ]))
    return [f"{keyword} {body}"]


@st.composite
def body(draw: st.DrawFn, style: str, newline: str, size: int, image: str = "") -> list[str]:
    lines: list[str] = []
    for _ in range(draw(st.integers(1, size))):
        kind = draw(st.integers(0, 9))
        if kind <= 3:
            lines.extend(draw(transaction(style, newline, image)))
        elif kind <= 6:
            lines.append(draw(run_instruction(style, newline)))
        else:
            lines.extend(draw(other_instruction(newline)))
    return lines


@st.composite
def merge_runs_dockerfile(draw: st.DrawFn) -> str:
    """A Dockerfile of one or two stages, made for merge-runs."""
    newline = draw(st.sampled_from(["\n", "\n", "\n", "\n", "\n", "\r\n"]))
    style = draw(st.sampled_from(["trailing", "trailing", "leading"]))
    image = draw(st.sampled_from(IMAGES))
    two = draw(st.integers(0, 2))
    name = draw(st.sampled_from(["base", "build", "deps"]))
    lines = [f"FROM {image}" + (f" AS {name}" if two else "")]
    lines.extend(draw(body(style, newline, 5, image)))
    if two == 1:
        lines.append(f"FROM {name}" + draw(st.sampled_from(["", " AS app"])))
        lines.extend(draw(body(style, newline, 3, image)))
    elif two == 2:
        second = draw(st.sampled_from(IMAGES))
        lines.append(f"FROM {second}")
        lines.append(f"COPY --from={name} /x /x")
        lines.extend(draw(body(style, newline, 3, second)))
    ending = draw(st.sampled_from([newline, newline, newline, ""]))
    return newline.join(lines) + ending
