# kstack: `make demo` runs the main job on the embedded simulated cluster; `make test` runs every test tier.
SHELL := /bin/bash
ARTIFACTS := artifacts
RID ?= linux-x64

.PHONY: build build-kstack build-sim test demo bench clean

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

demo: build
	@scripts/demo.sh $(ARGS)

bench: build
	@bench/run.sh

clean:
	rm -rf $(ARTIFACTS) src/*/bin src/*/obj tests/*/bin tests/*/obj
