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
DEBS := gcc pkg-config git ca-certificates libsqlite3-dev libgeos-dev libproj-dev proj-data proj-bin \
        libgl1-mesa-dev xorg-dev gdal-bin python3-gdal postgresql postgresql-postgis postgis \
        python3-mapnik poppler-utils time xvfb xauth imagemagick xdotool \
        qgis python3-qgis qgis-providers cgi-mapserver mapserver-bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN  := bin
DATA ?= $(or $(XDG_DATA_HOME),$(HOME)/.local/share)/lantu
DEMO ?= $(DATA)/demo-small.gpkg

.PHONY: deps build run test bench demo clean fmt

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

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf $(BIN)
