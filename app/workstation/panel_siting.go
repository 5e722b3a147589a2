package workstation

import "lantu/app/sitingpanel"

func init() {
	registerPanel(PanelMaker{Order: 35, Make: func(w *Workstation) Panel { return sitingpanel.New(w) }})
}
