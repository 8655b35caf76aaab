# kstack: `make demo` runs the main job on the embedded simulated cluster; `make test` runs every test tier.
SHELL := /bin/bash
ARTIFACTS := artifacts
RID ?= linux-x64

.PHONY: build build-kstack build-sim test e2e e2e-sim evals demo sim bench clean pack release

VERSION := $(shell sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' src/Kstack/Kstack.csproj)
PACKAGES := $(ARTIFACTS)/packages
RELEASE := $(ARTIFACTS)/release

build: build-kstack build-sim

# NativeAOT when clang is available (start-up in milliseconds; trim/AOT warnings or a binary that does not start fail
# the build); otherwise a framework-dependent build.
build-kstack:
	@RID=$(RID) scripts/build-kstack.sh

build-sim:
	@if [ -f src/Kstack.Sim/Kstack.Sim.csproj ]; then \
	  dotnet publish src/Kstack.Sim/Kstack.Sim.csproj -c Release -o $(ARTIFACTS)/sim --nologo -v quiet && \
	  printf '#!/bin/sh\nexec "$$(dirname "$$0")/../sim/kstack-sim" "$$@"\n' > $(ARTIFACTS)/bin/kstack-sim && \
	  chmod +x $(ARTIFACTS)/bin/kstack-sim; \
	fi

test: build
	@scripts/test.sh

# The e2e tier against a real cluster (opt-in: KSTACK_E2E_KUBECONFIG; tests/e2e/README.md), and the same tier against
# kstack-sim (also run by `make test`).
e2e: build
	@tests/e2e/e2e.sh

e2e-sim: build
	@tests/e2e/e2e.sh --sim

# The evals tier (opt-in: an agent CLI and its API key; tests/evals/README.md).
evals: build
	@scripts/evals.sh $(ARGS)

demo: build
	@scripts/demo.sh $(ARGS)

# The demo, then the simulator keeps running and the KUBECONFIG line to export is printed.
sim: build
	@scripts/demo.sh --keep $(ARGS)

bench: build
	@bench/run.sh

# .NET tool packages: the pointer package `kstack`, the NativeAOT `kstack.$(RID)` (needs clang) and the
# framework-dependent `kstack.any` fallback for platforms without a native package.
pack:
	@rm -rf $(PACKAGES) src/Kstack/bin/Release/net10.0/$(RID)/publish src/Kstack/bin/Release/net10.0/any/publish && mkdir -p $(PACKAGES)
	dotnet pack src/Kstack/Kstack.csproj -c Release -o $(PACKAGES) --nologo -v quiet -p:KstackToolPack=true
	@if command -v clang >/dev/null 2>&1; then \
	  dotnet pack src/Kstack/Kstack.csproj -c Release -r $(RID) -o $(PACKAGES) --nologo -v quiet -p:KstackToolPack=true; \
	else echo "clang not found: skipping the native kstack.$(RID) package (apt-get install clang)" >&2; fi
	dotnet pack src/Kstack/Kstack.csproj -c Release -r any -o $(PACKAGES) --nologo -v quiet -p:KstackToolPack=true -p:PublishAot=false
	@ls -1 $(PACKAGES)

# Release archive kstack-<version>-<rid>.tar.gz (binary, schema, LICENSE, README) and SHA256SUMS, from the native build.
release: build-kstack
	@scripts/release.sh "$(VERSION)" "$(RID)" "$(RELEASE)"

clean:
	rm -rf $(ARTIFACTS) src/*/bin src/*/obj tests/*/bin tests/*/obj
