// Command lantu is the desktop workstation: `lantu` opens the last
// blueprint (or the demo one, generated on the first run); `lantu FILE.gpkg`
// opens a blueprint or any GeoPackage.
package main

import (
	"log"
	"os"
	"runtime"
	"time"

	fyneapp "fyne.io/fyne/v2/app"

	"lantu/app/i18n"
	"lantu/app/lantutheme"
	"lantu/app/workstation"
)

func main() {
	a := fyneapp.NewWithID("cn.shenyang.lantu")
	lang := i18n.FromEnv() // zh unless LANG names an en_* locale
	if l := a.Preferences().String("language"); l != "" {
		lang = i18n.Lang(l) // the setting wins
	}
	i18n.Set(lang)
	a.Settings().SetTheme(lantutheme.New())
	w := workstation.New(a)
	if len(os.Args) > 1 {
		w.Open(os.Args[1])
	} else {
		w.OpenDefault()
	}
	if os.Getenv("LANTU_TRACE") != "" {
		go traceMemory()
	}
	w.Window().ShowAndRun()
}

// traceMemory logs the Go heap every 5 s.
func traceMemory() {
	for range time.Tick(5 * time.Second) {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		log.Printf("trace: heap %d MB, sys %d MB", m.HeapAlloc>>20, m.Sys>>20)
	}
}
