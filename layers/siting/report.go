package siting

import (
	"encoding/json"
	"time"

	"github.com/paulmach/orb"
)

// Report is the result of one siting review. It is a value the caller
// owns: not safe for concurrent mutation, fine to read from many
// goroutines.
type Report struct {
	Layer        string    `json:"layer"` // the proposal's layer code
	UID          string    `json:"uid"`
	FID          int64     `json:"fid"`
	Project      string    `json:"project"`   // xmmc
	Applicant    string    `json:"applicant"` // sqdw
	LandUse      string    `json:"land_use"`  // ydyhdm, the proposed use
	District     string    `json:"district"`  // the district the proposal mostly lies in
	DistrictCode string    `json:"district_code"`
	Reviewer     string    `json:"reviewer"`
	Date         time.Time `json:"date"`
	File         string    `json:"file"` // the blueprint

	AreaM2 float64          `json:"area_m2"` // the proposal's area in EPSG:4550
	Mu     float64          `json:"mu"`
	Geom   orb.MultiPolygon `json:"-"` // the proposal, valid, in EPSG:4550
	shape  orb.Geometry     // the proposal as stored, in the blueprint's CRS (the maps)

	Layers   []LayerResult   `json:"-"` // marshalled as a map by code
	Setbacks []SetbackResult `json:"setbacks"`
	Slope    *SlopeResult    `json:"slope"` // nil without a DEM
	Rules    []RuleResult    `json:"rules"`
	Skipped  []Skip          `json:"skipped"`
	Verdict  Verdict         `json:"verdict"`
	Reasons  []Reason        `json:"reasons"`
	Notes    []Reason        `json:"notes,omitempty"` // repaired inputs, missing DEM
}

// LayerResult is the proposal against one layer the rules name. A plain
// value.
type LayerResult struct {
	Code   string `json:"code"`
	NameZh string `json:"name_zh"`
	NameEn string `json:"name_en"`
	Filter string `json:"filter,omitempty"` // the rules' where filter on the layer
	// Use is how the rules use the layer: keep-out, within, setback or
	// land-use; Control marks the three control lines (catalog role
	// control-line).
	Use      string  `json:"use"`
	Control  bool    `json:"control_line"`
	Features int     `json:"features"` // features meeting the proposal
	AreaM2   float64 `json:"area_m2"`  // proposal ∩ union(features)
	Mu       float64 `json:"mu"`
	Share    float64 `json:"share"` // of the proposal's area
	// Land use only: the part on the plan's non-construction classes.
	NonConstructionM2    float64 `json:"non_construction_m2,omitempty"`
	NonConstructionShare float64 `json:"non_construction_share,omitempty"`
	Verdict              Verdict `json:"verdict"`
}

// SetbackResult is the proposal's distance to one setback layer.
type SetbackResult struct {
	RuleID    string   `json:"rule"`
	Code      string   `json:"code"`
	NameZh    string   `json:"name_zh"`
	RequiredM float64  `json:"required_m"`
	DistanceM *float64 `json:"distance_m"` // nil: no feature within SearchM
	SearchM   float64  `json:"search_m"`
	Kept      bool     `json:"kept"`    // distance >= required
	AreaM2    float64  `json:"area_m2"` // inside the setback zone
	Share     float64  `json:"share"`
	Verdict   Verdict  `json:"verdict"`
}

// SlopeClassNames are the slope classes of SlopeResult, in Chinese.
var SlopeClassNames = [5]string{"≤2°", "2°–6°", "6°–15°", "15°–25°", ">25°"}

// SlopeResult is the zonal statistics of the site on the DEM: cells whose
// centre lies in the proposal, Horn slope in degrees.
type SlopeResult struct {
	CellM      float64    `json:"cell_m"`
	Cells      int        `json:"cells"`
	AreaM2     float64    `json:"area_m2"` // cells times cell area
	MinElev    float64    `json:"min_elev_m"`
	MaxElev    float64    `json:"max_elev_m"`
	MeanElev   float64    `json:"mean_elev_m"`
	ClassArea  [5]float64 `json:"class_area_m2"` // per SlopeClassNames
	ClassShare [5]float64 `json:"class_share"`
}

// RuleResult is one applicable rule's outcome; a difference rule gives one
// per plan side.
type RuleResult struct {
	ID        string   `json:"id"`
	NameZh    string   `json:"name_zh"`
	NameEn    string   `json:"name_en"`
	Kind      string   `json:"kind"` // a conflict kind or land-use
	Severity  string   `json:"severity"`
	Layer     string   `json:"layer"`
	MinAreaM2 float64  `json:"min_area_m2"`
	AreaM2    float64  `json:"area_m2"` // the rule's measure (see the package doc)
	Share     float64  `json:"share"`
	DistanceM *float64 `json:"distance_m,omitempty"` // setback
	Verdict   Verdict  `json:"verdict"`
	Reason    Reason   `json:"reason"`
}

// MarshalJSON writes the report with its layers as an object keyed by code.
func (r *Report) MarshalJSON() ([]byte, error) {
	type plain Report
	byCode := make(map[string]LayerResult, len(r.Layers))
	for _, l := range r.Layers {
		byCode[l.Code] = l
	}
	return json.Marshal(struct {
		*plain
		VerdictZh string                 `json:"verdict_zh"`
		Layers    map[string]LayerResult `json:"layers"`
	}{(*plain)(r), r.Verdict.Zh(), byCode})
}

// LayerByCode returns the result for a layer code, or nil.
func (r *Report) LayerByCode(code string) *LayerResult {
	for i := range r.Layers {
		if r.Layers[i].Code == code {
			return &r.Layers[i]
		}
	}
	return nil
}
