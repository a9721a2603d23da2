FROM ruby:3.1 AS builder
ENV BUNDLE_PATH=/srv/gems
WORKDIR /usr/src/app
COPY Gemfile Gemfile.lock ./
COPY vendor/cache ./vendor/cache
RUN bundle install --local

FROM ruby:3.1-slim AS runtime
ENV BUNDLE_PATH=/srv/gems
RUN mkdir -p /var/lib/wordcheck
COPY --from=builder /srv/gems /srv/gems
WORKDIR /usr/src/app
COPY Gemfile Gemfile.lock app.rb ./
CMD ["bundle", "exec", "ruby", "app.rb"]
