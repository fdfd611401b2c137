package i18n

import (
	"slices"
	"strconv"
	"strings"
)

// Match picks the supported language a browser prefers from an
// Accept-Language header ("fr-CH, fr;q=0.9, en;q=0.8"); a bare tag such
// as "ar" works too. Regions and scripts are ignored: zh-TW gets the
// Chinese catalogue, fr-CA the French one. Nothing usable gives Default.
func Match(acceptLanguage string) string {
	best, bestQ := Default, 0.0
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.ReplaceAll(strings.TrimSpace(params), " ", ""), "q="); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				continue
			}
			q = f
		}
		primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		primary, _, _ = strings.Cut(primary, "_")
		if q > bestQ && slices.Contains(Langs, primary) {
			best, bestQ = primary, q
		}
	}
	return best
}
