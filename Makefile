# taskq — see README.md. `make demo` and `make test` do all set-up themselves.
SWIFT       ?= swift
BIN_DIR      = $(shell $(SWIFT) build --show-bin-path)
MAN_DATE     = 2026-11-22
MAN_AUTHORS  = taskq developers

.PHONY: all deps build release demo test example generate verify-generated bench clean

all: build

deps:
	@./scripts/install-deps.sh

build: deps
	$(SWIFT) build --product taskq

release: deps
	$(SWIFT) build -c release --product taskq --static-swift-stdlib

## The main job on the embedded SQLite default: sample jobs, a worker, the resulting table.
demo: build
	./scripts/demo.sh "$(BIN_DIR)/taskq"

## Every test: conformance (every backend), engine, end to end, and generated files.
test: deps
	$(SWIFT) build --build-tests
	$(MAKE) --no-print-directory verify-generated
	$(SWIFT) test --skip-build --filter TaskKitTests
	@# The end-to-end tests drive processes synchronously (sleeping while they poll); run in parallel they would
	@# hold Swift's two cooperative threads and starve the async library tests, so they run one at a time.
	$(SWIFT) test --skip-build --filter TaskqEndToEndTests --no-parallel
	$(MAKE) --no-print-directory example

## The example program with its own Swift handlers still builds against TaskKit.
example:
	cd Examples/custom-tasks && $(SWIFT) build

## Regenerate shell completions and man pages from the command definitions.
generate: build
	./scripts/generate.sh "$(BIN_DIR)/taskq" completions man

## Fail when completions/ or man/ differ from what the commands generate.
verify-generated: build
	@tmp=$$(mktemp -d) && ./scripts/generate.sh "$(BIN_DIR)/taskq" $$tmp/completions $$tmp/man >/dev/null \
	  && diff -r completions $$tmp/completions && diff -r man $$tmp/man \
	  && rm -rf $$tmp && echo "completions/ and man/ are up to date" \
	  || { rm -rf $$tmp; echo "completions/ or man/ are stale: run 'make generate'" >&2; exit 1; }

## Benchmarks (release build); figures go to BENCHMARKS.md by hand.
bench: release
	./bench/run.sh "$$($(SWIFT) build -c release --show-bin-path)/taskq"

clean:
	rm -rf .build
