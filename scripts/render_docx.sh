#!/usr/bin/env bash
# Render the year-end report's DOCX to PNG pages to look at the layout (not run in CI).
#
#   scripts/render_docx.sh UNIT YEAR [OUTDIR]     e.g. scripts/render_docx.sh CT 2024 /tmp/bc
#
# Needs LibreOffice and poppler on this machine: apt-get install -y libreoffice-writer-nogui poppler-utils
# Uses the database of the environment (DATABASE_URL, else SQLite in var/).
set -euo pipefail
cd "$(dirname "$0")/.."
unit="${1:?mã đơn vị}"
year="${2:?năm}"
out="${3:-var/render}"
mkdir -p "$out"
docx="$out/bao-cao-$year-$unit.docx"
.venv/bin/tochuc report annual --unit "$unit" --year "$year" --format docx -o "$docx"
# a private profile: a LibreOffice already open for the user does not swallow the conversion
# an absolute profile path whether OUTDIR was given relative or absolute
libreoffice -env:UserInstallation="file://$(realpath -m "$out")/lo-profile" --headless --convert-to pdf --outdir "$out" "$docx" >/dev/null
pdftoppm -png -r 70 "${docx%.docx}.pdf" "$out/trang"
ls "$out"/trang*.png
