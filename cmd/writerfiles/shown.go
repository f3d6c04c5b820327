package main

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// shown returns s as human output shows it. Every string a server sends (names, ids,
// statuses, graph ids, undeclared properties, error text) goes through it before it reaches
// a terminal, so that none can move the cursor, retitle or clear the terminal, start a line
// of its own or reorder what follows it: s is shown as it is when each of its characters is
// graphic (strconv.IsGraphic: letters, marks, numbers, punctuation, symbols and spaces);
// otherwise it is quoted by strconv.QuoteToGraphic, which escapes control characters (ESC,
// BEL, CR, LF, the C1 controls), format characters (among them the bidirectional
// overrides and isolates U+202A-U+202E and U+2066-U+2069), the line and paragraph
// separators U+2028 and U+2029, and invalid UTF-8. An empty s, and one that starts with a
// double quote, are quoted too, so that what is shown stands for one string only:
// strconv.Unquote gives a quoted one back. --json output keeps the exact value.
func shown(s string) string {
	if s != "" && s[0] != '"' && utf8.ValidString(s) && strings.IndexFunc(s, notGraphic) < 0 {
		return s
	}
	return strconv.QuoteToGraphic(s)
}

func notGraphic(r rune) bool { return !strconv.IsGraphic(r) }
