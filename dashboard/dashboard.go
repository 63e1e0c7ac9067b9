// Package dashboard serves the evaluators' dashboard, a page built from
// src/ by esbuild (make dashboard) into dist/, which is committed and
// embedded, so the binary needs no Node and the page no network but the
// server's own /graphql.
package dashboard

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
)

//go:embed dist
var dist embed.FS

// Path is where the page is served; its assets are under Path + "/".
const Path = "/dashboard"

// ContentSecurityPolicy is sent with every dashboard response. Scripts and
// styles come only from this server's files (no inline script, no eval);
// the page talks only to its own origin (fetch to /graphql, the websocket
// of the subscriptions: CSP 3 'self' covers ws: and wss: of the same
// host). ECharts positions its tooltips with style attributes, which is
// why style-src allows inline styles and script-src allows nothing
// inline.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// types are the content types of the files dist holds; a file of another
// kind is not served. Fixed here rather than taken from the system's
// mime.types, which differ between machines (.js as application/javascript
// or text/javascript).
var types = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".txt":  "text/plain; charset=utf-8",
	".png":  "image/png",
	".svg":  "image/svg+xml",
}

type file struct {
	body  []byte
	ctype string
	etag  string
}

// Handler serves the page at Path (and Path + "/") and its assets below
// it. Unknown paths answer 404; only GET and HEAD are served.
func Handler() http.Handler {
	files := map[string]file{}
	err := fs.WalkDir(dist, "dist", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		ctype, ok := types[path.Ext(name)]
		if !ok {
			return nil
		}
		body, err := dist.ReadFile(name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		files[strings.TrimPrefix(name, "dist/")] = file{body: body, ctype: ctype, etag: `"` + hex.EncodeToString(sum[:16]) + `"`}
		return nil
	})
	if err != nil {
		// dist is embedded at build time: reading it cannot fail.
		panic("dashboard: " + err.Error())
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, Path), "/")
		if name == "" {
			name = "index.html"
		}
		f, ok := files[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h.Set("Content-Type", f.ctype)
		// The page names its assets without a content hash, so the
		// browser revalidates each time (a 304 by the ETag).
		h.Set("Cache-Control", "no-cache")
		h.Set("ETag", f.etag)
		if r.Header.Get("If-None-Match") == f.etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Length", strconv.Itoa(len(f.body)))
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodGet {
			_, _ = w.Write(f.body)
		}
	})
}
