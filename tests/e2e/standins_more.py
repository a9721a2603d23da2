"""Stand-ins for the Java, Rust, PHP and Ruby images the samples java-maven, rust-cargo,
php-composer and ruby-bundler start FROM, built from the Debian base (``tests/e2e/base.py``) with
Debian's packages, as ``tests/e2e/standins.py`` builds the others.

    python tests/e2e/standins_more.py    # make them (or check they are current)

None of the language registries is reachable from a build (Maven Central, crates.io, packagist,
rubygems), so each stand-in brings what a build needs from Debian instead:

- ``localhost/maven:3-eclipse-temurin-17``: Maven 3.8 and OpenJDK 17, with the plugins a ``jar``
  build runs (compiler 3.10.1, resources 3.3.0, jar 3.3.0, surefire 2.22.3) in Debian's local
  repository ``/usr/share/maven-repo``; builds use ``mvn -o -Dmaven.repo.local=...``.
- ``localhost/rust:1.63``: Debian's cargo and rustc, with ``$CARGO_HOME/config.toml`` replacing
  crates.io with the ``librust-*-dev`` sources in ``/usr/share/cargo/registry`` (a mirror, as an
  organisation would configure one).
- ``localhost/php:8.2-cli``: PHP 8.2 and Debian's composer (root allowed, as in the composer
  image); a ``composer.json`` must disable packagist.
- ``localhost/ruby:3.1``: Ruby 3.1 and bundler; ``bundle install --local`` takes the gems Debian
  installs (``ruby-*`` packages).

Sizes measured on them are not Docker Hub sizes.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE.parent))

from e2e.base import ensure_base  # noqa: E402
from e2e.standins import ensure_recipe  # noqa: E402

_APT = "apt-get update && apt-get install -y --no-install-recommends {} && rm -rf /var/lib/apt/lists/*"

#: tag -> the Dockerfile that makes it.
RECIPES = {
    "localhost/maven:3-eclipse-temurin-17": f"""\
FROM localhost/debian:bookworm
RUN {_APT.format(
        "openjdk-17-jdk-headless maven ca-certificates libmaven-compiler-plugin-java"
        " libmaven-resources-plugin-java libmaven-jar-plugin-java libsurefire-java"
    )}
ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64 MAVEN_HOME=/usr/share/maven
CMD ["mvn"]
""",
    "localhost/rust:1.63": f"""\
FROM localhost/debian:bookworm
RUN {_APT.format("cargo rustc gcc libc6-dev ca-certificates")} \\
 && mkdir -p /usr/local/cargo \\
 && printf '%s\\n' '[source.crates-io]' 'replace-with = "debian"' '' '[source.debian]' 'directory = "/usr/share/cargo/registry"' \\
    > /usr/local/cargo/config.toml
ENV CARGO_HOME=/usr/local/cargo
""",
    "localhost/php:8.2-cli": f"""\
FROM localhost/debian:bookworm
RUN {_APT.format("php8.2-cli composer ca-certificates")}
ENV COMPOSER_ALLOW_SUPERUSER=1
CMD ["php", "-a"]
""",
    "localhost/ruby:3.1": f"""\
FROM localhost/debian:bookworm
RUN {_APT.format("ruby ruby-bundler ca-certificates")}
ENV BUNDLE_SILENCE_ROOT_WARNING=1
CMD ["irb"]
""",
}


def ensure_standin(tag: str) -> tuple[str, float]:
    """The stand-in ``tag`` in the store, built when missing or stale (as standins.py builds its own)."""
    return ensure_recipe(tag, RECIPES[tag])


if __name__ == "__main__":
    for name in RECIPES:
        image_id, seconds = ensure_standin(name)
        print(f"{name} {image_id[:12]} ({'built in %.1f s' % seconds if seconds else 'current'})", flush=True)
    print(f"store: {ensure_base()[0]}")
