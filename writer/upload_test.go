package writer

import (
	"mime"
	"strings"
	"testing"
)

// FuzzContentDisposition checks that for every name checkFileName accepts, the header
// contentDisposition builds is one line that a standard parser (mime.ParseMediaType, which
// decodes RFC 8187 filename*) reads back as an attachment with exactly that file name, and
// that its quoted filename is ASCII.
func FuzzContentDisposition(f *testing.F) {
	for _, name := range []string{
		"report.pdf", "meeting notes.docx", `say "hi".txt`, `back\slash.csv`, "résumé.txt",
		"日本語のファイル.pdf", "emoji 📄.png", "semi;colon=equals.txt", "100% done.xlsx",
		"'quote'.srt", "tab\there.txt", "line\nbreak.txt", "\u0085next.txt", "a\u2028b.txt",
	} {
		f.Add(name)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if noSecrets.checkFileName(name) != nil {
			return
		}
		h := contentDisposition(name)
		if strings.ContainsAny(h, "\r\n\x00") {
			t.Fatalf("contentDisposition(%q) = %q has a line break or NUL", name, h)
		}
		disposition, params, err := mime.ParseMediaType(h)
		if err != nil {
			t.Fatalf("contentDisposition(%q) = %q does not parse: %v", name, h, err)
		}
		if disposition != "attachment" || params["filename"] != name {
			t.Fatalf("contentDisposition(%q) = %q parses as %q filename %q", name, h, disposition, params["filename"])
		}
		quoted, _, _ := strings.Cut(strings.TrimPrefix(h, `attachment; filename="`), `"; filename*=`)
		for i := range len(quoted) {
			if quoted[i] >= 0x80 {
				t.Fatalf("contentDisposition(%q) = %q: the quoted filename is not ASCII", name, h)
			}
		}
	})
}
