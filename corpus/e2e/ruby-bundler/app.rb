# Sorts a few words and compares them with the text gem (Levenshtein, Soundex).
require "bundler/setup"
require "text"

words = %w[bundler order copies ruby].sort
puts "ruby-bundler: #{words.join(",")}"
longest = words.max_by(&:length)
puts "#{words.size} words, longest #{longest.inspect}, " \
     "distance(ruby, rube) #{Text::Levenshtein.distance("ruby", "rube")}, soundex #{Text::Soundex.soundex("Robert")}"
