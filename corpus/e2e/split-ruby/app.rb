# Compares words with the text gem (installed by bundler into $GEM_HOME, /usr/local/bundle).
require "bundler/setup"
require "text"

spec = Gem.loaded_specs.fetch("text")
puts "split-ruby on ruby #{RUBY_VERSION[/\A\d+\.\d+/]}, text #{spec.version} from #{spec.full_gem_path}"
words = %w[kitten sitting mitten smitten].sort
puts "words: #{words.join(", ")}"
words.each_cons(2) do |a, b|
  puts "distance(#{a}, #{b}) = #{Text::Levenshtein.distance(a, b)}"
end
puts "soundex(#{words.first}) = #{Text::Soundex.soundex(words.first)}, environment #{ENV.fetch("APP_ENV", "development")}"
