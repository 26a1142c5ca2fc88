# csmap: build, test, demo, bench, lint, install.
#
#   make                  build ./csmap
#   make check            build and run every test
#   make demo             ingest the demo data and run the weekly job offline
#   make bench            speed and size benchmarks
#   make SANITIZE=address,undefined check
#   make V=1              show the commands

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man/man1

CC ?= cc
PKG_CONFIG ?= pkg-config
LIBS_PKGS = libcurl libcjson sqlite3 libpcre2-8 libcrypto
TEST_PKGS = cmocka libmicrohttpd

# Install what is missing before anything is built (DESIGN section 3).
ifeq ($(filter clean lint,$(MAKECMDGOALS)),)
ifneq ($(shell $(PKG_CONFIG) --exists $(LIBS_PKGS) $(TEST_PKGS) 2>/dev/null \
	&& echo ok),ok)
$(info csmap: some libraries are missing; running scripts/install-deps)
DEPS_STATUS := $(shell scripts/install-deps >&2; echo $$?)
ifneq ($(DEPS_STATUS),0)
$(error scripts/install-deps failed; install the packages it lists)
endif
endif
endif

VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

WARN = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
       -Wmissing-prototypes -Wpointer-arith -Wcast-qual -Wwrite-strings \
       -Wformat=2 -Wundef -Wvla -Wnull-dereference -Wdouble-promotion \
       -Wno-missing-field-initializers
ifneq ($(CI),)
WARN += -Werror
endif

OPT ?= -O2 -g
CFLAGS ?= $(OPT)
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DCSMAP_VERSION='"$(VERSION)"' \
	     -Iinclude -Ibuild/gen $(WARN) $(CFLAGS) \
	     $(shell $(PKG_CONFIG) --cflags $(LIBS_PKGS) 2>/dev/null)
LDLIBS_ALL = $(shell $(PKG_CONFIG) --libs $(LIBS_PKGS) 2>/dev/null) -lm

ifneq ($(SANITIZE),)
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
LDFLAGS += -fsanitize=$(SANITIZE)
BUILD = build/san
else
BUILD = build
endif
# The allocation-failure build lives in its own folder (build/alloc, or
# build/san/alloc with sanitizers) so it never replaces the normal binary.
ifneq ($(ALLOC_FAULTS),)
ALL_CFLAGS += -DCSMAP_ALLOC_FAULTS
BUILD := $(BUILD)/alloc
endif

ifeq ($(V),1)
Q =
else
Q = @
endif

SRC := $(sort $(shell find src -name '*.c'))
OBJ := $(SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/embedded.o
LIB_OBJ := $(filter-out $(BUILD)/obj/src/cli/main.o,$(OBJ))
EMBED_SRC := $(sort $(wildcard prompts/*.mustache prompts/*/*.mustache \
	     templates/*.mustache templates/*.json))

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
MOCK_BIN := $(BUILD)/tests/mockllm
GEN_BIN := $(BUILD)/csmap-gen

all: csmap

csmap: $(BUILD)/csmap
	$(Q)[ "$(BUILD)" = build ] && cp -f $< $@ || true

$(BUILD)/csmap: $(OBJ)
	@[ "$(Q)" ] && echo "  LINK    $@" || true
	$(Q)$(CC) $(LDFLAGS) -o $@ $(OBJ) $(LDLIBS_ALL)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@[ "$(Q)" ] && echo "  CC      $<" || true
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/obj/gen/embedded.o: build/gen/embedded.c
	@mkdir -p $(dir $@)
	@[ "$(Q)" ] && echo "  CC      $<" || true
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-overlength-strings -c -o $@ $<

build/gen/embedded.c: scripts/embed $(EMBED_SRC)
	@mkdir -p $(dir $@)
	$(Q)scripts/embed $(EMBED_SRC) > $@.tmp && mv $@.tmp $@

# Unit tests link every module but main.
$(BUILD)/tests/test_%: tests/unit/test_%.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	@[ "$(Q)" ] && echo "  TEST    $@" || true
	$(Q)$(CC) $(ALL_CFLAGS) $(shell $(PKG_CONFIG) --cflags cmocka) \
		-Wno-missing-prototypes -Wno-null-dereference -o $@ $< $(LIB_OBJ) \
		$(LDFLAGS) \
		$(LDLIBS_ALL) $(shell $(PKG_CONFIG) --libs cmocka)

$(MOCK_BIN): tests/mock/mockllm.c
	@mkdir -p $(dir $@)
	@[ "$(Q)" ] && echo "  CC      $@" || true
	$(Q)$(CC) $(ALL_CFLAGS) $(shell $(PKG_CONFIG) --cflags libmicrohttpd) \
		-o $@ $< $(LDFLAGS) $(shell $(PKG_CONFIG) --libs libmicrohttpd) \
		-lcjson -lpthread

$(GEN_BIN): bench/gen.c
	@mkdir -p $(dir $@)
	@[ "$(Q)" ] && echo "  CC      $@" || true
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(LDFLAGS) -lm

tests: $(BUILD)/csmap $(UNIT_BIN) $(if $(wildcard tests/mock/mockllm.c),$(MOCK_BIN)) \
	$(if $(wildcard bench/gen.c),$(GEN_BIN))

check: tests
	$(Q)BUILD=$(BUILD) tests/run

demo: csmap $(GEN_BIN)
	$(Q)scripts/demo

bench: csmap $(GEN_BIN) $(if $(wildcard tests/mock/mockllm.c),$(MOCK_BIN))
	$(Q)BUILD=$(BUILD) bench/run
	$(Q)BUILD=$(BUILD) sh bench/llm.sh

# libFuzzer harnesses (fuzz/README.md): every module but main built with
# clang and the fuzzer's instrumentation in build/fuzz, one binary per
# fuzz/fuzz_NAME.c, each run for FUZZ_SECONDS.
FUZZ_SECONDS ?= 30
ifneq ($(filter fuzz fuzz-build,$(MAKECMDGOALS)),)
FUZZ_DEPS_STATUS := $(shell scripts/install-deps --fuzz >&2; echo $$?)
ifneq ($(FUZZ_DEPS_STATUS),0)
$(error scripts/install-deps --fuzz failed; install clang and libFuzzer)
endif
endif
FUZZ_CC ?= clang
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -DCSMAP_VERSION='"$(VERSION)"' \
	      -Iinclude -Ibuild/gen -Isrc $(filter-out -Werror,$(WARN)) \
	      -Wno-format-nonliteral \
	      -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN) \
	      $(shell $(PKG_CONFIG) --cflags $(LIBS_PKGS) 2>/dev/null)
FUZZ_LIB_OBJ := $(filter-out build/fuzz/obj/src/cli/main.o, \
	$(SRC:%.c=build/fuzz/obj/%.o)) build/fuzz/obj/gen/embedded.o
FUZZ_NAMES := $(sort $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c)))
FUZZ_BIN := $(FUZZ_NAMES:%=build/fuzz/fuzz_%)

build/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@[ "$(Q)" ] && echo "  FUZZCC  $<" || true
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP \
		-c -o $@ $<

build/fuzz/obj/gen/embedded.o: build/gen/embedded.c
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -Wno-overlength-strings -c -o $@ $<

build/fuzz/fuzz_%: build/fuzz/obj/fuzz/fuzz_%.o build/fuzz/obj/fuzz/common.o \
		$(FUZZ_LIB_OBJ)
	@[ "$(Q)" ] && echo "  LINK    $@" || true
	$(Q)$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $^ $(LDLIBS_ALL)

fuzz-build: $(FUZZ_BIN)

fuzz: $(FUZZ_BIN)
	$(Q)fuzz/run $(FUZZ_SECONDS) $(FUZZ_NAMES)

# Kept between runs: make would otherwise delete them as intermediates.
.SECONDARY: $(FUZZ_LIB_OBJ) build/fuzz/obj/fuzz/common.o \
	$(FUZZ_NAMES:%=build/fuzz/obj/fuzz/fuzz_%.o)
.PHONY: fuzz fuzz-build

valgrind: $(BUILD)/csmap
	$(Q)scripts/valgrind-cli $(BUILD)

lint:
	$(Q)scripts/lint

install: csmap
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)
	install -m 0755 csmap $(DESTDIR)$(BINDIR)/csmap
	[ ! -f docs/csmap.1 ] || install -m 0644 docs/csmap.1 $(DESTDIR)$(MANDIR)/csmap.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/csmap $(DESTDIR)$(MANDIR)/csmap.1

clean:
	rm -rf build csmap out

.PHONY: all csmap check tests demo bench lint valgrind install uninstall clean

-include $(OBJ:.o=.d)
-include $(wildcard build/fuzz/obj/*/*/*.d build/fuzz/obj/*/*.d)
