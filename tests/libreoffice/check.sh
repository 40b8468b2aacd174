#!/usr/bin/env bash
# Opens every Word letter of a build in LibreOffice (headless) and converts it to PDF: a file
# LibreOffice cannot read fails the conversion. With `--png`, also renders the first page of
# each converted letter beside it, to compare by eye with the PDF letter.
#
#   tests/libreoffice/check.sh OUTPUT_DIR [--png]
set -euo pipefail
out="${1:?usage: check.sh OUTPUT_DIR [--png]}"
png="${2:-}"
soffice="$(command -v soffice || command -v libreoffice || true)"
if [ -z "$soffice" ]; then
    echo "LibreOffice is not installed (apt-get install libreoffice-writer-nogui)" >&2
    exit 1
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mapfile -t files < <(find "$out/practices" -path '*/letters/*.docx' | sort)
if [ "${#files[@]}" -eq 0 ]; then
    echo "no Word letters under $out/practices" >&2
    exit 1
fi
failed=0
for docx in "${files[@]}"; do
    dest="$work/$(basename "$(dirname "$(dirname "$docx")")")"
    mkdir -p "$dest"
    # A profile of its own, so a desktop LibreOffice that is open does not take the job.
    if ! "$soffice" "-env:UserInstallation=file://$work/profile" --headless \
        --convert-to pdf --outdir "$dest" "$docx" >"$work/log" 2>&1; then
        echo "FAILED: $docx" >&2
        cat "$work/log" >&2
        failed=1
        continue
    fi
    pdf="$dest/$(basename "${docx%.docx}").pdf"
    if [ ! -s "$pdf" ]; then
        echo "FAILED: $docx (no PDF)" >&2
        failed=1
        continue
    fi
    if [ "$png" = "--png" ] && command -v pdftoppm >/dev/null; then
        pdftoppm -png -r 60 -f 1 -l 1 "$pdf" "${docx%.docx}.libreoffice"
    fi
done
if [ "$failed" -ne 0 ]; then
    exit 1
fi
echo "LibreOffice converted ${#files[@]} Word letters"
