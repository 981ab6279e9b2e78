#!/usr/bin/env bash
# Makes the subset web fonts in Templates/assets/fonts/ from Debian's fonts-noto-core (SIL Open
# Font License 1.1): Noto Sans Gujarati and Noto Sans Devanagari, regular and bold, only their
# script's block (and the joiners and dandas it needs), every OpenType feature kept so that
# conjuncts shape, as WOFF2. The results are committed (small); run this again after a font update.
# Needs: fonts-noto-core (Debian), fonttools and brotli (PyPI).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
source=/usr/share/fonts/truetype/noto
out="$repo/Templates/assets/fonts"
mkdir -p "$out"
subset() {  # font file stem, output stem, unicode ranges
    python3 -m fontTools.subset "$source/$1.ttf" --output-file="$out/$2.woff2" --flavor=woff2 \
        --unicodes="$3" --layout-features='*' --no-hinting --desubroutinize --name-IDs='*' --name-languages='*'
}
gujarati="U+0A80-0AFF,U+0964-0965,U+200B-200D,U+25CC"
devanagari="U+0900-097F,U+A8E0-A8FF,U+200B-200D,U+25CC"
subset NotoSansGujarati-Regular noto-sans-gujarati-400 "$gujarati"
subset NotoSansGujarati-Bold noto-sans-gujarati-700 "$gujarati"
subset NotoSansDevanagari-Regular noto-sans-devanagari-400 "$devanagari"
subset NotoSansDevanagari-Bold noto-sans-devanagari-700 "$devanagari"
# The licence travels with the fonts: the OFL-1.1 text of Debian's copyright file.
{
    echo "Noto Sans Gujarati and Noto Sans Devanagari (subset by scripts/make-fonts.sh)"
    echo "Copyright 2010, 2012-2020 Google Inc.; 2015-2020 Google LLC."
    echo "This Font Software is licensed under the SIL Open Font License, Version 1.1."
    echo
    awk '/^License: OFL-1.1$/ { if (seen++) { on = 1; next } } on && /^License: / { exit } on { sub(/^ /, ""); sub(/^\.$/, ""); print }' \
        /usr/share/doc/fonts-noto-core/copyright
} > "$out/OFL.txt"
ls -l "$out"
