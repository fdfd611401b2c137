package i18n

import "strings"

// PluralForms are the CLDR plural categories each language's catalogue
// must give for a counted key: the ones a whole number can fall in. They
// are what Intl.PluralRules picks in the browser.
var PluralForms = map[string][]string{
	"en": {"one", "other"},
	"fr": {"one", "many", "other"},
	"es": {"one", "many", "other"},
	"ru": {"one", "few", "many", "other"},
	"zh": {"other"},
	"ar": {"zero", "one", "two", "few", "many", "other"},
}

// PluralForm is the CLDR plural category of the whole number n in lang.
func PluralForm(lang string, n int) string {
	if n < 0 {
		n = -n
	}
	switch lang {
	case "en":
		if n == 1 {
			return "one"
		}
	case "fr":
		if n == 0 || n == 1 {
			return "one"
		}
		if n != 0 && n%1000000 == 0 {
			return "many"
		}
	case "es":
		if n == 1 {
			return "one"
		}
		if n != 0 && n%1000000 == 0 {
			return "many"
		}
	case "ru":
		switch m10, m100 := n%10, n%100; {
		case m10 == 1 && m100 != 11:
			return "one"
		case m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14):
			return "few"
		default:
			return "many"
		}
	case "ar":
		switch m100 := n % 100; {
		case n == 0:
			return "zero"
		case n == 1:
			return "one"
		case n == 2:
			return "two"
		case m100 >= 3 && m100 <= 10:
			return "few"
		case m100 >= 11:
			return "many"
		}
	}
	return "other"
}

// pluralBase is the key a plural form belongs to ("notes" for
// "notes.one"), or "" when key is not a plural form.
func pluralBase(key string) string {
	i := strings.LastIndexByte(key, '.')
	if i < 0 {
		return ""
	}
	switch key[i+1:] {
	case "zero", "one", "two", "few", "many", "other":
		return key[:i]
	}
	return ""
}
