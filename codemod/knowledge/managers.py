"""Package managers and the programs around them, as data.

Every pass that reasons about installs, caches and indexes reads these tables; none keeps a
copy of its own. A row says, for one package manager: the programs that are it, the
subcommands that refresh its index, install, or only clean up; the files its cleanup removes;
where it keeps its index and whether ordinary commands fetch a missing index themselves; the
cleanup a pass may add (a command, or a flag and the versions that have it); and the cache
directories a ``RUN --mount=type=cache`` can hold instead.

``PROGRAMS`` says what other programs do with package indexes: wrappers that run another
command (``sudo``, ``xargs``, ``env``...), shells that run text or a file, and programs known
never to touch a package index (coreutils, fetchers, compilers, language package managers).
A program in none of these tables may call a package manager: passes treat it as unknown.
"""

from __future__ import annotations

from dataclasses import dataclass

Version = tuple[int, ...]


@dataclass(frozen=True)
class Manager:
    """One package manager."""

    name: str
    #: Program names (base names) that are this manager.
    programs: frozenset[str]
    #: Subcommands that refresh the index and install nothing.
    update: frozenset[str]
    #: Subcommands that install packages.
    install: frozenset[str]
    #: Subcommands that only clean up after it (their first positional word).
    cleanup: frozenset[str]
    #: Paths whose removal (``rm -rf PATH...``) is cleanup after it.
    cache_paths: tuple[str, ...]
    #: Where it keeps its package index.
    index_paths: tuple[str, ...] = ()
    #: Subcommands that read the index (an install, a search, a policy query...).
    index_users: frozenset[str] = frozenset()
    #: Other programs that read this manager's index: program -> the subcommands that do
    #: ("*" for all of them).
    index_readers: tuple[tuple[str, frozenset[str]], ...] = ()
    #: Options of an index user that make it fetch the index itself (``apk add --update``).
    self_updating: frozenset[str] = frozenset()
    #: Whether ordinary commands fetch missing metadata themselves (yum, dnf, zypper); then a
    #: later command needs the kept cache only with one of ``cache_only`` options.
    fetches_missing_index: bool = False
    cache_only: frozenset[str] = frozenset()
    #: Options that take a value as the next word (``apt-get -o K=V install``).
    options_with_value: frozenset[str] = frozenset()
    #: The cleanup command a pass may append after an install (None: a flag instead).
    cleanup_command: str | None = None
    #: The flag of the install subcommand that keeps no cache, and the versions that have it.
    no_cache_flag: str | None = None
    #: Options that turn the cache off already (abbreviations included where the tool takes them).
    no_cache_spellings: tuple[str, ...] = ()
    #: Environment variables that turn its cache off.
    no_cache_env: frozenset[str] = frozenset()
    #: Configuration files that may turn its cache off.
    config_files: tuple[str, ...] = ()
    #: Directories a ``--mount=type=cache`` can hold instead of deleting them.
    cache_mounts: tuple[str, ...] = ()


_APT_OPTIONS = frozenset({"-o", "--option", "-c", "--config-file", "-t", "--target-release", "--default-release", "-a", "--host-architecture", "-P", "--build-profiles"})

MANAGERS: tuple[Manager, ...] = (
    Manager(
        "apt",
        programs=frozenset({"apt-get", "apt", "aptitude"}),
        update=frozenset({"update"}),
        install=frozenset({"install"}),
        cleanup=frozenset({"clean", "autoclean", "autoremove", "purge"}),
        cache_paths=("/var/lib/apt/lists", "/var/cache/apt"),
        index_paths=("/var/lib/apt/lists",),
        index_users=frozenset({
            "install", "reinstall", "upgrade", "dist-upgrade", "full-upgrade", "safe-upgrade", "source",
            "build-dep", "download", "changelog", "satisfy", "search", "show", "showsrc", "policy",
            "list", "depends", "rdepends", "why", "why-not", "versions",
        }),
        index_readers=(
            ("apt-cache", frozenset({"*"})),
            ("gdebi", frozenset({"*"})),
            ("rosdep", frozenset({"install"})),
            ("mk-build-deps", frozenset({"*"})),
            ("tasksel", frozenset({"*"})),
            ("unattended-upgrade", frozenset({"*"})),
            ("unattended-upgrades", frozenset({"*"})),
            ("do-release-upgrade", frozenset({"*"})),
            ("apt-rdepends", frozenset({"*"})),
            ("apt-show-versions", frozenset({"*"})),
        ),
        options_with_value=_APT_OPTIONS,
        cleanup_command="rm -rf /var/lib/apt/lists/*",
        cache_mounts=("/var/cache/apt", "/var/lib/apt"),
    ),
    Manager(
        "apk",
        programs=frozenset({"apk"}),
        update=frozenset({"update"}),
        install=frozenset({"add"}),
        cleanup=frozenset({"del", "cache"}),
        cache_paths=("/var/cache/apk", "/etc/apk/cache"),
        index_paths=("/var/cache/apk",),
        index_users=frozenset({"add", "upgrade", "search", "info", "fetch", "fix", "version", "policy", "dot", "list"}),
        self_updating=frozenset({"--update", "-U", "--update-cache", "--no-cache"}),
        options_with_value=frozenset({"-X", "--repository", "-p", "--root", "--arch", "-t", "--virtual", "--keys-dir", "--cache-dir", "--repositories-file", "--cache-max-age", "--wait"}),
        no_cache_flag="--no-cache",
        no_cache_spellings=("--no-cache",),
        cache_mounts=("/var/cache/apk",),
    ),
    Manager(
        "yum",
        programs=frozenset({"yum"}),
        update=frozenset({"makecache", "check-update"}),
        install=frozenset({"install", "groupinstall", "localinstall", "reinstall", "update", "upgrade"}),
        cleanup=frozenset({"clean"}),
        cache_paths=("/var/cache/yum",),
        index_paths=("/var/cache/yum",),
        index_users=frozenset({"install", "groupinstall", "localinstall", "reinstall", "update", "upgrade", "search", "info", "list", "provides", "whatprovides", "deplist", "downgrade"}),
        fetches_missing_index=True,
        cache_only=frozenset({"-C", "--cacheonly"}),
        options_with_value=frozenset({"-c", "--config", "-d", "--debuglevel", "-e", "--errorlevel", "-x", "--exclude", "--installroot", "--releasever", "--setopt", "--enablerepo", "--disablerepo", "--rpmverbosity"}),
        cleanup_command="yum clean all && rm -rf /var/cache/yum",
        cache_mounts=("/var/cache/yum",),
    ),
    Manager(
        "dnf",
        programs=frozenset({"dnf", "dnf5", "tdnf"}),
        update=frozenset({"makecache", "check-update"}),
        install=frozenset({"install", "groupinstall", "reinstall", "update", "upgrade"}),
        cleanup=frozenset({"clean"}),
        cache_paths=("/var/cache/dnf", "/var/cache/yum"),
        index_paths=("/var/cache/dnf",),
        index_users=frozenset({"install", "groupinstall", "reinstall", "update", "upgrade", "search", "info", "list", "provides", "repoquery", "downgrade"}),
        fetches_missing_index=True,
        cache_only=frozenset({"-C", "--cacheonly"}),
        options_with_value=frozenset({"-c", "--config", "-d", "--debuglevel", "-e", "--errorlevel", "-x", "--exclude", "--installroot", "--releasever", "--setopt", "--enablerepo", "--disablerepo", "--repo", "--repoid"}),
        cleanup_command="dnf clean all",
        cache_mounts=("/var/cache/dnf",),
    ),
    Manager(
        "microdnf",
        programs=frozenset({"microdnf"}),
        update=frozenset({"makecache"}),
        install=frozenset({"install", "reinstall", "update", "upgrade"}),
        cleanup=frozenset({"clean"}),
        cache_paths=("/var/cache/yum", "/var/cache/dnf"),
        index_paths=("/var/cache/yum", "/var/cache/dnf"),
        index_users=frozenset({"install", "reinstall", "update", "upgrade", "download", "repoquery"}),
        fetches_missing_index=True,
        options_with_value=frozenset({"--config", "--installroot", "--releasever", "--setopt", "--enablerepo", "--disablerepo"}),
        cleanup_command="microdnf clean all",
    ),
    Manager(
        "zypper",
        programs=frozenset({"zypper"}),
        update=frozenset({"refresh", "ref"}),
        install=frozenset({"install", "in", "update", "up", "dist-upgrade", "dup"}),
        cleanup=frozenset({"clean", "cc"}),
        cache_paths=("/var/cache/zypp",),
        index_paths=("/var/cache/zypp",),
        index_users=frozenset({"install", "in", "update", "up", "dist-upgrade", "dup", "search", "se", "info", "if"}),
        fetches_missing_index=True,
        cache_only=frozenset({"--no-refresh"}),
        options_with_value=frozenset({"--root", "-R", "--config", "-c", "--repo", "-r", "--plus-repo", "-p"}),
        cleanup_command="zypper clean --all",
        cache_mounts=("/var/cache/zypp",),
    ),
    Manager(
        "pip",
        programs=frozenset({"pip"}),
        update=frozenset(),
        install=frozenset({"install"}),
        cleanup=frozenset({"cache"}),
        cache_paths=("/root/.cache/pip", "/root/.cache", "~/.cache/pip", "~/.cache", "$HOME/.cache/pip", "${HOME}/.cache/pip", "$HOME/.cache", "${HOME}/.cache"),
        options_with_value=frozenset({
            "-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url",
            "--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix", "--root", "--src",
            "--trusted-host", "--timeout", "--retries", "--cache-dir", "--log", "--proxy", "--platform",
            "--python-version", "--implementation", "--abi", "--no-binary", "--only-binary",
            "--progress-bar", "--upgrade-strategy", "--exists-action", "--cert", "--client-cert",
            "--global-option", "--install-option", "--config-settings", "-C", "--python", "--report",
            "--root-user-action", "--use-feature", "--use-deprecated", "--keyring-provider",
        }),
        no_cache_flag="--no-cache-dir",
        # pip takes unambiguous abbreviations of long options: --no-cache is --no-cache-dir.
        no_cache_spellings=("--no-cache",),
        no_cache_env=frozenset({"PIP_NO_CACHE_DIR"}),
        config_files=("/etc/pip.conf", "/root/.pip/pip.conf", "/root/.config/pip/pip.conf", "~/.pip/pip.conf", "~/.config/pip/pip.conf", "/etc/xdg/pip/pip.conf"),
        cache_mounts=("/root/.cache/pip",),
    ),
    Manager(
        "npm",
        programs=frozenset({"npm"}),
        update=frozenset(),
        install=frozenset({"ci", "install", "i", "add"}),
        cleanup=frozenset({"cache"}),
        cache_paths=("/root/.npm", "~/.npm", "$HOME/.npm", "${HOME}/.npm", "/usr/local/share/.cache"),
        options_with_value=frozenset({"--prefix", "-w", "--workspace", "--registry", "--cache", "--userconfig", "--omit", "--include", "--loglevel"}),
        cache_mounts=("/root/.npm",),
    ),
)

BY_NAME: dict[str, Manager] = {m.name: m for m in MANAGERS}

def older(version: Version, than: Version) -> bool:
    """``version < than`` with missing parts read as 0 (``(6,)`` is not older than ``(6, 0)``)."""
    size = max(len(version), len(than))
    return version + (0,) * (size - len(version)) < than + (0,) * (size - len(than))


#: pip learnt --no-cache-dir (and got its download cache) in 6.0.
PIP_NO_CACHE_DIR_SINCE: Version = (6, 0)
#: apk learnt --no-cache in Alpine 3.3 (apk-tools 2.6).
APK_NO_CACHE_SINCE: Version = (3, 3)

#: Distribution packages that install pip (their version comes from the release's table).
PIP_PACKAGES = frozenset({"python-pip", "python3-pip", "python2-pip", "py-pip", "py3-pip", "python-pip-whl", "python27-pip", "python36-pip", "python38-pip", "python39-pip", "python3.11-pip"})


@dataclass(frozen=True)
class Wrapper:
    """A program that runs the command in its arguments (``sudo apt-get ...``)."""

    #: Options that take a value as the next word.
    options_with_value: frozenset[str] = frozenset()
    #: Leading words that are not options but are consumed (``env VAR=1``, ``chroot DIR``).
    assignments: bool = False
    leading_operands: int = 0
    #: Runs the command as another user, as root (sudo) or as root only (doas).
    as_root: bool = False


WRAPPERS: dict[str, Wrapper] = {
    "sudo": Wrapper(frozenset({"-u", "--user", "-g", "--group", "-C", "--close-from", "-D", "--chdir", "-h", "--host", "-p", "--prompt", "-r", "--role", "-t", "--type", "-T", "--command-timeout"}), as_root=True),
    "doas": Wrapper(frozenset({"-u", "-C"}), as_root=True),
    "env": Wrapper(frozenset({"-u", "--unset", "-C", "--chdir", "-S", "--split-string"}), assignments=True),
    "nohup": Wrapper(),
    "time": Wrapper(frozenset({"-f", "--format", "-o", "--output"})),
    "exec": Wrapper(frozenset({"-a"})),
    "command": Wrapper(),
    "builtin": Wrapper(),
    "nice": Wrapper(frozenset({"-n", "--adjustment"})),
    "ionice": Wrapper(frozenset({"-c", "--class", "-n", "--classdata", "-p", "--pid"})),
    "stdbuf": Wrapper(frozenset({"-i", "-o", "-e"})),
    "timeout": Wrapper(frozenset({"-s", "--signal", "-k", "--kill-after"}), leading_operands=1),
    "xargs": Wrapper(frozenset({"-a", "--arg-file", "-d", "--delimiter", "-E", "-e", "-I", "-i", "-L", "-l", "-n", "--max-args", "-P", "--max-procs", "-s", "--max-chars"})),
    "chroot": Wrapper(frozenset({"--userspec", "--groups"}), leading_operands=1),
    "setsid": Wrapper(),
    "unbuffer": Wrapper(),
    "eatmydata": Wrapper(),
    "retry": Wrapper(frozenset({"-t", "--tries", "-s", "--sleep", "-m", "--min", "-x", "--max"})),
    "gosu": Wrapper(leading_operands=1),
    "su-exec": Wrapper(leading_operands=1),
    "tini": Wrapper(frozenset({"-e", "-p"})),
    "dumb-init": Wrapper(frozenset({"-r", "--rewrite"})),
    "catatonit": Wrapper(),
}

#: Shells: ``sh -c TEXT`` runs TEXT, ``sh FILE`` runs a script, ``sh`` alone reads standard input.
SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox"})

#: Programs known never to read or change a package index (they may download, build, copy,
#: or install language packages: never OS packages). Interpreters are here: the application
#: code they run installs no OS packages; shell scripts are not (see SHELLS).
NEVER_USE_INDEX = frozenset({
    # shell built-ins and keywords
    ":", "true", "false", "echo", "printf", "test", "[", "[[", "cd", "pushd", "popd", "export",
    "set", "unset", "umask", "ulimit", "shopt", "alias", "unalias", "trap", "read", "wait", "shift",
    "exit", "return", "local", "declare", "typeset", "readonly", "let", "hash", "type", "function",
    "for", "select", "getopts", "sleep", "break", "continue", "eval",
    # files and text
    "mkdir", "rmdir", "cp", "mv", "rm", "ln", "chmod", "chown", "chgrp", "touch", "cat", "ls", "find",
    "sed", "awk", "gawk", "mawk", "grep", "egrep", "fgrep", "head", "tail", "tee", "sort", "uniq",
    "cut", "tr", "wc", "basename", "dirname", "readlink", "realpath", "mktemp", "install", "stat",
    "date", "yes", "id", "whoami", "uname", "hostname", "du", "df", "file", "which", "whereis",
    "diff", "cmp", "patch", "split", "paste", "join", "comm", "nl", "od", "xxd", "hexdump", "base64",
    "md5sum", "sha1sum", "sha256sum", "sha512sum", "shasum", "cksum", "truncate", "dd", "sync",
    "envsubst", "jq", "yq", "column", "rev", "fold", "fmt", "expand", "unexpand", "seq", "expr",
    "tput", "clear", "locale", "localedef", "locale-gen", "update-locale", "ldconfig", "ldd",
    "strip", "objcopy", "setcap", "getcap", "chattr", "lsattr", "mknod", "mkfifo", "usleep",
    "printenv", "env-update", "nproc", "getconf", "getent", "pwd", "dirs", "ps", "kill", "pkill",
    "sysctl", "ulimit", "fc-cache", "update-mime-database", "glib-compile-schemas", "gtk-update-icon-cache",
    "update-desktop-database", "mandb", "tzdata", "ln", "unlink", "shred", "vi", "nano",
    # archives and downloads (a download piped to a shell is a script: see SHELLS)
    "tar", "gzip", "gunzip", "zcat", "bzip2", "bunzip2", "xz", "unxz", "zstd", "unzstd", "lz4", "zip",
    "unzip", "7z", "7za", "cpio", "ar", "rpm2cpio", "curl", "wget", "aria2c", "git", "svn", "hg",
    "rsync", "scp", "ssh", "ssh-keygen", "ssh-keyscan", "gpg", "gpg2", "gpgv", "openssl", "keytool",
    # users, system configuration and keys
    "useradd", "userdel", "usermod", "groupadd", "groupdel", "groupmod", "adduser", "addgroup",
    "deluser", "delgroup", "passwd", "chpasswd", "chsh", "visudo", "update-ca-certificates",
    "update-ca-trust", "update-alternatives", "alternatives", "dpkg-reconfigure", "debconf-set-selections",
    "apt-key", "apt-mark", "apt-config", "dpkg", "dpkg-divert", "dpkg-query", "dpkg-deb", "rpm",
    "rpmkeys", "ln", "systemctl", "service", "rc-update", "chkconfig", "setfacl", "getfacl",
    "add-apt-repository", "apt-add-repository", "cron", "crontab", "timedatectl", "dbus-uuidgen",
    "mkfontdir", "mkfontscale", "fc-list", "a2enmod", "a2dismod", "a2ensite", "a2dissite", "a2enconf",
    "a2disconf", "phpenmod", "phpdismod", "docker-php-ext-install", "docker-php-ext-configure",
    "docker-php-ext-enable", "docker-php-source", "pecl", "pear",
    # compilers, builders, language package managers and runtimes run with known arguments
    "make", "gmake", "cmake", "ninja", "meson", "gcc", "g++", "cc", "c++", "clang", "clang++", "ld",
    "as", "autoreconf", "autoconf", "automake", "libtool", "libtoolize", "pkg-config", "go", "gofmt",
    "cargo", "rustc", "rustup", "npm", "npx", "yarn", "yarnpkg", "pnpm", "corepack", "node", "bun",
    "deno", "pip", "pipx", "poetry", "pipenv", "uv", "conda", "mamba", "micromamba", "gem", "bundle",
    "bundler", "rake", "rails", "composer", "mvn", "mvnw", "gradle", "gradlew", "ant", "sbt", "java",
    "javac", "jar", "jlink", "dotnet", "nuget", "msbuild", "swift", "cpanm", "cpan", "luarocks",
    "R", "Rscript", "mix", "rebar3", "stack", "cabal", "ghc", "opam", "dune", "elm", "tsc", "webpack",
    "vite", "ng", "next", "nuxt", "hugo", "jekyll", "zola", "mkdocs", "sphinx-build", "protoc",
    "buf", "sqlite3", "psql", "mysql", "redis-cli", "nginx", "httpd", "apache2ctl", "apachectl",
    "supervisord", "gunicorn", "uvicorn", "celery", "php", "php-fpm", "ruby", "perl", "python",
    "python2", "python3", "pypy", "pypy3", "lua", "julia", "erl", "elixir", "chown", "upx",
})

#: Programs that run a file of shell commands: ``source FILE``, ``. FILE``.
SOURCING = frozenset({"source", "."})
