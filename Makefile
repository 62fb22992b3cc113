# SPDX-License-Identifier: ISC
# certseal - build, test, install.  Plain GNU make (STYLE 15).
#
#   make            build the program and libcertseal (shared and static)
#   make demo       install missing build dependencies, build, run the demo
#   make check      install missing dependencies, build, run every test
#   make check SAN=1   the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   make bench      performance benchmark
#   make fuzz       build the libFuzzer targets (clang); make fuzz-run runs them
#   make install    PREFIX=/usr/local DESTDIR= : program, libraries, headers,
#                   certseal.pc, man pages; then ldconfig when the library
#                   went straight into the linker's search path
#   make CC=clang   build with clang (the default is gcc, whatever `cc` is)

VERSION     := 0.1.0
SOVERSION   := 0
PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
LIBDIR      ?= $(PREFIX)/lib
INCLUDEDIR  ?= $(PREFIX)/include
MANDIR      ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig

# gcc unless CC is given: Debian's `cc` points at whichever compiler was
# installed last (clang, once the tests pulled it in).
ifeq ($(origin CC),default)
CC          := gcc
endif
PKG_CONFIG  ?= pkg-config
# What a fresh Debian 12 lacks to build at all: the compiler CC names, the C
# library's headers, pkg-config.  kind:what:package, kind one of cmd
# (a command on PATH), path (a file), pc (a pkg-config module), py (a Python
# module), deb (an installed Debian package).
CC_PACKAGE  := $(if $(findstring clang,$(notdir $(firstword $(CC)))),clang,gcc)
DEPS_BUILD  := cmd:$(firstword $(CC)):$(CC_PACKAGE) path:/usr/include/stdio.h:libc6-dev \
               cmd:$(PKG_CONFIG):pkg-config
# pkg-config module : Debian package that provides it
DEPS_LIB    := openssl:libssl-dev libcbor:libcbor-dev jansson:libjansson-dev \
               zlib:zlib1g-dev libqrencode:libqrencode-dev libpng:libpng-dev \
               libjpeg:libjpeg-dev zbar:libzbar-dev sqlite3:libsqlite3-dev \
               libcurl:libcurl4-openssl-dev libmicrohttpd:libmicrohttpd-dev \
               icu-uc:libicu-dev
DEPS_TEST   := cmocka:libcmocka-dev
# command : Debian package (tools the tests and docs need).  ImageMagick is
# looked for under its Debian name, so that another `convert` on PATH does
# not stand in for it.
DEPS_TOOLS  := clang:clang groff:groff-base python3:python3 zbarimg:zbar-tools \
               convert-im6.q16:imagemagick sqlite3:sqlite3 xmllint:libxml2-utils \
               chromium:chromium curl:curl strace:strace
LIB_MODULES := $(foreach d,$(DEPS_LIB),$(firstword $(subst :, ,$(d))))

ifeq ($(SAN),1)
BUILD       ?= build/san
SANFLAGS    := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else
BUILD       ?= build
SANFLAGS    :=
endif

PKG_CFLAGS  := $(shell $(PKG_CONFIG) --cflags $(LIB_MODULES) 2>/dev/null)
PKG_LIBS    := $(shell $(PKG_CONFIG) --libs $(LIB_MODULES) 2>/dev/null)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

WARN        := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
               -Wformat=2 -Wvla -Wno-missing-field-initializers
OPT         ?= -O2 -g
CFLAGS      ?= $(OPT)
ALL_CFLAGS  := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) $(CFLAGS) \
               $(SANFLAGS) -fPIC -Ipkg/include -Ipkg $(PKG_CFLAGS)
ALL_LDFLAGS := $(LDFLAGS) $(SANFLAGS) -pthread

LIB_SRC     := $(sort $(wildcard pkg/*.c))
LIB_OBJ     := $(LIB_SRC:pkg/%.c=$(BUILD)/pkg/%.o)
CMD_SRC     := $(sort $(wildcard cmd/certseal/*.c))
CMD_OBJ     := $(CMD_SRC:cmd/%.c=$(BUILD)/cmd/%.o)
UNIT_SRC    := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN    := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TEST_HELPER := $(sort $(wildcard tests/unit/helper_*.c))
BENCH_BIN   := $(BUILD)/tests/bench
FUZZ_SRC    := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN    := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_SECONDS ?= 10
# The largest single allocation a fuzzer may make (libFuzzer -malloc_limit_mb);
# fuzz_image is held to 256 MiB so that a header believed before the file
# is checked shows up as a crash.
FUZZ_MALLOC_LIMIT_MB ?= 2048
FUZZ_MALLOC_LIMIT_MB_fuzz_image := 256

STATIC_LIB  := $(BUILD)/libcertseal.a
SHARED_LIB  := $(BUILD)/libcertseal.so.$(SOVERSION)
PROGRAM     := $(BUILD)/certseal

.PHONY: all deps deps-test check check-run test-unit test-cli test-docs demo demo-run \
        bench bench-run fuzz fuzz-run install install-ldconfig uninstall clean
.DEFAULT_GOAL := all

all: $(PROGRAM) $(STATIC_LIB) $(SHARED_LIB)

# --- dependencies --------------------------------------------------------------
# Installs only what is missing, in one apt-get command (Debian 12), as root
# or through sudo.  Without either it prints the exact command to run as
# root and stops.
APT_INSTALL := apt-get install -y --no-install-recommends
define install_missing
missing=""; \
for dep in $(1); do \
  kind=$${dep%%:*}; rest=$${dep#*:}; name=$${rest%:*}; pkg=$${rest##*:}; \
  case $$kind in \
  pc) $(PKG_CONFIG) --exists "$$name" 2>/dev/null ;; \
  path) [ -e "$$name" ] ;; \
  deb) dpkg-query -W -f '$${Status}' "$$name" 2>/dev/null | grep -q 'ok installed' ;; \
  py) python3 -c "import $$name" 2>/dev/null || /usr/bin/python3 -c "import $$name" 2>/dev/null ;; \
  *) command -v "$$name" >/dev/null 2>&1 ;; \
  esac || case " $$missing " in *" $$pkg "*) ;; *) missing="$$missing $$pkg" ;; esac; \
done; \
if [ -n "$$missing" ]; then \
  if [ "$$(id -u)" = 0 ]; then sudo=""; \
  elif command -v sudo >/dev/null 2>&1; then sudo=sudo; \
  else echo "certseal: missing build dependencies:$$missing" >&2; \
    echo "certseal: as root, run: $(APT_INSTALL)$$missing" >&2; \
    echo "certseal: then run make again" >&2; exit 1; fi; \
  echo "certseal: installing missing build dependencies:$$missing"; \
  export DEBIAN_FRONTEND=noninteractive; \
  $$sudo $(APT_INSTALL) $$missing || \
  { $$sudo apt-get update && $$sudo $(APT_INSTALL) $$missing; } || \
  { echo "certseal: could not install:$$missing" >&2; \
    echo "certseal: as root, run: apt-get update && $(APT_INSTALL)$$missing" >&2; exit 1; }; \
fi
endef

# clang's fuzzer and sanitizer runtimes, which apt-get does not install
# with clang when recommended packages are left out.
DEPS_FUZZ   := deb:libclang-rt-14-dev:libclang-rt-14-dev
DEPS_ALL    := $(DEPS_BUILD) $(addprefix pc:,$(DEPS_LIB))
DEPS_ALL_TEST := $(DEPS_ALL) $(addprefix pc:,$(DEPS_TEST)) $(addprefix cmd:,$(DEPS_TOOLS)) \
               py:jsonschema:python3-jsonschema $(DEPS_FUZZ)

deps:
	@$(call install_missing,$(DEPS_ALL))

deps-test:
	@$(call install_missing,$(DEPS_ALL_TEST))

# Fails early, naming the missing library, when a plain `make` runs without them.
$(BUILD)/.deps-ok:
	@for m in $(LIB_MODULES); do $(PKG_CONFIG) --exists $$m || \
	  { echo "certseal: missing build dependency '$$m' (run: make deps)" >&2; exit 1; }; done
	@mkdir -p $(@D) && touch $@

# --- library and program -------------------------------------------------------
$(BUILD)/pkg/%.o: pkg/%.c $(wildcard pkg/*.h pkg/include/certseal/*.h) $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/cmd/%.o: cmd/%.c $(wildcard cmd/certseal/*.h pkg/include/certseal/*.h) $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Icmd/certseal -c -o $@ $<

$(STATIC_LIB): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(SHARED_LIB): $(LIB_OBJ) pkg/libcertseal.map
	$(CC) -shared -Wl,-soname,libcertseal.so.$(SOVERSION) \
	  -Wl,--version-script=pkg/libcertseal.map $(ALL_LDFLAGS) -o $@ $(LIB_OBJ) $(PKG_LIBS)
	ln -sf libcertseal.so.$(SOVERSION) $(BUILD)/libcertseal.so

$(PROGRAM): $(CMD_OBJ) $(STATIC_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $(CMD_OBJ) $(STATIC_LIB) $(PKG_LIBS)

# --- tests ---------------------------------------------------------------------
$(BUILD)/tests/test_%: tests/unit/test_%.c $(TEST_HELPER) $(wildcard tests/unit/*.h) $(STATIC_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/unit $(ALL_LDFLAGS) $(TEST_LDFLAGS) -o $@ $< $(TEST_HELPER) \
	  $(STATIC_LIB) $(PKG_LIBS) $(CMOCKA_LIBS)

# The allocation-failure test intercepts the library's own allocations.
$(BUILD)/tests/test_alloc_failure: TEST_LDFLAGS = $(foreach f,malloc calloc realloc strdup strndup,-Wl,--wrap=$(f))

check: deps-test
	@$(MAKE) --no-print-directory check-run

check-run: all $(UNIT_BIN)
	@$(MAKE) --no-print-directory test-unit test-cli test-docs

# Every test runs even after one fails; the target fails at the end.
test-unit: $(UNIT_BIN)
	@failed=""; for t in $(UNIT_BIN); do echo "== $$t"; $$t || failed="$$failed $$t"; done; \
	  [ -z "$$failed" ] || { echo "FAILED:$$failed"; exit 1; }

test-cli: $(PROGRAM)
	@failed=""; for t in $(sort $(wildcard tests/cli/test_*.sh)); do \
	  echo "== $$t"; CERTSEAL=$(PROGRAM) sh $$t || failed="$$failed $$t"; done; \
	  [ -z "$$failed" ] || { echo "FAILED:$$failed"; exit 1; }

test-docs: $(PROGRAM)
	@CC="$(CC)" EXAMPLE_CFLAGS="$(SANFLAGS)" sh tests/docs/check-docs.sh $(PROGRAM)

# --- demo ----------------------------------------------------------------------
demo:
	@$(call install_missing,$(DEPS_ALL) cmd:curl:curl)
	@$(MAKE) --no-print-directory demo-run

demo-run: $(PROGRAM)
	@CERTSEAL=$(PROGRAM) sh docs/demo.sh

# --- benchmark -----------------------------------------------------------------
BENCH_SRC   := $(sort $(wildcard tests/bench/*.c))

$(BENCH_BIN): $(BENCH_SRC) tests/bench/bench.h $(STATIC_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Ipkg -Itests/bench $(ALL_LDFLAGS) -o $@ $(BENCH_SRC) $(STATIC_LIB) \
	  $(PKG_LIBS) -lpthread

bench: deps
	@$(MAKE) --no-print-directory bench-run

bench-run: $(BENCH_BIN)
	$(BENCH_BIN) tests/fixtures

# --- fuzzing (clang libFuzzer) ---------------------------------------------------
FUZZ_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 \
               -fsanitize=fuzzer,address,undefined -Ipkg/include -Ipkg $(PKG_CFLAGS)

build/fuzz/%: tests/fuzz/%.c $(LIB_SRC) $(wildcard pkg/*.h pkg/include/certseal/*.h)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -o $@ $< $(LIB_SRC) $(PKG_LIBS)

fuzz: deps-test
	@$(MAKE) --no-print-directory $(FUZZ_BIN)

fuzz-run: fuzz
	@set -e; for f in $(FUZZ_BIN); do name=$$(basename $$f); \
	  mkdir -p build/fuzz/corpus/$$name; \
	  echo "== $$name ($(FUZZ_SECONDS)s)"; \
	  limit=$(FUZZ_MALLOC_LIMIT_MB); [ "$$name" != fuzz_image ] || limit=$(FUZZ_MALLOC_LIMIT_MB_fuzz_image); \
	  $$f -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -malloc_limit_mb=$$limit \
	    build/fuzz/corpus/$$name \
	    tests/fuzz/corpus/$$name 2>build/fuzz/$$name.log || { tail -40 build/fuzz/$$name.log; exit 1; }; \
	  grep -E '^Done|stat::number_of_executed_units' build/fuzz/$$name.log | tail -1; done

# --- install -------------------------------------------------------------------
# Written on every install: PREFIX and LIBDIR may differ from the last one.
$(BUILD)/certseal.pc: pkg/certseal.pc.in FORCE
	@mkdir -p $(@D)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	    -e 's|@VERSION@|$(VERSION)|' -e 's|@REQUIRES@|$(LIB_MODULES)|' $< > $@

install: all $(BUILD)/certseal.pc
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)/certseal \
	  $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3
	install -m 0755 $(PROGRAM) $(DESTDIR)$(BINDIR)/certseal
	install -m 0644 $(STATIC_LIB) $(DESTDIR)$(LIBDIR)/libcertseal.a
	install -m 0755 $(SHARED_LIB) $(DESTDIR)$(LIBDIR)/libcertseal.so.$(SOVERSION)
	ln -sf libcertseal.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libcertseal.so
	install -m 0644 pkg/include/certseal/*.h $(DESTDIR)$(INCLUDEDIR)/certseal/
	install -m 0644 $(BUILD)/certseal.pc $(DESTDIR)$(PKGCONFIGDIR)/certseal.pc
	install -m 0644 docs/certseal.1 $(DESTDIR)$(MANDIR)/man1/certseal.1
	install -m 0644 docs/libcertseal.3 $(DESTDIR)$(MANDIR)/man3/libcertseal.3
	@$(MAKE) --no-print-directory install-ldconfig

# Installed straight into a directory the dynamic linker searches, the new
# libcertseal.so.0 is found only once ldconfig has updated its cache.  Not for
# a staged install (DESTDIR): the packaging does that on the target.
install-ldconfig:
	@if [ -n "$(DESTDIR)" ]; then exit 0; fi; \
	if { printf '%s\n' /lib /usr/lib /lib64 /usr/lib64; \
	     cat /etc/ld.so.conf /etc/ld.so.conf.d/*.conf 2>/dev/null; } | grep -qxF '$(LIBDIR)'; then \
	  echo "ldconfig"; ldconfig 2>/dev/null || /sbin/ldconfig; \
	else \
	  echo "certseal: $(LIBDIR) is not in the dynamic linker's search path: link programs" \
	       "with -Wl,-rpath,$(LIBDIR), or add it to /etc/ld.so.conf.d/ and run ldconfig"; \
	fi

FORCE:

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/certseal $(DESTDIR)$(LIBDIR)/libcertseal.* \
	  $(DESTDIR)$(PKGCONFIGDIR)/certseal.pc $(DESTDIR)$(MANDIR)/man1/certseal.1 \
	  $(DESTDIR)$(MANDIR)/man3/libcertseal.3
	rm -rf $(DESTDIR)$(INCLUDEDIR)/certseal

clean:
	rm -rf build
