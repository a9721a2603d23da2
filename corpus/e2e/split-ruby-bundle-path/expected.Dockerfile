FROM ruby:3.1 AS builder
ENV BUNDLE_PATH=/srv/gems
RUN mkdir -p /var/lib/wordcheck /usr/src/app
WORKDIR /usr/src/app
COPY Gemfile Gemfile.lock ./
COPY vendor/cache ./vendor/cache
RUN bundle install --local
COPY . .
CMD ["bundle", "exec", "ruby", "app.rb"]

FROM ruby:3.1-slim AS runtime
ENV BUNDLE_PATH=/srv/gems
RUN mkdir -p /var/lib/wordcheck
WORKDIR /usr/src/app
COPY --from=builder /usr/src/app /usr/src/app
COPY --from=builder /usr/local/bundle /usr/local/bundle
COPY --from=builder /srv/gems /srv/gems
CMD ["bundle", "exec", "ruby", "app.rb"]
