package writer_test

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the suite if any test leaves a goroutine behind. Started as a fake
// process (fakeprocess_test.go), the binary serves a fake instead. The suite runs without
// the environment variables writer.NewClient reads, so that the environment of whoever runs
// it changes none of its clients; a test of a variable sets it with t.Setenv.
func TestMain(m *testing.M) {
	if serveFakeProcess() {
		return
	}
	for _, name := range []string{"WRITER_API_KEY", "WRITER_BASE_URL", "WRITER_CUSTOM_HEADERS", "WRITER_LOG"} {
		if err := os.Unsetenv(name); err != nil {
			panic(err)
		}
	}
	goleak.VerifyTestMain(m)
}
