#!/usr/bin/env bash
# A full build of N synthetic practices by lmcpress, against the Python typst binding
# typesetting the very typst sources that build emitted (bench/peer_build.py), each timed as a
# whole process on the same machine in one run: once with one reused compiler, once with a
# compile per file (as most scripts are written). Usage: bench/peer.sh [N] [LMCPRESS_BINARY]
# Needs GNU time and `pip install typst`. The synth example is taken from target/release
# (or $CARGO_TARGET_DIR/release).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100}
bin=${2:-target/release/lmcpress}
work=${BENCH_DIR:-/tmp/lmcpress-bench}/peer-$n
release=${CARGO_TARGET_DIR:-target}/release
[ -x "$bin" ] || cargo build --release --locked --bin lmcpress
[ -x "$release/examples/synth" ] || cargo build --release --locked --example synth
rm -rf "$work" && mkdir -p "$work"
"$release/examples/synth" "$n" "$work/project" 2>/dev/null
cp -a "$work/project" "$work/sources"
"$bin" build --quiet --emit-typst --root "$work/sources"
/usr/bin/time -f "%e %M" -o "$work/lmcpress.time" "$bin" build --quiet --root "$work/project"
/usr/bin/time -f "%e %M" -o "$work/peer.time" python3 bench/peer_build.py "$work/sources" "$work/sources/output"
/usr/bin/time -f "%e %M" -o "$work/peer-per-file.time" \
    python3 bench/peer_build.py --per-file "$work/sources" "$work/sources/output"
read -r ours ours_kb < "$work/lmcpress.time"
files=$(find "$work/project/output" -type f ! -name '.lmcpress*' | wc -l)
printf '%d practices, %d files: lmcpress %.1f s (%d MB peak)\n' "$n" "$files" "$ours" $((ours_kb / 1024))
for mode in peer peer-per-file; do
    read -r theirs theirs_kb < "$work/$mode.time"
    printf '  Python typst, %s: %.1f s (%d MB peak): lmcpress is %.1fx as fast\n' \
        "$([ $mode = peer ] && echo 'one reused compiler' || echo 'a compile per file')" \
        "$theirs" $((theirs_kb / 1024)) "$(python3 -c "print($theirs / $ours)")"
done
