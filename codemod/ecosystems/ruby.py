"""Ruby: Bundler (and Rails asset precompilation)."""

from . import Ecosystem, patterns

ECOSYSTEM: Ecosystem = Ecosystem(
    name="ruby",
    label="ruby",
    images=("ruby",),
    manifests=("Gemfile", "Gemfile.lock", ".ruby-version"),
    install=patterns("bundle install", "gem install"),
    build=patterns("rake assets:precompile", "rails assets:precompile", "bundle exec rake", "bundle exec rails"),
    test=patterns("rspec *", "bundle exec rspec", "rake test", "rails test"),
)
