# taskq — see README.md. `make demo` and `make test` do all set-up themselves.
SWIFT       ?= swift
BIN_DIR      = $(shell $(SWIFT) build --show-bin-path)
MAN_DATE     = 2026-11-22
MAN_AUTHORS  = taskq developers

.PHONY: all deps build-deps build release demo test api-check browser-test example example-manifest generate verify-generated bench chaos chaos-quick clean install install-files uninstall fuzz fuzz-lib

all: build

deps:
	@./scripts/install-deps.sh

## Only what building needs (no test servers, browser or Python packages): for build, demo, release and install.
build-deps:
	@./scripts/install-deps.sh --build

build: build-deps
	$(SWIFT) build --product taskq

## The release binary: the Swift runtime linked in, and linked at a fixed address (-no-pie): a position-independent
## static binary spends its start-up applying ~100,000 relocations to pages it then owns, which made every short
## command ~2 ms slower once the HTTP server was linked in (BENCHMARKS.md#taskq-serve).
RELEASE_FLAGS = -c release --product taskq --static-swift-stdlib -Xswiftc -Xclang-linker -Xswiftc -no-pie
release: build-deps
	$(SWIFT) build $(RELEASE_FLAGS)

## The main job on the embedded SQLite default: sample jobs, a worker, the resulting table.
demo: build
	./scripts/demo.sh "$(BIN_DIR)/taskq"

## Every test: conformance (every backend), engine, dashboard rendering, end to end, and generated files.
test: deps
	$(SWIFT) build --build-tests
	$(MAKE) --no-print-directory verify-generated
	$(SWIFT) test --skip-build --filter TaskKitTests
	$(SWIFT) test --skip-build --filter TaskqServerTests
	@# The end-to-end tests drive processes synchronously (sleeping while they poll); run in parallel they would
	@# hold Swift's two cooperative threads and starve the async library tests, so they run one at a time.
	$(SWIFT) test --skip-build --filter TaskqEndToEndTests --no-parallel
	$(MAKE) --no-print-directory api-check
	$(MAKE) --no-print-directory browser-test
	$(MAKE) --no-print-directory example-manifest
	$(MAKE) --no-print-directory chaos-quick
	@# A bounded fuzz run (SQLite, a few hundred generated cases, at most 60 s) keeps RELIABILITY.md's claims true.
	python3 scripts/fuzz.py "$(BIN_DIR)/taskq" --backends sqlite --cases 300 --budget 60

## The dashboard in headless Chromium (tests/browser): login, live pages, forms, CSRF, roles; screenshots of every
## page visited go to .build/browser-screenshots/.
browser-test: build
	python3 tests/browser/test_dashboard.py "$(BIN_DIR)/taskq" .build/browser-screenshots

## `taskq serve` against its OpenAPI document: schemathesis on a throwaway SQLite store (bounded, under a minute).
api-check: build
	./scripts/api-schema-check.sh "$(BIN_DIR)/taskq"

## Generated bad input against the built binary on every backend (RELIABILITY.md#fuzz): FUZZ_SEED, FUZZ_CASES
## (per backend, default 1000), FUZZ_BACKENDS; then coverage-guided fuzzing of the parsers (fuzz-lib).
FUZZ_SEED     ?= 13
FUZZ_CASES    ?= 1000
FUZZ_BACKENDS ?= sqlite,postgres,redis
FUZZ_SECONDS  ?= 60
fuzz: build
	FUZZ_SEED=$(FUZZ_SEED) python3 scripts/fuzz.py "$(BIN_DIR)/taskq" --backends $(FUZZ_BACKENDS) --cases $(FUZZ_CASES)
	$(MAKE) --no-print-directory fuzz-lib

## libFuzzer + AddressSanitizer on the JSON, cron, duration and config parsers, FUZZ_SECONDS each.
fuzz-lib:
	FUZZ_SEED=$(FUZZ_SEED) ./scripts/fuzz-lib.sh $(FUZZ_SECONDS)

## The example program with its own Swift handlers, built as its own package the way a user's program is (its
## own .build: every dependency compiled again, a few minutes). `make test` compiles the same sources as this
## package's CustomTasksExample target and runs them (ExampleProgramTests), and checks the example's manifest with
## example-manifest instead.
example:
	cd Examples/custom-tasks && $(SWIFT) build

## The example's Package.swift evaluates and asks only for products this package has.
example-manifest:
	@cd Examples/custom-tasks && $(SWIFT) package dump-package | python3 -c 'import json, subprocess, sys; \
	  wanted = {d["product"][0] for t in json.load(sys.stdin)["targets"] for d in t["dependencies"] if "product" in d}; \
	  ours = {p["name"] for p in json.loads(subprocess.run(["$(SWIFT)", "package", "--package-path", "../..", "dump-package"], \
	          capture_output=True, text=True, check=True).stdout)["products"]}; \
	  sys.exit(f"Examples/custom-tasks asks for products taskq lacks: {sorted(wanted - ours)}" if wanted - ours else 0)' \
	  && echo "Examples/custom-tasks/Package.swift asks for products taskq has"

## Regenerate shell completions and man pages from the command definitions.
generate: build
	./scripts/generate.sh "$(BIN_DIR)/taskq" completions man

## Fail when completions/ or man/ differ from what the commands generate.
verify-generated: build
	@tmp=$$(mktemp -d) && ./scripts/generate.sh "$(BIN_DIR)/taskq" $$tmp/completions $$tmp/man >/dev/null \
	  && diff -r completions $$tmp/completions && diff -r man $$tmp/man \
	  && rm -rf $$tmp && echo "completions/ and man/ are up to date" \
	  || { rm -rf $$tmp; echo "completions/ or man/ are stale: run 'make generate'" >&2; exit 1; }

## Install the release binary (stripped), man pages and completions under $(PREFIX) (default /usr/local); DESTDIR
## stages a package. `make uninstall` with the same PREFIX removes exactly those files.
PREFIX      ?= /usr/local
BINDIR       = $(DESTDIR)$(PREFIX)/bin
MANDIR       = $(DESTDIR)$(PREFIX)/share/man/man1
BASHDIR      = $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSHDIR       = $(DESTDIR)$(PREFIX)/share/zsh/site-functions
FISHDIR      = $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d

install: release
	$(MAKE) --no-print-directory install-files BIN="$$($(SWIFT) build -c release --show-bin-path)/taskq"

## The copy step of `install`, for a binary built elsewhere: make install-files BIN=path/to/taskq PREFIX=…
install-files:
	@test -x "$(BIN)" || { echo "install-files: BIN=$(BIN) is not an executable" >&2; exit 1; }
	install -d "$(BINDIR)" "$(MANDIR)" "$(BASHDIR)" "$(ZSHDIR)" "$(FISHDIR)"
	install -m 0755 "$(BIN)" "$(BINDIR)/taskq"
	strip "$(BINDIR)/taskq" 2>/dev/null || true
	install -m 0644 man/*.1 "$(MANDIR)/"
	install -m 0644 completions/taskq.bash "$(BASHDIR)/taskq"
	install -m 0644 completions/_taskq "$(ZSHDIR)/_taskq"
	install -m 0644 completions/taskq.fish "$(FISHDIR)/taskq.fish"

uninstall:
	rm -f "$(BINDIR)/taskq" "$(BASHDIR)/taskq" "$(ZSHDIR)/_taskq" "$(FISHDIR)/taskq.fish"
	for page in man/*.1; do rm -f "$(MANDIR)/$$(basename $$page)"; done

## Benchmarks (release build); figures go to BENCHMARKS.md by hand.
bench: deps release
	./bench/run.sh "$$($(SWIFT) build -c release --show-bin-path)/taskq"

## Chaos suites on every backend (kill -9 mid-drain, server outages, SIGSTOP past a lease, full disk, beats, cancel
## racing completion); figures go to RELIABILITY.md. CHAOS_FLAGS e.g. --backends sqlite --scenarios a,f.
CHAOS_FLAGS ?=
chaos: build
	python3 chaos/chaos.py "$(BIN_DIR)/taskq" $(CHAOS_FLAGS)

## The bounded version that `make test` runs (a few thousand jobs, a few kills; under 3 minutes).
chaos-quick: build
	python3 chaos/chaos.py "$(BIN_DIR)/taskq" --quick $(CHAOS_FLAGS)

clean:
	rm -rf .build
