# The README's two commands: `make run` and `make test`.
GO      ?= go
BIN     := bin/catalogue
ADDR    ?= 127.0.0.1:8080

.PHONY: run test audit federation dcat-check build generate check-generate bench bench-load postgres vet dashboard check-dashboard dashboard-test fuzz

## run: build, start a private PostgreSQL (unless DATABASE_URL is set), load the demo, serve on $(ADDR) in development mode
run: build postgres
	./$(BIN) serve --addr $(ADDR) --demo --dev

## test: vet and run every test with the race detector against a real PostgreSQL
test: postgres vet
	$(GO) test -race -count=1 ./...

## audit: serve the demo and run graphql-http's GraphQL-over-HTTP server audit (needs Node.js; installs it on Debian)
audit: postgres
	./tools/audit/run.sh

## federation: serve the demo behind Apollo Gateway beside a second subgraph and test it (needs Node.js 20; see README "Running behind a federation gateway")
federation: postgres
	./tools/federation/run.sh

## dcat-check: serve the demo and harvest its DCAT-AP export with the jsonld and n3 npm packages (needs Node.js; installs it on Debian)
dcat-check: postgres
	./tools/dcat/run.sh

build:
	$(GO) build -o $(BIN) ./cmd/catalogue

vet:
	$(GO) vet ./...

## postgres: make sure the PostgreSQL server binaries are here (installs them on Debian/Ubuntu)
postgres:
	@./tools/ensure-postgres.sh

## generate: regenerate graph/ from schema/*.graphqls and gqlgen.yml (gqlgen, then tools/gqlgen's plain-field step)
generate:
	$(GO) run ./tools/gqlgen -config gqlgen.yml

## check-generate: fail when the committed generated code is stale
check-generate: generate
	@git diff --exit-code --stat -- graph/ || (echo "graph/ is stale: run 'make generate' and commit the result" >&2; exit 1)
	@test -z "$$(git status --porcelain --untracked-files=all -- graph/)" || (git status --short -- graph/; echo "graph/ has uncommitted generated files: run 'make generate' and commit them" >&2; exit 1)

## bench: the list-query benchmark (see README "Performance")
bench: postgres
	$(GO) test -run '^$$' -bench . -benchmem -count 5 ./server/

## bench-load: the service under load on a generated city, beside a pgx floor and PostGraphile v4 (see README "Performance"; needs Node.js for PostGraphile, and wrk, when installed, measures the list again)
bench-load: build postgres
	cd tools/bench/postgraphile && npm ci --no-audit --no-fund
	$(GO) run ./tools/bench -postgraphile $$(command -v wrk >/dev/null && echo -wrk) $(BENCHFLAGS)

## dashboard: rebuild dashboard/dist from dashboard/src with esbuild (needs Node.js; commit the result)
dashboard: dashboard/node_modules
	cd dashboard && node build.mjs

dashboard/node_modules: dashboard/package.json dashboard/package-lock.json
	@command -v npm >/dev/null || tools/apt-install.sh nodejs npm
	cd dashboard && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## check-dashboard: fail when the committed dashboard/dist is not what dashboard/src builds to
check-dashboard: dashboard
	@git diff --exit-code --stat -- dashboard/dist/ || (echo "dashboard/dist is stale: run 'make dashboard' and commit the result" >&2; exit 1)
	@test -z "$$(git status --porcelain --untracked-files=all -- dashboard/dist/)" || (git status --short -- dashboard/dist/; echo "dashboard/dist has uncommitted files: run 'make dashboard' and commit them" >&2; exit 1)

## dashboard-test: the dashboard in headless Chromium against the demo served by bin/catalogue (installs chromium and fonts-noto-cjk on Debian)
dashboard-test: check-dashboard build postgres
	@test -x /usr/bin/chromium || tools/apt-install.sh chromium
	@fc-list 2>/dev/null | grep -q 'Noto Sans CJK' || tools/apt-install.sh fonts-noto-cjk
	cd dashboard && node --test test/dashboard.test.mjs

## fuzz: run each fuzz test briefly (FUZZTIME inputs each; the server's, which start a database first, SERVER_FUZZTIME); seeds live in f.Add and testdata/fuzz.
## Counts, not durations: a duration ends with the fuzzing engine's deadline, which fails the run as "context deadline exceeded" whenever a worker is mid-input then (seen in CI on FuzzVerify).
FUZZTIME        ?= 30000x
SERVER_FUZZTIME ?= 1500x
FUZZ_TARGETS    := domain:FuzzValidateCreditCode domain:FuzzParseNodeID domain:FuzzMask store:FuzzDecodeCursor \
                   auth:FuzzVerify auth:FuzzVerifySignedPayload auth:FuzzMiddleware graph/plain:FuzzStringWritesWhatGqlgenWrites
SERVER_FUZZ     := FuzzEntities FuzzResourceList
fuzz: postgres
	@set -e; for t in $(FUZZ_TARGETS); do \
	  echo "== $${t#*:} (./$${t%%:*}, $(FUZZTIME))"; \
	  $(GO) test -run '^$$' -fuzz "^$${t#*:}$$" -fuzztime $(FUZZTIME) ./$${t%%:*}; \
	done; \
	for t in $(SERVER_FUZZ); do \
	  echo "== $$t (./server, $(SERVER_FUZZTIME))"; \
	  $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(SERVER_FUZZTIME) ./server; \
	done
