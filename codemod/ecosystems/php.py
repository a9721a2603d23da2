"""PHP: Composer."""

from . import Ecosystem, patterns

ECOSYSTEM: Ecosystem = Ecosystem(
    name="php",
    label="php",
    images=("php", "composer"),
    manifests=("composer.json", "composer.lock"),
    install=patterns("composer install", "composer update"),
    build=patterns("composer dump-autoload"),
    test=patterns("phpunit *", "composer test"),
)
