// notifier renders its greeting from templates/greeting.tmpl with the settings in
// config/app.json, both read at run time from the working directory (relative paths), as
// many services read their templates and configuration.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"text/template"
)

type config struct {
	Service    string   `json:"service"`
	Recipients []string `json:"recipients"`
	Retries    int      `json:"retries"`
}

func main() {
	var cfg config
	data, err := os.ReadFile(filepath.Join("config", "app.json"))
	if err != nil {
		fail(err)
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		fail(fmt.Errorf("config/app.json: %w", err))
	}
	tmpl, err := template.New("greeting.tmpl").Funcs(template.FuncMap{"join": strings.Join}).ParseFiles(filepath.Join("templates", "greeting.tmpl"))
	if err != nil {
		fail(err)
	}
	wd, _ := os.Getwd()
	view := map[string]any{
		"Config":  cfg,
		"Dir":     wd,
		"Release": strings.Join(strings.SplitN(runtime.Version(), ".", 3)[:2], "."),
	}
	if err := tmpl.Execute(os.Stdout, view); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "notifier:", err)
	os.Exit(1)
}
