package workstation

import "lantu/app/conflictpanel"

func init() {
	registerPanel(PanelMaker{Order: 30, Make: func(w *Workstation) Panel { return conflictpanel.New(w) }})
}
