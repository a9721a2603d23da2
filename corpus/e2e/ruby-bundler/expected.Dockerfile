FROM localhost/ruby:3.1
WORKDIR /app
RUN apt-get update \
    && apt-get install -y --no-install-recommends ruby-text \
    && rm -rf /var/lib/apt/lists/*
COPY Gemfile Gemfile.lock ./
RUN bundle install --local
COPY . .
CMD ["ruby", "app.rb"]
