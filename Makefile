# cipherbox-republish. `make demo` runs the main job locally; `make test` installs what is
# missing and runs every test. CI runs `make test` (.ci/run).
SHELL := /bin/bash
JOBS ?= $(shell nproc)
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
# `make test` fuzzes every target for FUZZ_TEST_SECONDS, `make fuzz` for FUZZ_SECONDS, FUZZ_JOBS
# targets at a time (hack/run-fuzzers.sh picks up every fuzz/*_fuzz.cpp).
FUZZ_SECONDS ?= 300
FUZZ_TEST_SECONDS ?= 30
FUZZ_JOBS ?= 2
CMAKE_FLAGS := -G Ninja -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache
export CCACHE_DIR ?= $(HOME)/.cache/ccache
# Paths relative to the checkout, so a fresh clone elsewhere (CI) hits the same cache entries.
export CCACHE_BASEDIR ?= $(CURDIR)
export CCACHE_NOHASHDIR ?= true

.PHONY: all deps build test check e2e asan-test fuzz fuzz-smoke bench bench-operator demo demo-down demo-node demo-node-down e2e-kind clean format

all: build

deps:
	hack/install-deps.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

# Unit, interop and integration tests (ctest labels unit, interop, integration), in parallel.
check: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -LE e2e

# End-to-end scenarios, one at a time (each runs a whole system on loopback).
e2e: build
	cd $(BUILD) && ctest --output-on-failure -L e2e

$(ASAN_BUILD)/build.ninja:
	cmake -S . -B $(ASAN_BUILD) $(CMAKE_FLAGS) -DCMAKE_BUILD_TYPE=Debug -DCBX_SANITIZE=ON

# The unit tests again under AddressSanitizer + UndefinedBehaviorSanitizer (no interop/e2e).
asan-test: $(ASAN_BUILD)/build.ninja
	cmake --build $(ASAN_BUILD) -j $(JOBS) --target unit_tests cipherbox-signer cipherbox-republish
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j $(JOBS) -L unit

$(FUZZ_BUILD)/build.ninja:
	CC=clang-14 CXX=clang++-14 cmake -S . -B $(FUZZ_BUILD) $(CMAKE_FLAGS) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCBX_FUZZ=ON

fuzz-build: $(FUZZ_BUILD)/build.ninja
	cmake --build $(FUZZ_BUILD) -j $(JOBS)

# Each fuzz target for FUZZ_SECONDS (default 300 s), corpora kept under $(FUZZ_BUILD)/corpus.
fuzz: fuzz-build
	FUZZ_JOBS=$(FUZZ_JOBS) hack/run-fuzzers.sh $(FUZZ_BUILD) -max_total_time=$(FUZZ_SECONDS)

# What `make test` runs: each target for FUZZ_TEST_SECONDS (default 30 s), two at a time.
fuzz-smoke: fuzz-build
	FUZZ_JOBS=$(FUZZ_JOBS) hack/run-fuzzers.sh $(FUZZ_BUILD) -max_total_time=$(FUZZ_TEST_SECONDS)

bench: build
	hack/run-benchmarks.sh $(BUILD)
	hack/bench-operator.sh $(BUILD) $(BENCH_FOLDERS)

BENCH_FOLDERS ?= 10000

# The node e2e's Go binaries and images (C++ compiled inside podman) build in the background
# from the start (hack/node-prebuild.sh, root only), so they are ready when the e2e label reaches it.
test: deps
	hack/node-prebuild.sh $(CURDIR)/$(BUILD)/node-prebuild.log
	$(MAKE) check
	$(MAKE) e2e
	$(MAKE) asan-test
	$(MAKE) fuzz-smoke

# Builds what is missing, then runs the whole system locally and leaves it running.
demo:
	hack/install-deps.sh
	$(MAKE) build
	BIN=$(CURDIR)/$(BUILD)/bin hack/demo.sh up

demo-down:
	BIN=$(CURDIR)/$(BUILD)/bin hack/demo.sh down

# The same demo as Pods on a real local node (root; hack/node.sh): the chart with the demo
# signer, routing server and epoch 1. Prints KUBECONFIG=...; `make demo-node-down` removes it.
NODE_STATE ?= $(CURDIR)/.state/node
demo-node: build
	hack/node.sh up $(NODE_STATE) >/dev/null
	hack/node.sh demo $(NODE_STATE)

demo-node-down:
	hack/node.sh down $(NODE_STATE)

# For developers with Docker: kind cluster, images, the chart with the demo signer and routing,
# a smoke scenario and tests/e2e (hack/kind-e2e.sh). CI runs the scenarios on the local control plane.
e2e-kind: build
	BIN=$(CURDIR)/$(BUILD)/bin hack/kind-e2e.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)

format:
	find common signer operator fuzz bench -name '*.cpp' -o -name '*.h' | xargs clang-format-14 -i
