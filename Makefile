# SPDX-License-Identifier: ISC
# certseal - build, test, install.  Plain GNU make (STYLE 15).
#
#   make            build the program, its services plugin, libcertseal-core
#                   (the verifying core) and libcertseal (everything), each
#                   shared and static (docs/architecture.md)
#   make demo       install missing build dependencies, build, run the demo
#   make check      install missing dependencies, build, run every test
#   make check SAN=1   the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   make bench      performance benchmark, then start-up time against openssl
#   make fuzz       build the libFuzzer targets (clang); make fuzz-run runs them
#   make install    PREFIX=/usr/local DESTDIR= : program, services plugin,
#                   libraries, headers, certseal.pc and certseal-core.pc, man
#                   pages; then ldconfig when the library
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
               libjpeg:libjpeg-dev zbar:libzbar-dev sqlite3:libsqlite3-dev libpq:libpq-dev \
               libcurl:libcurl4-openssl-dev libmicrohttpd:libmicrohttpd-dev \
               icu-uc:libicu-dev p11-kit-1:libp11-kit-dev pangocairo:libpango1.0-dev libqpdf:libqpdf-dev
# Fonts the certificate documents are set in (pkg/document_render.c): Noto
# for Latin, Greek, Cyrillic, Arabic, Hebrew, Devanagari and Thai (core), and
# for Chinese and Japanese (cjk).  path:FILE:package, checked like the rest.
DEPS_FONTS  := path:/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf:fonts-noto-core \
               path:/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc:fonts-noto-cjk \
               path:/usr/share/fonts/truetype/noto/NotoSansMono-Regular.ttf:fonts-noto-mono
DEPS_TEST   := cmocka:libcmocka-dev
# command : Debian package (tools the tests and docs need).  ImageMagick is
# looked for under its Debian name, so that another `convert` on PATH does
# not stand in for it.
DEPS_TOOLS  := clang:clang groff:groff-base python3:python3 zbarimg:zbar-tools \
               convert-im6.q16:imagemagick sqlite3:sqlite3 xmllint:libxml2-utils \
               chromium:chromium curl:curl strace:strace hyperfine:hyperfine \
               softhsm2-util:softhsm2 pdftoppm:poppler-utils qpdf:qpdf \
               rsvg-convert:librsvg2-bin
LIB_MODULES := $(foreach d,$(DEPS_LIB),$(firstword $(subst :, ,$(d))))
# What the verifying core links (libcertseal-core, the program): OpenSSL's
# libcrypto (not libssl), libcbor, jansson and zlib; the other modules serve
# the services (docs/architecture.md).
CORE_MODULES := libcrypto libcbor jansson zlib

ifeq ($(SAN),1)
BUILD       ?= build/san
SANFLAGS    := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else
BUILD       ?= build
SANFLAGS    :=
endif

PKG_CFLAGS  := $(shell $(PKG_CONFIG) --cflags $(LIB_MODULES) 2>/dev/null)
PKG_LIBS    := $(shell $(PKG_CONFIG) --libs $(LIB_MODULES) 2>/dev/null)
CORE_LIBS   := $(shell $(PKG_CONFIG) --libs $(CORE_MODULES) 2>/dev/null)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

WARN        := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
               -Wformat=2 -Wvla -Wno-missing-field-initializers
OPT         ?= -O2 -g
CFLAGS      ?= $(OPT)
ALL_CFLAGS  := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) $(CFLAGS) \
               $(SANFLAGS) -fPIC -Ipkg/include -Ipkg -I$(BUILD)/gen $(PKG_CFLAGS)
ALL_LDFLAGS := $(LDFLAGS) $(SANFLAGS) -pthread

LIB_SRC     := $(sort $(wildcard pkg/*.c))
LIB_OBJ     := $(LIB_SRC:pkg/%.c=$(BUILD)/pkg/%.o)
# The verifying core: decoding, CBOR/COSE, claims, keys, tokens, the trust
# store, chain and status verification, dates, errors, text escaping and the
# renderers of a verification.  Every other module of pkg/ is a service
# (QR images, scanning, fetching, the registry, the HTTP service, issuing,
# the record reader with its ICU checks) and is only in libcertseal.
CORE_SRC    := $(addprefix pkg/,$(addsuffix .c,base32 base45 cbor claims cose crypto date error \
               fetch_cache file html_buffer key_file passphrase record_json report report_html report_status status status_sparse \
               status_history status_store status_token text token token_convert trust verify verify_cache \
               verify_record verify_accreditation verify_status trustlist trustlist_json trustlist_verify verify_trustlist \
               receipt receipt_format trustlist_format verify_catalog catalog catalog_builtin catalog_check \
               catalog_sign))
# Verifying many tokens at once (streamed inputs, workers, JSON lines).
CORE_SRC    += $(addprefix pkg/,$(addsuffix .c,report_json_line report_batch token_reader verify_batch))
CORE_OBJ    := $(CORE_SRC:pkg/%.c=$(BUILD)/pkg/%.o)
CMD_SRC     := $(sort $(wildcard cmd/certseal/*.c))
CMD_OBJ     := $(CMD_SRC:cmd/%.c=$(BUILD)/cmd/%.o)
# The commands, or parts of commands, that need a service: built into the
# plugin certseal-services.so, which the program loads when one of them runs
# (cmd/certseal/cli_service.h).  The rest is the program.
SERVICE_CMD_SRC := $(addprefix cmd/certseal/,$(addsuffix .c,cli_pkcs11 cli_pool cli_qr cli_registry cli_scan \
               services cmd_accredit cmd_init cmd_inspect cmd_issue cmd_issue_batch cmd_list \
               cmd_qr cmd_scan cmd_serve cmd_status cmd_status_change \
               cmd_watch cmd_rekey cmd_document cmd_registry))
SERVICE_CMD_OBJ := $(SERVICE_CMD_SRC:cmd/%.c=$(BUILD)/cmd/%.o)
PROGRAM_OBJ := $(filter-out $(SERVICE_CMD_OBJ),$(CMD_OBJ))
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
CORE_STATIC_LIB := $(BUILD)/libcertseal-core.a
CORE_SHARED_LIB := $(BUILD)/libcertseal-core.so.$(SOVERSION)
PROGRAM     := $(BUILD)/certseal
# The program's services, found next to the program in the build tree and
# under SERVICES_DIR once installed (cmd/certseal/cli_service.c).
SERVICES    := $(BUILD)/certseal-services.so
SERVICES_DIR ?= $(LIBDIR)/certseal

.PHONY: all deps deps-test check check-run test-unit test-cli test-docs demo demo-run \
        bench bench-run fuzz fuzz-run install install-ldconfig uninstall clean
.DEFAULT_GOAL := all

all: $(PROGRAM) $(SERVICES) $(STATIC_LIB) $(SHARED_LIB) $(CORE_STATIC_LIB) $(CORE_SHARED_LIB)

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
# The PostgreSQL 15 server the registry tests start (tests/cli/pg_server.sh).
DEPS_SERVERS := path:/usr/lib/postgresql/15/bin/initdb:postgresql-15 \
               path:/usr/sbin/runuser:util-linux
DEPS_ALL    := $(DEPS_BUILD) $(addprefix pc:,$(DEPS_LIB)) $(DEPS_FONTS)
DEPS_ALL_TEST := $(DEPS_ALL) $(addprefix pc:,$(DEPS_TEST)) $(addprefix cmd:,$(DEPS_TOOLS)) $(DEPS_SERVERS) \
               py:jsonschema:python3-jsonschema py:cryptography:python3-cryptography $(DEPS_FUZZ)

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

# Where the installed program looks for its services.
$(BUILD)/cmd/certseal/cli_service.o: ALL_CFLAGS += -DCERTSEAL_SERVICES_DIR='"$(SERVICES_DIR)"'
$(BUILD)/cmd/certseal/cli_service.o: $(BUILD)/.services-dir
# Rebuilt when SERVICES_DIR (PREFIX, LIBDIR) changes.
$(BUILD)/.services-dir: FORCE
	@mkdir -p $(@D)
	@echo '$(SERVICES_DIR)' | cmp -s - $@ || echo '$(SERVICES_DIR)' > $@

# The built-in standards catalog: schemas/catalog.json compiled into static
# C tables (pkg/catalog_builtin.c includes them), so that loading it parses
# nothing and the catalog has one source of truth.  The generator runs at
# build time on the library's own parser (the objects below, which do not
# include the table), so a catalog the parser refuses fails the build.
CATALOG_INC := $(BUILD)/gen/catalog_builtin.inc
CATALOG_GEN := $(BUILD)/gen/gen_catalog_table
CATALOG_GEN_OBJ := $(addprefix $(BUILD)/pkg/,catalog.o date.o error.o)
$(CATALOG_GEN): pkg/gen/catalog_table.c $(CATALOG_GEN_OBJ)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(CATALOG_GEN_OBJ) \
	  $(shell $(PKG_CONFIG) --libs jansson 2>/dev/null)
$(CATALOG_INC): schemas/catalog.json $(CATALOG_GEN)
	@mkdir -p $(@D)
	$(CATALOG_GEN) schemas/catalog.json $@.tmp && mv $@.tmp $@
$(BUILD)/pkg/catalog_builtin.o: $(CATALOG_INC)

$(STATIC_LIB): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(SHARED_LIB): $(LIB_OBJ) pkg/libcertseal.map
	$(CC) -shared -Wl,-soname,libcertseal.so.$(SOVERSION) -Wl,--no-undefined \
	  -Wl,--version-script=pkg/libcertseal.map $(ALL_LDFLAGS) -o $@ $(LIB_OBJ) $(PKG_LIBS)
	ln -sf libcertseal.so.$(SOVERSION) $(BUILD)/libcertseal.so

$(CORE_STATIC_LIB): $(CORE_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

# --no-undefined and only CORE_LIBS: a core module that calls a service
# fails to link here.
$(CORE_SHARED_LIB): $(CORE_OBJ) pkg/libcertseal-core.map
	$(CC) -shared -Wl,-soname,libcertseal-core.so.$(SOVERSION) -Wl,--no-undefined \
	  -Wl,--as-needed -Wl,--version-script=pkg/libcertseal-core.map $(ALL_LDFLAGS) -o $@ \
	  $(CORE_OBJ) $(CORE_LIBS)
	ln -sf libcertseal-core.so.$(SOVERSION) $(BUILD)/libcertseal-core.so

# The program: the command layer on the core alone (STYLE 22).  It exports
# its cli_ helpers, which the services plugin calls back.
$(PROGRAM): $(PROGRAM_OBJ) $(CORE_STATIC_LIB)
	$(CC) $(ALL_LDFLAGS) -Wl,--as-needed -Wl,--export-dynamic-symbol='cli_*' -o $@ \
	  $(PROGRAM_OBJ) $(CORE_STATIC_LIB) $(CORE_LIBS) -ldl

# The plugin: the service commands on the whole library, with its own copy
# of what it uses of the core; only its entry points are exported.
$(SERVICES): $(SERVICE_CMD_OBJ) $(STATIC_LIB) cmd/certseal/services.map
	$(CC) -shared -Wl,--version-script=cmd/certseal/services.map $(ALL_LDFLAGS) -o $@ \
	  $(SERVICE_CMD_OBJ) $(STATIC_LIB) $(PKG_LIBS)

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

test-cli: $(PROGRAM) $(SERVICES)
	@failed=""; for t in $(sort $(wildcard tests/cli/test_*.sh)); do \
	  echo "== $$t"; CERTSEAL=$(PROGRAM) sh $$t || failed="$$failed $$t"; done; \
	  [ -z "$$failed" ] || { echo "FAILED:$$failed"; exit 1; }

test-docs: $(PROGRAM) $(SERVICES) $(CORE_STATIC_LIB)
	@CC="$(CC)" EXAMPLE_CFLAGS="$(SANFLAGS)" sh tests/docs/check-docs.sh $(PROGRAM)
	@python3 tests/docs/check-layers.py $(BUILD) && echo "check-layers: the module and header graphs are acyclic, the core uses only the core"

# --- demo ----------------------------------------------------------------------
demo:
	@$(call install_missing,$(DEPS_ALL) cmd:curl:curl)
	@$(MAKE) --no-print-directory demo-run

demo-run: $(PROGRAM) $(SERVICES)
	@CERTSEAL=$(PROGRAM) sh docs/demo.sh

# --- benchmark -----------------------------------------------------------------
BENCH_SRC   := $(sort $(wildcard tests/bench/*.c))

$(BENCH_BIN): $(BENCH_SRC) tests/bench/bench.h $(STATIC_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Ipkg -Itests/bench $(ALL_LDFLAGS) -o $@ $(BENCH_SRC) $(STATIC_LIB) \
	  $(PKG_LIBS) -lpthread

bench: deps
	@$(MAKE) --no-print-directory bench-run

bench-run: $(BENCH_BIN) $(PROGRAM) $(SERVICES)
	$(BENCH_BIN) tests/fixtures
	sh tests/bench/startup.sh $(PROGRAM)

# --- fuzzing (clang libFuzzer) ---------------------------------------------------
FUZZ_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 \
               -fsanitize=fuzzer,address,undefined -Ipkg/include -Ipkg -Ibuild/gen $(PKG_CFLAGS)

# The library is compiled once for all the fuzz targets.
FUZZ_OBJ    := $(LIB_SRC:pkg/%.c=build/fuzz/obj/%.o)
FUZZ_JOBS   ?= 2

build/fuzz/obj/%.o: pkg/%.c $(wildcard pkg/*.h pkg/include/certseal/*.h) \
              build/gen/catalog_builtin.inc
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -c -o $@ $<

build/fuzz/%: tests/fuzz/%.c $(FUZZ_OBJ)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_OBJ) $(PKG_LIBS)

fuzz: deps-test
	@$(MAKE) --no-print-directory -j$(FUZZ_JOBS) $(FUZZ_BIN)

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
$(BUILD)/%.pc: pkg/%.pc.in FORCE
	@mkdir -p $(@D)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	    -e 's|@VERSION@|$(VERSION)|' -e 's|@REQUIRES@|$(LIB_MODULES)|' \
	    -e 's|@REQUIRES_CORE@|$(CORE_MODULES)|' $< > $@

install: all $(BUILD)/certseal.pc $(BUILD)/certseal-core.pc
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)/certseal \
	  $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3 \
	  $(DESTDIR)$(SERVICES_DIR)
	install -m 0755 $(PROGRAM) $(DESTDIR)$(BINDIR)/certseal
	install -m 0644 $(SERVICES) $(DESTDIR)$(SERVICES_DIR)/certseal-services.so
	install -m 0644 $(STATIC_LIB) $(DESTDIR)$(LIBDIR)/libcertseal.a
	install -m 0755 $(SHARED_LIB) $(DESTDIR)$(LIBDIR)/libcertseal.so.$(SOVERSION)
	ln -sf libcertseal.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libcertseal.so
	install -m 0644 $(CORE_STATIC_LIB) $(DESTDIR)$(LIBDIR)/libcertseal-core.a
	install -m 0755 $(CORE_SHARED_LIB) $(DESTDIR)$(LIBDIR)/libcertseal-core.so.$(SOVERSION)
	ln -sf libcertseal-core.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libcertseal-core.so
	install -m 0644 pkg/include/certseal/*.h $(DESTDIR)$(INCLUDEDIR)/certseal/
	install -m 0644 $(BUILD)/certseal.pc $(DESTDIR)$(PKGCONFIGDIR)/certseal.pc
	install -m 0644 $(BUILD)/certseal-core.pc $(DESTDIR)$(PKGCONFIGDIR)/certseal-core.pc
	install -m 0644 docs/certseal.1 $(DESTDIR)$(MANDIR)/man1/certseal.1
	install -m 0644 docs/libcertseal.3 $(DESTDIR)$(MANDIR)/man3/libcertseal.3
	@$(MAKE) --no-print-directory install-ldconfig

# Installed straight into a directory the dynamic linker searches, the new
# libcertseal.so.0 (and libcertseal-core.so.0) is found only once ldconfig has
# updated its cache.  Not for
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
	  $(DESTDIR)$(LIBDIR)/libcertseal-core.* $(DESTDIR)$(SERVICES_DIR)/certseal-services.so \
	  $(DESTDIR)$(PKGCONFIGDIR)/certseal.pc $(DESTDIR)$(PKGCONFIGDIR)/certseal-core.pc \
	  $(DESTDIR)$(MANDIR)/man1/certseal.1 $(DESTDIR)$(MANDIR)/man3/libcertseal.3
	rmdir $(DESTDIR)$(SERVICES_DIR) 2>/dev/null || true
	rm -rf $(DESTDIR)$(INCLUDEDIR)/certseal

clean:
	rm -rf build
