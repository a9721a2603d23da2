FROM ruby:3.1 AS builder
WORKDIR /usr/src/app
COPY Gemfile Gemfile.lock ./
COPY vendor/cache ./vendor/cache
RUN bundle install --local

FROM ruby:3.1-slim AS runtime
COPY --from=builder /usr/local/bundle /usr/local/bundle
WORKDIR /usr/src/app
COPY Gemfile Gemfile.lock app.rb ./
ENV APP_ENV=production
LABEL org.opencontainers.image.title="split-ruby"
CMD ["bundle", "exec", "ruby", "app.rb"]
