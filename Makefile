# Lantu build. `make run` and `make test` install what they need first.
SHELL   := /bin/bash
GO      ?= go
export LANG := C.UTF-8
export CGO_ENABLED := 1

# Debian/Ubuntu packages the build, the app and the tests need, by exact name:
#   build        gcc pkg-config git ca-certificates libsqlite3-dev libgeos-dev libproj-dev proj-data
#   app          libgl1-mesa-dev xorg-dev (Fyne's OpenGL/GLFW)
#   test peers   gdal-bin python3-gdal (ogrinfo, ogr2ogr, gdaldem, validate_gpkg.py), proj-bin,
#                postgresql postgresql-postgis (the PostGIS server extension for the running
#                PostgreSQL; Debian's `postgis` package only recommends it), python3-mapnik,
#                poppler-utils (pdftotext for reports), time (max RSS of whole-process benchmarks)
#   screenshots  xvfb xauth imagemagick xdotool
#   QGIS/MapServer peers  qgis python3-qgis qgis-providers (qgis_process, the Python bindings),
#                cgi-mapserver mapserver-bin (OGC API Features paging), fonts-droid-fallback (the
#                font the blueprint's QGIS labels name, so QGIS finds it)
DEBS := gcc pkg-config git ca-certificates libsqlite3-dev libgeos-dev libproj-dev proj-data proj-bin \
        libgl1-mesa-dev xorg-dev gdal-bin python3-gdal postgresql postgresql-postgis postgis \
        python3-mapnik poppler-utils time xvfb xauth imagemagick xdotool \
        qgis python3-qgis qgis-providers cgi-mapserver mapserver-bin fonts-droid-fallback
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN  := bin
DATA ?= $(or $(XDG_DATA_HOME),$(HOME)/.local/share)/lantu
DEMO ?= $(DATA)/demo-small.gpkg

.PHONY: deps build run test bench bench-peers demo clean fmt

## deps: install the missing system packages (idempotent).
deps:
	@missing=""; for p in $(DEBS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

## build: the command line (lantuctl) and the desktop app (lantu).
build: deps
	$(GO) build -o $(BIN)/ ./cmd/...

## demo: the small demo blueprint, generated once.
demo: build
	@mkdir -p $(DATA)
	@[ -f "$(DEMO)" ] || $(BIN)/lantuctl demo --scale small --out "$(DEMO)"

## run: open the desktop app on the demo blueprint.
run: demo
	@if [ -x $(BIN)/lantu ]; then $(BIN)/lantu "$(DEMO)"; else $(BIN)/lantuctl info "$(DEMO)"; fi

## test: go.mod tidy, vet, then every test with the race detector (PostgreSQL + PostGIS started for the
## PostGIS comparisons and the exchange server's tests).
test: deps
	@$(GO) mod tidy -diff || { echo "make test: go.mod/go.sum are not tidy: run go mod tidy"; exit 1; }
	$(GO) vet ./...
	source .ci/pg-start && $(GO) test -race -timeout 45m ./...

## bench: every benchmark once at its default scale.
bench: deps
	source .ci/pg-start && $(GO) test -run '^$$' -bench . -benchtime 1x -timeout 60m ./...

## bench-peers: the whole-process comparisons with the peer tools in one run, at LANTU_BENCH_SCALE (small or
## city; default small): render vs Mapnik and QGIS, terrain vs gdaldem, overlay vs PostGIS, import/export vs
## ogr2ogr (on xz_dltb of the same demo, cut to a Shapefile once). Prints the benchmarks' figure and ratio lines.
LANTU_BENCH_SCALE ?= small
BENCH_DIR   ?= $(or $(LANTU_BENCH_DIR),$(or $(TMPDIR),/tmp)/lantu-bench)
BENCH_DEMO  := $(BENCH_DIR)/demo-$(LANTU_BENCH_SCALE).gpkg
BENCH_SHP   := $(BENCH_DIR)/dltb-$(LANTU_BENCH_SCALE).shp
BENCH_TERRAIN_SIZE := $(if $(filter city,$(LANTU_BENCH_SCALE)),10000,4000)
BENCH_SHOW  := grep --line-buffered -E '^(Benchmark|---|ok|FAIL|PASS)|_test\.go:[0-9]+:' | grep --line-buffered -v 'Warning 1:'
bench-peers: build
	@mkdir -p $(BENCH_DIR)
	@[ -f "$(BENCH_DEMO)" ] || $(BIN)/lantuctl demo --scale $(LANTU_BENCH_SCALE) --out "$(BENCH_DEMO)"
	@[ -f "$(BENCH_SHP)" ] || ogr2ogr -q -limit 200000 "$(BENCH_SHP)" "$(BENCH_DEMO)" xz_dltb
	set -o pipefail; export LANTU_BENCH_SCALE=$(LANTU_BENCH_SCALE) LANTU_BENCH_DIR=$(BENCH_DIR); \
	  $(GO) test ./cmd/lantuctl -run '^$$' -bench 'RenderProcess' -benchtime 3x -timeout 60m -v 2>&1 | $(BENCH_SHOW) && \
	  LANTU_BENCH_TERRAIN_SIZE=$${LANTU_BENCH_TERRAIN_SIZE:-$(BENCH_TERRAIN_SIZE)} \
	  $(GO) test ./layers/terrain -run '^$$' -bench 'WholeProcessVsGdaldem' -benchtime 1x -timeout 60m -v 2>&1 | $(BENCH_SHOW) && \
	  source .ci/pg-start && $(GO) test ./layers/conflict -run '^$$' -bench 'PeerOverlay' -benchtime 1x -timeout 60m -v 2>&1 | $(BENCH_SHOW) && \
	  LANTU_BENCH_IMPORT=1 LANTU_BENCH_SHP=$(BENCH_SHP) \
	  $(GO) test ./cmd/lantuctl -run '^$$' -bench 'ImportProcess' -benchtime 1x -timeout 60m -v 2>&1 | $(BENCH_SHOW)

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf $(BIN)
