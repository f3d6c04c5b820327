package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// modulePath is the library whose openapi.yaml is compared by default.
const modulePath = "github.com/writerfiles/writer-go"

// base is the File API a client was generated from.
type base struct {
	doc      *openapi3.T
	warnings []string // of its examples that do not match their schema
	label    string   // "writer-go v1.2.0" or the -spec path, for messages
	version  string   // the writer-go version, "" with -spec
}

// loadBase reads specPath (a file or a URL), or without it the openapi.yaml of the writer-go version that the
// module in the current folder requires.
func loadBase(r reader, specPath string) (base, error) {
	if specPath != "" {
		src, err := r.read(specPath)
		if err != nil {
			return base{}, &inputError{"-spec: " + err.Error()}
		}
		doc, warn, err := parseExtract(specPath, src)
		return base{doc: doc, warnings: warn, label: shown(specPath)}, err
	}
	mod, err := requiredModule()
	if err != nil {
		return base{}, err
	}
	path := filepath.Join(mod.Dir, "openapi.yaml")
	src, err := readFile(path)
	if err != nil {
		return base{}, fmt.Errorf("%s %s has no openapi.yaml: %s", modulePath, mod.Version, err) // a broken module: FAILED
	}
	doc, warn, err := parseExtract(path, src)
	if err != nil {
		return base{}, fmt.Errorf("%s %s: %w", modulePath, mod.Version, err)
	}
	return base{doc: doc, warnings: warn, label: "writer-go " + mod.Version, version: mod.Version}, nil
}

// moduleVersion is a version of writer-go in the module cache.
type moduleVersion struct{ Version, Dir string }

// requiredModule finds the version of writer-go that the module in the current folder builds
// with: the folder a replace directive names, or the version in the module cache (downloaded
// if need be).
func requiredModule() (moduleVersion, error) {
	var listed struct {
		Version string
		Replace *struct{ Version, Dir string }
	}
	if out, err := goJSON("list", "-m", "-json", modulePath); err == nil && json.Unmarshal(out, &listed) == nil &&
		listed.Replace != nil && listed.Replace.Version == "" && listed.Replace.Dir != "" {
		return moduleVersion{listed.Version + " (replaced by " + listed.Replace.Dir + ")", listed.Replace.Dir}, nil
	}
	var mod struct{ Version, Dir, Error string }
	out, err := goJSON("mod", "download", "-json", modulePath)
	if jerr := json.Unmarshal(out, &mod); jerr != nil || mod.Dir == "" {
		msg := mod.Error
		switch {
		case err != nil:
			msg = strings.TrimSpace(msg + " " + err.Error())
		case msg == "" && jerr != nil:
			msg = "go mod download -json printed no module: " + jerr.Error()
		case msg == "":
			msg = "go mod download -json names no folder for it"
		}
		return moduleVersion{}, &inputError{fmt.Sprintf(
			"cannot find the %s version this module requires (run writer-drift in the folder of a module that requires it, or pass -spec): %s",
			modulePath, msg)}
	}
	return moduleVersion{mod.Version, mod.Dir}, nil
}

// goJSON runs the go command with args and returns its standard output; the error holds
// what it wrote to standard error.
func goJSON(args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return out, fmt.Errorf("go %s: %s", args[0], msg)
		}
		return out, fmt.Errorf("go %s: %w", args[0], err)
	}
	return out, nil
}
