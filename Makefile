# Pierre — two commands on a fresh machine:
#   make run    build everything and start the server with demo data
#   make test   the whole suite (format, vet, staticcheck, race tests)

GO        ?= go
BIN       := bin
LDFLAGS   := -s -w
PKGS      := ./...
# Services for the PostgreSQL/Redis cases of the suite; .ci/run sets them.
export PIERRE_TEST_POSTGRES_URL
export PIERRE_TEST_REDIS_URL

.PHONY: all build run test fmt-check vet staticcheck unit bench fuzz clean

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/ ./cmd/...

# Starts on the embedded defaults (SQLite in ./data, synthetic provider)
# and prints the URL, the demo login, a token and client configurations.
run: build
	./$(BIN)/pierre-server --demo

test: fmt-check vet staticcheck unit

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './web/*')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

staticcheck:
	$(GO) tool staticcheck $(PKGS)

unit:
	$(GO) test -race -count=1 -timeout 20m $(PKGS)

# Benchmarks of the hot paths; figures are recorded in docs/performance.md.
bench:
	$(GO) test -run='^$$' -bench=. -benchmem -count=1 $(PKGS)

# Short runs of every fuzz target (FUZZTIME each).
FUZZTIME ?= 20s
fuzz:
	@for pkg in $$($(GO) list $(PKGS)); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run='^$$' -fuzz="^$$f$$" -fuzztime=$(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

clean:
	rm -rf $(BIN)
