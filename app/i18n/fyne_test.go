package i18n

import (
	"testing"

	"fyne.io/fyne/v2/lang"
)

// Fyne's dialogs speak the app's language whatever the locale was: under
// LANG=C (or en_US) with the Chinese UI, Fyne's "Cancel" must be 取消.
func TestApplyToFyne(t *testing.T) {
	for _, env := range []string{"C", "en_US.UTF-8", "zh_CN.UTF-8"} {
		t.Setenv("LANG", env)
		t.Setenv("LC_ALL", "")
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANGUAGE", "")
		ApplyToFyne(Zh)
		if got := lang.L("Cancel"); got != "取消" {
			t.Errorf("LANG=%s, Chinese UI: Fyne says %q for Cancel, want 取消", env, got)
		}
		ApplyToFyne(En)
		if got := lang.L("Cancel"); got != "Cancel" {
			t.Errorf("LANG=%s, English UI: Fyne says %q for Cancel", env, got)
		}
	}
}
