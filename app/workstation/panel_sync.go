package workstation

import "lantu/app/syncpanel"

func init() {
	registerPanel(PanelMaker{Order: 50, Make: func(w *Workstation) Panel { return syncpanel.New(w) }})
}
