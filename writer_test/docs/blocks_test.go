package docs_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// block is one fenced code block of a page.
type block struct {
	page    string // the page's path from the repository root, e.g. docs/cli.md
	line    int    // line of the opening fence, from 1
	lang    string // the fence's language: sh, bash, shell or go
	heading string // the nearest heading above the block, without its #s
	text    string // the lines between the fences
	excerpt bool   // the line right before the opening fence is an excerpt mark
}

func (b block) String() string { return fmt.Sprintf("%s:%d", b.page, b.line) }

// shellLangs and goLang are the fence languages the test runs or compiles; blocks in any
// other language (yaml, text, none) are not code a reader runs.
var shellLangs = map[string]bool{"sh": true, "bash": true, "shell": true}

const goLang = "go"

// isExcerpt reports whether line marks the block after it as an excerpt: an HTML comment
// "<!-- excerpt -->", or "<!-- excerpt: why -->".
func isExcerpt(line string) bool {
	line = strings.TrimSpace(line)
	if !strings.HasPrefix(line, "<!--") || !strings.HasSuffix(line, "-->") {
		return false
	}
	body := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(line, "<!--"), "-->"))
	return body == "excerpt" || strings.HasPrefix(body, "excerpt:")
}

// pages returns README.md and docs/*.md, as paths from root.
func pages(t *testing.T, root string) []string {
	t.Helper()
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	out := []string{"README.md"}
	for _, d := range docs {
		rel, err := filepath.Rel(root, d)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, filepath.ToSlash(rel))
	}
	return out
}

// readBlocks returns the shell and Go blocks of the page at root/page. A fence is a line of
// three or more backticks (or tildes), indented by at most three spaces; it is closed by a
// line of at least as many of the same character.
func readBlocks(t *testing.T, root, page string) []block {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, page))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	var blocks []block
	heading := ""
	for i := 0; i < len(lines); i++ {
		fence, info, ok := openingFence(lines[i])
		if !ok {
			if h, found := strings.CutPrefix(lines[i], "#"); found {
				heading = strings.TrimSpace(strings.TrimLeft(h, "#"))
			}
			continue
		}
		b := block{page: page, line: i + 1, lang: strings.ToLower(firstWord(info)), heading: heading}
		b.excerpt = i > 0 && isExcerpt(lines[i-1])
		var body []string
		for i++; i < len(lines) && !closes(lines[i], fence); i++ {
			body = append(body, lines[i])
		}
		if i == len(lines) {
			t.Errorf("%s: the block opened here is never closed", b)
		}
		b.text = strings.Join(body, "\n") + "\n"
		if shellLangs[b.lang] || b.lang == goLang {
			blocks = append(blocks, b)
		}
	}
	return blocks
}

// openingFence returns the fence (e.g. "```") and the info string of a line that opens a
// fenced block.
func openingFence(line string) (fence, info string, ok bool) {
	trimmed := strings.TrimLeft(line, " ")
	if len(line)-len(trimmed) > 3 {
		return "", "", false
	}
	for _, c := range []string{"`", "~"} {
		n := len(trimmed) - len(strings.TrimLeft(trimmed, c))
		if n >= 3 {
			return trimmed[:n], strings.TrimSpace(trimmed[n:]), true
		}
	}
	return "", "", false
}

func closes(line, fence string) bool {
	trimmed := strings.TrimSpace(line)
	return strings.HasPrefix(trimmed, fence) && strings.Trim(trimmed, fence[:1]) == ""
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}
