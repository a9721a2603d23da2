// greeter greets, lists the words generated at build time (data/words.txt) and says who it
// runs as and whether it has the system's CA certificates (it would call HTTPS services).
package main

import (
	"bufio"
	"crypto/x509"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"strings"
)

func main() {
	greeting := os.Getenv("GREETER_GREETING")
	if greeting == "" {
		greeting = "hi"
	}
	release := strings.Join(strings.SplitN(runtime.Version(), ".", 3)[:2], ".")
	fmt.Printf("%s, gopher! (greeter 1.0, built with %s)\n", greeting, release)

	exe, err := os.Executable()
	if err != nil {
		fail(err)
	}
	words, err := readWords(filepath.Join(filepath.Dir(exe), "data", "words.txt"))
	if err != nil {
		fail(err)
	}
	fmt.Printf("%d words: %s\n", len(words), strings.Join(words, ","))

	me, err := user.Current()
	if err != nil {
		fail(err)
	}
	fmt.Printf("running as %s (uid %s)\n", me.Username, me.Uid)

	pool, err := x509.SystemCertPool()
	if err != nil || len(pool.Subjects()) == 0 { //nolint:staticcheck // a count is all that is needed
		fmt.Println("CA certificates: none")
	} else {
		fmt.Println("CA certificates: found")
	}
}

func readWords(path string) ([]string, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	var words []string
	scanner := bufio.NewScanner(file)
	for scanner.Scan() {
		if word := strings.TrimSpace(scanner.Text()); word != "" {
			words = append(words, word)
		}
	}
	return words, scanner.Err()
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "greeter:", err)
	os.Exit(1)
}
