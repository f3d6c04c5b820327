package writer

// Version is this library's version, the latest release in CHANGELOG.md, sent in the
// User-Agent header.
const Version = "0.1.0"
