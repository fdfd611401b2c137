// Package acceptenc reads what a browser says it accepts: the web app's
// files and the public pages are sent gzipped to those that take it.
package acceptenc

import "strings"

// Gzip says whether an Accept-Encoding header takes gzip (and does not
// refuse it with q=0).
func Gzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			return strings.ReplaceAll(strings.TrimSpace(params), " ", "") != "q=0"
		}
	}
	return false
}
