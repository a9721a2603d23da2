package org.example;

import java.util.Arrays;

import org.apache.commons.lang3.StringUtils;

/** Sorts a few words and formats them with commons-lang3. */
public final class App {
    private App() {
    }

    public static void main(String[] args) {
        String[] words = {"maven", "order", "copies", "java"};
        Arrays.sort(words);
        System.out.println("java-maven: " + StringUtils.join(words, ','));
        String longest = "";
        for (String word : words) {
            if (word.length() > longest.length()) {
                longest = word;
            }
        }
        System.out.println(words.length + " words, longest " + StringUtils.capitalize(longest)
                + ", abbreviated " + StringUtils.abbreviate("dependencies before sources", 15));
    }
}
