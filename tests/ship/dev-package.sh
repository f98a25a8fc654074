#!/bin/bash
# dev-package.sh DIST_DIR: libodj-dev with odj-apply and odj-prepare, unpacked,
# builds a program with `pkg-config odj-dc` (which brings odj and talloc) that
# runs against the packaged libodj and libodj-dc.
# Exit 77 (skipped) without the packages in DIST_DIR.
set -uo pipefail
dist=$1
. "$(dirname "$0")/image-lib.sh"
debs=()
for p in odj-apply odj-prepare libodj-dev; do
	need_deb deb "$p" "$dist"
	debs+=("$deb")
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for deb in "${debs[@]}"; do dpkg-deb -x "$deb" "$tmp/root" || exit 1; done
# odj's .pc files, moved to the unpacked tree: their paths follow ${prefix}.
mkdir "$tmp/pc"
for f in $(find "$tmp/root" -name 'odj*.pc'); do
	sed "s|^prefix=.*|prefix=$tmp/root/usr|" "$f" >"$tmp/pc/$(basename "$f")"
done
cat >"$tmp/prog.c" <<'EOC'
#include <stdio.h>
#include <odj/odj.h>
#include <odj/locate.h>

int main(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct odj_srv_list *srv = NULL;
	static const uint8_t truncated[] = {0x12, 0x34, 0x81};
	odj_result r = odj_dns_srv_parse(ctx, mem, truncated, sizeof(truncated), &srv);
	printf("odj %s: %s; a truncated DNS answer: %s\n", ODJ_VERSION, odj_status_symbol(0x40),
	       r == ODJ_OK ? "accepted" : "refused");
	talloc_free(mem);
	return r == ODJ_OK;
}
EOC
pc() { PKG_CONFIG_PATH=$tmp/pc pkg-config "$@"; }
echo "pkg-config --cflags --libs odj-dc: $(pc --cflags --libs odj-dc)"
for v in includedir libdir; do
	case $(pc --variable=$v odj-dc) in "$tmp/root/usr/"*) ;; *) echo "FAIL: odj-dc.pc's $v is not below its prefix"; exit 1 ;; esac
done
cc -Wall -Wextra -Werror -o "$tmp/prog" "$tmp/prog.c" $(pc --cflags --libs odj-dc) || { echo "FAIL: does not build"; exit 1; }
libs=$(pc --variable=libdir odj)
LD_LIBRARY_PATH=$libs ldd "$tmp/prog" | grep -E 'libodj' | sed "s|$tmp/root|(unpacked)|"
LD_LIBRARY_PATH=$libs "$tmp/prog" || { echo "FAIL: the program did not run as expected"; exit 1; }
