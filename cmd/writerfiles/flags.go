package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// printFlags lists fs's flags as the usage writes them, --name, with their defaults. A
// one-letter flag whose usage is "short for --name" is listed with that flag: -o, --output.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	short := map[string]string{} // long name: its one-letter alias
	fs.VisitAll(func(f *flag.Flag) {
		if long, ok := strings.CutPrefix(f.Usage, "short for --"); ok && len(f.Name) == 1 {
			short[long] = f.Name
		}
	})
	fs.VisitAll(func(f *flag.Flag) {
		if len(f.Name) == 1 {
			return
		}
		arg, usage := flag.UnquoteUsage(f)
		fmt.Fprint(w, "  ")
		if s, ok := short[f.Name]; ok {
			fmt.Fprintf(w, "-%s, ", s)
		}
		fmt.Fprintf(w, "--%s", f.Name)
		if arg != "" {
			fmt.Fprintf(w, " %s", arg)
		}
		fmt.Fprintf(w, "\n    \t%s", usage)
		switch f.DefValue {
		case "", "0", "false", "0s":
		default:
			fmt.Fprintf(w, " (default %s)", f.DefValue)
		}
		fmt.Fprintln(w)
	})
}

// flagsOnly parses the flags of a command that takes no positional arguments.
func (a *app) flagsOnly(fs *flag.FlagSet, args []string) error {
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return a.usageErr("takes no arguments, only flags")
	}
	return nil
}

// oneID parses the command's flags and returns its one positional argument, a file id.
func (a *app) oneID(fs *flag.FlagSet, args []string) (string, error) {
	rest, err := parseFlags(fs, args)
	if err != nil {
		return "", err
	}
	if len(rest) != 1 {
		return "", a.usageErr("takes one file id")
	}
	return rest[0], nil
}

// parseFlags parses a command's flags, which may come before, between or after its
// positional arguments, and returns the positional arguments. "--" ends the flags. Each
// flag's Value becomes a given, so that errors cite it as it was given (flagText).
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	fs.VisitAll(func(f *flag.Flag) { f.Value = &given{Value: f.Value} })
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, helpRequestError{fs}
			}
			return nil, usageError{fmt.Sprintf("%s: %s (writerfiles %s --help lists its flags)", fs.Name(), flagMessage(fs, err), fs.Name())}
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(positional, rest...), nil
		}
		if len(rest) == 0 {
			return positional, nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// invalidValue is the flag package's error about a value its flag cannot parse:
// `invalid [boolean ]value "V" for [flag ]-name: why`.
var invalidValue = regexp.MustCompile(`^invalid (?:boolean )?value ("(?:[^"\\]|\\.)*") for (?:flag )?-([a-z][a-z-]*): (.*)$`)

// flagMessage words an error of fs.Parse for a shell user: a value the flag cannot parse is
// named with the flag and what it expects (--interval: "5x" is not a duration such as 2s
// or 500ms); other errors are the flag package's, with flags written --name.
func flagMessage(fs *flag.FlagSet, err error) string {
	m := invalidValue.FindStringSubmatch(err.Error())
	if m == nil || fs.Lookup(m[2]) == nil {
		return longFlags(err)
	}
	quoted, name, why := m[1], m[2], m[3]
	if why == "value out of range" {
		return fmt.Sprintf("--%s: %s is out of range", name, quoted)
	}
	want := "a value it takes"
	value := fs.Lookup(name).Value
	if b, ok := value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		want = fmt.Sprintf("true or false (--%s alone is true)", name)
	} else if g, ok := value.(flag.Getter); ok {
		switch g.Get().(type) {
		case int:
			want = "a whole number"
		case uint64:
			want = "a whole number, 0 or more"
		case time.Duration:
			want = "a duration such as 2s or 500ms"
		}
	}
	return fmt.Sprintf("--%s: %s is not %s", name, quoted, want)
}

// flagInError is a long flag name in the flag package's errors, which write it -name.
var flagInError = regexp.MustCompile(`(: |flag )-([a-z][a-z-])`)

// longFlags returns a flag package error as text that writes flags --name, as the usage does.
func longFlags(err error) string {
	return flagInError.ReplaceAllString(err.Error(), "$1--$2")
}

// given is a flag's Value that keeps the text it was last set from.
type given struct {
	flag.Value
	text string
	set  bool
}

func (g *given) Set(s string) error {
	g.text, g.set = s, true
	return g.Value.Set(s)
}

// String is the text the flag was given, or its value's when it was not set.
func (g *given) String() string {
	if g.set {
		return g.text
	}
	return g.Value.String()
}

// IsBoolFlag and Get tell the flag package and flagMessage what the Value within is.
func (g *given) IsBoolFlag() bool {
	b, ok := g.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

func (g *given) Get() any {
	if v, ok := g.Value.(flag.Getter); ok {
		return v.Get()
	}
	return nil
}

// flagText is the flag of fs named name as an error cites it: --name and the text it was
// given, quoted (--interval "0").
func flagText(fs *flag.FlagSet, name string) string {
	return "--" + name + " " + strconv.Quote(fs.Lookup(name).Value.String())
}
