FROM ruby:3.1 AS builder
WORKDIR /usr/src/app
COPY Gemfile Gemfile.lock ./
COPY vendor/cache ./vendor/cache
RUN bundle install --local
COPY . .
ENV APP_ENV=production
LABEL org.opencontainers.image.title="split-ruby"
CMD ["bundle", "exec", "ruby", "app.rb"]

FROM ruby:3.1-slim AS runtime
WORKDIR /usr/src/app
COPY --from=builder /usr/src/app /usr/src/app
COPY --from=builder /usr/local/bundle /usr/local/bundle
ENV APP_ENV=production
LABEL org.opencontainers.image.title="split-ruby"
CMD ["bundle", "exec", "ruby", "app.rb"]
