#!/usr/bin/env bash
# Throughput, peak memory and disk of full builds with a release binary, beside the Python
# typst binding making the same 100 letters with one reused compiler (bench/peer.sh compares
# whole builds). Usage: bench/run.sh [N...] (default 100 1000 2000; 2,000 practices take
# about 7 GB and six minutes here). Needs GNU time (/usr/bin/time) and pip.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 1000 2000)
work=${BENCH_DIR:-/tmp/lmcpress-bench}
mkdir -p "$work"

cargo build --release --locked --bin lmcpress --example synth
bin=target/release/lmcpress

echo "## lmcpress full builds (all documents per practice), release, $(nproc) cores"
for n in "${sizes[@]}"; do
    rm -rf "$work/p$n"
    target/release/examples/synth "$n" "$work/p$n" 2>/dev/null
    /usr/bin/time -f "%e %M" -o "$work/time-$n" "$bin" build --quiet --root "$work/p$n"
    read -r secs kb < "$work/time-$n"
    files=$(find "$work/p$n/output" -type f ! -name '.lmcpress*' | wc -l)
    jobs=$(python3 -c "import json;print(len(json.load(open('$work/p$n/output/.lmcpress-manifest.json'))['jobs']))")
    disk_kb=$(du -sk "$work/p$n/output" | cut -f1)
    printf '%6d practices: %7d documents, %d files in %7.1f s = %5.0f files/s, peak RSS %4.0f MB, disk %.0f MB (%.2f MB a practice)\n' \
        "$n" "$jobs" "$files" "$secs" "$(python3 -c "print($files/$secs)")" "$(python3 -c "print($kb/1024)")" \
        "$(python3 -c "print($disk_kb/1024)")" "$(python3 -c "print($disk_kb/1024/$n)")"
    /usr/bin/time -f "%e" -o "$work/noop-$n" "$bin" build --quiet --root "$work/p$n"
    printf '%6d practices: no-op rebuild %.2f s\n' "$n" "$(cat "$work/noop-$n")"
    rm -rf "$work/p$n"
done

echo "## 100 letters: lmcpress merge vs Python typst binding (one reused compiler)"
rm -rf "$work/letters" && mkdir -p "$work/letters"
letter=reply-rejected-referral
header=$("$bin" merge "$letter" --header)
python3 bench/recipients.py 100 "$header" > "$work/letters/recipients.csv"
# The typst sources lmcpress generates are what the peer compiles.
"$bin" merge "$letter" --practice Z90001 --data "$work/letters/recipients.csv" \
    --out "$work/letters/lmcpress" --emit-typst 2>/dev/null
for i in 1 2 3 4 5; do
    /usr/bin/time -f "%e %M" -o "$work/time-merge-$i" "$bin" merge "$letter" --practice Z90001 \
        --data "$work/letters/recipients.csv" --out "$work/letters/timed" 2>/dev/null
done
read -r secs kb < <(sort -n "$work"/time-merge-* | sed -n 3p)
printf 'lmcpress merge: 100 letters in %.2f s, whole process, median of 5 (peak RSS %.0f MB)\n' \
    "$secs" "$(python3 -c "print($kb/1024)")"

pip install --quiet --disable-pip-version-check typst==0.15.2 2>/dev/null
python3 bench/peer_typst.py "$work/letters/lmcpress" "$work/letters/python" "$(pwd)"
