#!/usr/bin/env bash
# Full and no-op builds of N practices on both workloads, several binaries side by side in one
# run, so a before/after pair meets the same machine:
#   synth        generated practices (`synth N DIR`): four posters each, one in five two more;
#   like-sample  copies of the shipped sample practices (`synth N DIR --like-sample`): every
#                poster, clinicians, and one practice in five wanting four community languages.
# Usage: bench/builds.sh N BINARY [BINARY ...]   (needs GNU time; the synth example must be
# built: cargo build --release --locked --example synth)
# Prints, per workload and binary: wall and CPU seconds, files a second, peak memory, output
# a practice, then the median of 5 no-op rebuilds (the program's whole run, wall time).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:?usage: bench/builds.sh N BINARY [BINARY ...]}
shift
[ $# -gt 0 ] || set -- target/release/lmcpress
work=${BENCH_DIR:-/tmp/lmcpress-bench}/builds
synth=${CARGO_TARGET_DIR:-target}/release/examples/synth
mkdir -p "$work"

for workload in synth like-sample; do
    flag=""
    [ "$workload" = like-sample ] && flag=--like-sample
    rm -rf "$work/template"
    $synth "$n" "$work/template" $flag 2>/dev/null
    echo "## $n practices, $workload ($(nproc) cores)"
    for bin in "$@"; do
        name=$(basename "$(dirname "$bin")")/$(basename "$bin")
        rm -rf "$work/p" && cp -a "$work/template" "$work/p"
        sync
        /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$bin" build --quiet --root "$work/p" 2>/dev/null || true
        read -r secs user sys kb < "$work/time"
        files=$(find "$work/p/output" -type f ! -name '.lmcpress*' | wc -l)
        disk_kb=$(du -sk "$work/p/output" | cut -f1)
        noops=()
        for _ in 1 2 3 4 5; do
            /usr/bin/time -f "%e" -o "$work/noop" "$bin" build --quiet --root "$work/p" 2>/dev/null || true
            noops+=("$(cat "$work/noop")")
        done
        noop=$(printf '%s\n' "${noops[@]}" | sort -n | sed -n 3p)
        python3 - "$name" "$secs" "$user" "$sys" "$kb" "$files" "$disk_kb" "$n" "$noop" <<'EOF'
import sys
name, secs, user, sys_, kb, files, disk_kb, n, noop = sys.argv[1:]
secs, cpu = float(secs), float(user) + float(sys_)
print(f"{name:28} full {secs:6.1f} s (CPU {cpu:6.1f} s), {int(files)/secs:4.0f} files/s, "
      f"peak {int(kb)/1024:4.0f} MB, {int(disk_kb)/1024/int(n):.2f} MB a practice; no-op {float(noop):.2f} s")
EOF
    done
done
rm -rf "$work/p" "$work/template"
