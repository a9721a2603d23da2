package main

import (
	"fmt"
	"sort"
	"strings"
)

func main() {
	words := strings.Fields("build order copies go")
	sort.Strings(words)
	fmt.Printf("go-tidy: %s\n", strings.Join(words, ","))
	fmt.Printf("%d words, longest %q\n", len(words), longest(words))
}

func longest(words []string) string {
	best := ""
	for _, w := range words {
		if len(w) > len(best) {
			best = w
		}
	}
	return best
}
