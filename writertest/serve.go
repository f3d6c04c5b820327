package writertest

import (
	"net"
	"net/http"
	"strings"
)

// WithListener makes the Server serve on l, which Close closes, instead of on a new
// listener at 127.0.0.1 with a port the system chooses: for a fake at an address of the
// caller's choosing, such as the one writerfiles fake serve --addr opens. URL is then
// http:// and l's address.
func WithListener(l net.Listener) Option { return func(o *options) { o.listener = l } }

// WithAnyAPIKey makes the Server accept any bearer key that is not empty, not only APIKey:
// for a fake shared by programs that each bring a key of their own. A request without a
// key still gets 401.
func WithAnyAPIKey() Option { return func(o *options) { o.anyKey = true } }

// authorized reports whether r carries a key the Server accepts.
func (s *Server) authorized(r *http.Request) bool {
	auth := r.Header.Get("Authorization")
	if s.opt.anyKey {
		key, ok := strings.CutPrefix(auth, "Bearer ")
		return ok && strings.TrimSpace(key) != ""
	}
	return auth == "Bearer "+s.APIKey
}
