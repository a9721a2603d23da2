"""Static sites: a front-end build served by a web server."""

from . import Ecosystem, patterns

ECOSYSTEM: Ecosystem = Ecosystem(
    name="static",
    label="web",
    images=("nginx", "httpd", "caddy"),
    build=patterns("hugo *", "jekyll build", "mkdocs build", "zola build"),
)
