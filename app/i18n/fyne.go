package i18n

import (
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
)

// ApplyToFyne makes Fyne's own strings (the file dialog's Cancel, a
// dialog's OK) follow l. Fyne picks its translation from LANGUAGE and
// LC_ALL / LC_MESSAGES / LANG once at start-up, so this sets LANGUAGE (and
// replaces a "C" or "POSIX" locale, which hides LANGUAGE) and has Fyne
// choose again. Call it on start-up, before any window opens; it is not
// safe for concurrent use.
func ApplyToFyne(l Lang) {
	tag := "zh_CN"
	if l == En {
		tag = "en_US"
	}
	os.Setenv("LANGUAGE", tag)
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(k); v != "" {
			if v == "C" || v == "POSIX" {
				os.Setenv(k, tag+".UTF-8")
			}
			break
		}
	}
	// Adding an empty English table makes Fyne match the locale again.
	if err := lang.AddTranslationsForLocale([]byte("{}"), fyne.Locale("en")); err != nil {
		fyne.LogError("i18n: cannot reload Fyne's translations", err)
	}
}
