package writer

import (
	"os"
	"regexp"
	"testing"
)

// TestVersionIsTheChangelogsLatest: Version is the first released entry of CHANGELOG.md
// ("## [x.y.z] - date", after "## [Unreleased]").
func TestVersionIsTheChangelogsLatest(t *testing.T) {
	log, err := os.ReadFile("../CHANGELOG.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^## \[(\d+\.\d+\.\d+[^\]]*)\] - \d{4}-\d{2}-\d{2}$`).FindSubmatch(log)
	if m == nil {
		t.Fatal("CHANGELOG.md has no released entry of the form ## [x.y.z] - YYYY-MM-DD")
	}
	if got, want := Version, string(m[1]); got != want {
		t.Errorf("Version = %s, want %s, the latest entry of CHANGELOG.md", got, want)
	}
}
