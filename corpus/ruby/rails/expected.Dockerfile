FROM ruby:3.3
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
