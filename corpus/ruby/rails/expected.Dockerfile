FROM ruby:3.3 AS builder
RUN apt-get update -qq \
    && apt-get install -y --no-install-recommends nodejs postgresql-client \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /myapp
COPY Gemfile Gemfile.lock ./
RUN bundle install
COPY . .
RUN bundle exec rake assets:precompile
EXPOSE 3000
CMD ["rails", "server", "-b", "0.0.0.0"]

FROM ruby:3.3-slim AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 libmariadb3 libsqlite3-0 \
    && rm -rf /var/lib/apt/lists/*
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs postgresql-client \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /myapp
COPY --from=builder /myapp /myapp
COPY --from=builder /usr/local/bundle /usr/local/bundle
EXPOSE 3000
CMD ["rails", "server", "-b", "0.0.0.0"]
