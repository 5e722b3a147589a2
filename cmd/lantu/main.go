// Command lantu is the desktop workstation: `lantu` opens the last
// blueprint (or the demo one, generated on the first run); `lantu FILE.gpkg`
// opens a blueprint or any GeoPackage.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"runtime"
	"runtime/debug"
	"time"

	fyneapp "fyne.io/fyne/v2/app"

	"lantu/app/i18n"
	"lantu/app/lantutheme"
	"lantu/app/workstation"
)

// version is the release, as in FyneApp.toml; set with -ldflags "-X main.version=…".
var version = "0.1.0"

// options are the parsed command line: at most one file to open.
type options struct {
	file string
}

// parseArgs reads the command line without touching the display, so that
// --help and --version work on a machine without one. done is true when
// the program should exit (with code) after printing.
func parseArgs(args []string, out io.Writer) (opt options, done bool, code int) {
	fs := flag.NewFlagSet("lantu", flag.ContinueOnError)
	fs.SetOutput(out)
	showVersion := fs.Bool("version", false, "print the version and exit")
	fs.Usage = func() {
		fmt.Fprintf(out, "usage: lantu [--version] [FILE.gpkg]\n\n"+
			"Opens FILE.gpkg (a blueprint or any GeoPackage); without FILE, the last\n"+
			"blueprint opened, or a demo blueprint generated on the first run.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return opt, true, 0
		}
		return opt, true, 2
	}
	if *showVersion {
		fmt.Fprintf(out, "lantu %s (%s)\n", version, goVersion())
		return opt, true, 0
	}
	if fs.NArg() > 1 {
		fmt.Fprintln(out, "lantu: at most one file")
		fs.Usage()
		return opt, true, 2
	}
	opt.file = fs.Arg(0)
	return opt, false, 0
}

func goVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		return bi.GoVersion
	}
	return runtime.Version()
}

func main() {
	opt, done, code := parseArgs(os.Args[1:], os.Stdout)
	if done {
		os.Exit(code)
	}
	a := fyneapp.NewWithID("cn.shenyang.lantu")
	lang := i18n.FromEnv() // zh unless LANG names an en_* locale
	if l := a.Preferences().String("language"); l != "" {
		lang = i18n.Lang(l) // the setting wins
	}
	i18n.Set(lang)
	i18n.ApplyToFyne(lang) // Fyne's own dialogs in the same language
	a.Settings().SetTheme(lantutheme.New())
	w := workstation.New(a)
	if opt.file != "" {
		w.Open(opt.file)
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
