package writer_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the suite if any test leaves a goroutine behind. Started as a fake
// process (fakeprocess_test.go), the binary serves a fake instead.
func TestMain(m *testing.M) {
	if serveFakeProcess() {
		return
	}
	goleak.VerifyTestMain(m)
}
