# Compares words with the text gem, which bundler installed under BUNDLE_PATH (/srv/gems), and
# reports the state directory the image made for it.
require "bundler/setup"
require "text"

spec = Gem.loaded_specs.fetch("text")
puts "split-ruby-bundle-path on ruby #{RUBY_VERSION[/\A\d+\.\d+/]}, text #{spec.version} from #{spec.full_gem_path}"
state = "/var/lib/wordcheck"
puts "state directory #{state}: #{File.directory?(state) ? "present" : "missing"}"
words = %w[flaw lawn flown].sort
words.each_cons(2) do |a, b|
  puts "distance(#{a}, #{b}) = #{Text::Levenshtein.distance(a, b)}"
end
