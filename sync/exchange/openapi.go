package exchange

import (
	"net/http"

	"lantu/sync/wire"
)

// openAPI serves a minimal OpenAPI 3.0 definition of the server's paths.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, wire.MediaOpenAPI, openAPIDoc(baseURL(r)))
}

func op(summary string, params []any, codes ...string) map[string]any {
	res := map[string]any{}
	for _, c := range codes {
		res[c] = map[string]any{"description": http.StatusText(atoi(c))}
	}
	o := map[string]any{"summary": summary, "responses": res}
	if len(params) > 0 {
		o["parameters"] = params
	}
	return o
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

func param(name, in, typ string, required bool) map[string]any {
	schema := map[string]any{"type": typ}
	if name == "limit" {
		schema = map[string]any{"type": typ, "minimum": 1, "maximum": maxLimit, "default": defaultLimit}
	}
	return map[string]any{"name": name, "in": in, "required": required, "schema": schema}
}

func openAPIDoc(base string) map[string]any {
	id, fid := param("id", "path", "string", true), param("fid", "path", "string", true)
	items := []any{id, param("bbox", "query", "string", false), param("bbox-crs", "query", "string", false),
		param("crs", "query", "string", false), param("limit", "query", "integer", false), param("after", "query", "integer", false),
		param("offset", "query", "integer", false)}
	body := map[string]any{"required": true, "content": map[string]any{wire.MediaGeoJSON: map[string]any{"schema": map[string]any{"type": "object"}}}}
	create := op("create a feature (Content-Crs: the body's CRS)", []any{id}, "201", "400", "401", "403", "409")
	create["requestBody"] = body
	replace := op("replace a feature (If-Match: its ETag)", []any{id, fid, param("If-Match", "header", "string", true)}, "200", "400", "403", "404", "412", "428")
	replace["requestBody"] = body
	patch := op("update a feature with a JSON merge patch (If-Match)", []any{id, fid, param("If-Match", "header", "string", true)}, "200", "400", "403", "404", "412", "428")
	patch["requestBody"] = map[string]any{"required": true, "content": map[string]any{wire.MediaPatch: map[string]any{"schema": map[string]any{"type": "object"}}}}
	push := op("push a batch of changes with idempotency keys", nil, "200", "400", "401", "413")
	push["requestBody"] = map[string]any{"required": true, "content": map[string]any{wire.MediaJSON: map[string]any{"schema": map[string]any{"type": "object"}}}}
	return map[string]any{
		"openapi":    "3.0.3",
		"info":       map[string]any{"title": "Lantu exchange", "version": "1.0", "description": "OGC API - Features Parts 1, 2 and 4, a change feed and a batch push"},
		"servers":    []any{map[string]any{"url": base}},
		"components": map[string]any{"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}}},
		"security":   []any{map[string]any{"bearer": []any{}}},
		"paths": map[string]any{
			"/":                             map[string]any{"get": op("landing page", nil, "200")},
			"/conformance":                  map[string]any{"get": op("conformance classes", nil, "200")},
			"/api":                          map[string]any{"get": op("this definition", nil, "200")},
			"/collections":                  map[string]any{"get": op("the collections", nil, "200")},
			"/collections/{id}":             map[string]any{"get": op("one collection", []any{id}, "200", "404")},
			"/collections/{id}/items":       map[string]any{"get": op("features", items, "200", "400", "404"), "post": create},
			"/collections/{id}/items/{fid}": map[string]any{"get": op("one feature", []any{id, fid, param("crs", "query", "string", false)}, "200", "404"), "put": replace, "patch": patch, "delete": op("delete a feature (If-Match)", []any{id, fid, param("If-Match", "header", "string", true)}, "204", "403", "404", "412", "428")},
			"/collections/{id}/snapshot":    map[string]any{"get": op("every live feature at one feed cursor: a GeoJSON text sequence with ETag, Range and Repr-Digest (SHA-256)", []any{id, param("crs", "query", "string", false)}, "200", "206", "400", "404", "416")},
			"/collections/{id}/changes":     map[string]any{"get": op("the change feed after a cursor", []any{id, param("since", "query", "integer", false), param("bbox", "query", "string", false), param("limit", "query", "integer", false), param("crs", "query", "string", false)}, "200", "400", "404")},
			"/sync/push":                    map[string]any{"post": push},
		},
	}
}
