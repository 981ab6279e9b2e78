#!/usr/bin/env bash
# Build time of sitegen beside Hugo (Debian's hugo), on this machine, in the same run:
#   1. the real content of Content/ (three languages),
#   2. a generated site of 1,000 Markdown pages.
# Usage: bash Benchmarks/site-bench.sh   (installs hugo and hyperfine when run as root)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
# BENCH_DIR=/dev/shm measures the tools' own work; the default, a disk, adds the cost of creating files.
work=$(mktemp -d "${BENCH_DIR:-/tmp}/site-bench-XXXX")
trap 'rm -rf "$work"' EXIT
pages=${PAGES:-1000}

if ! command -v hugo >/dev/null || ! command -v hyperfine >/dev/null; then
    [ "$(id -u)" -eq 0 ] || { echo "needs: sudo apt-get install -y hugo hyperfine" >&2; exit 1; }
    apt-get install -y -q hugo hyperfine >/dev/null
fi
(cd "$repo" && swift build -c release --product sitegen >/dev/null)
sitegen="$repo/.build/release/sitegen"

# Hugo layouts equivalent to Templates/: a base page with header, language links and footer.
hugo_site() {
    local site=$1
    mkdir -p "$site/layouts/_default"
    cat > "$site/layouts/_default/baseof.html" <<'HTML'
<!DOCTYPE html>
<html lang="{{ .Site.Language.Lang }}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · GUVNL Queue</title><meta name="description" content="{{ .Description }}">
{{ range .AllTranslations }}<link rel="alternate" hreflang="{{ .Lang }}" href="{{ .RelPermalink }}">{{ end }}
<link rel="stylesheet" href="/assets/site.css"></head>
<body><a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header"><a class="brand" href="/">GUVNL Queue</a></header>
<main id="main">{{ block "main" . }}{{ end }}</main>
<footer class="site-footer"><p>GUVNL Queue</p></footer></body></html>
HTML
    printf '{{ define "main" }}<article><h1>{{ .Title }}</h1>{{ .Content }}</article>{{ end }}\n' > "$site/layouts/_default/single.html"
    printf '{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n' > "$site/layouts/_default/list.html"
}

# 1. The real content, as both tools see it.
real=$work/real
mkdir -p "$real/sitegen" "$real/hugo"
cp -r "$repo/Content" "$repo/Templates" "$real/sitegen/"
hugo_site "$real/hugo"
for language in en gu hi; do
    mkdir -p "$real/hugo/content/$language"
    cp -r "$repo/Content/$language/." "$real/hugo/content/$language/"
    # Hugo's home page is _index.md (an index.md would make the home a bundle swallowing every page).
    mv "$real/hugo/content/$language/index.md" "$real/hugo/content/$language/_index.md"
done
cat > "$real/hugo/config.toml" <<'TOML'
baseURL = "http://127.0.0.1:8080/"
defaultContentLanguage = "en"
disableKinds = ["taxonomy", "term", "RSS"]
[languages.en]
contentDir = "content/en"
weight = 1
[languages.gu]
contentDir = "content/gu"
weight = 2
[languages.hi]
contentDir = "content/hi"
weight = 3
TOML

# 2. A generated site of $pages pages (headings, paragraphs, lists, links), English only.
generated=$work/generated
mkdir -p "$generated/sitegen/Content/en/docs" "$generated/hugo/content/docs"
cp -r "$repo/Templates" "$generated/sitegen/"
printf -- '---\ntitle: Home\n---\nGenerated site.\n' > "$generated/sitegen/Content/en/index.md"
cp "$generated/sitegen/Content/en/index.md" "$generated/hugo/content/_index.md"
printf -- '---\ntitle: Docs\n---\n' > "$generated/sitegen/Content/en/docs/_index.md"
cp "$generated/sitegen/Content/en/docs/_index.md" "$generated/hugo/content/docs/_index.md"
hugo_site "$generated/hugo"
printf 'baseURL = "http://127.0.0.1:8080/"\ndisableKinds = ["taxonomy", "term", "RSS"]\n' > "$generated/hugo/config.toml"
python3 - "$generated" "$pages" <<'PY'
import sys
root, pages = sys.argv[1], int(sys.argv[2])
words = "queue token counter office citizen service bill meter connection appointment wait clerk priority".split()
for n in range(pages):
    body = [f"---\ntitle: Page {n}\ndescription: Generated page {n}\n---\n"]
    for section in range(4):
        body.append(f"\n## Section {section}\n\n")
        body.append(" ".join(words[(n + i) % len(words)] for i in range(120)) + ".\n\n")
        body.append("".join(f"- item {i} with **bold** and [a link](/docs/page-{(n + i) % pages}/)\n" for i in range(5)))
    text = "".join(body)
    for tool, folder in (("sitegen", "Content/en/docs"), ("hugo", "content/docs")):
        open(f"{root}/{tool}/{folder}/page-{n}.md", "w").write(text)
PY
# sitegen publishes each English page under gu/ and hi/ too (marked untranslated), 3 x $pages pages;
# Hugo has no such fallback, so its equivalent is the same pages in three content folders.
tripled=$work/tripled
mkdir -p "$tripled"
hugo_site "$tripled"
for language in en gu hi; do
    mkdir -p "$tripled/content/$language"
    cp -r "$generated/hugo/content/." "$tripled/content/$language/"
done
sed -n '1,100p' "$real/hugo/config.toml" > "$tripled/config.toml"

echo "sitegen $("$sitegen" --version 2>/dev/null || echo build), $(hugo version | cut -d' ' -f1-2)"
hyperfine --warmup 1 --runs ${RUNS:-5} --style basic --export-markdown "$work/results.md" \
    -n "sitegen, real content" "$sitegen build --root $real/sitegen --output $real/sitegen/public" \
    -n "hugo, real content" "hugo --quiet --source $real/hugo --destination $real/hugo/public" \
    -n "sitegen, $pages pages" "$sitegen build --root $generated/sitegen --output $generated/sitegen/public" \
    -n "hugo, $pages pages" "hugo --quiet --source $generated/hugo --destination $generated/hugo/public" \
    -n "hugo, $pages pages x 3 languages" "hugo --quiet --source $tripled --destination $tripled/public"
cat "$work/results.md"
count() { find "$1" -type f | wc -l; }
echo "files written (HTML pages): sitegen real $(count "$real/sitegen/public") ($(find "$real/sitegen/public" -name '*.html' | wc -l)), hugo real $(count "$real/hugo/public") ($(find "$real/hugo/public" -name '*.html' | wc -l)), sitegen generated $(count "$generated/sitegen/public") ($(find "$generated/sitegen/public" -name '*.html' | wc -l)), hugo generated $(count "$generated/hugo/public") ($(find "$generated/hugo/public" -name '*.html' | wc -l)), hugo x 3 languages $(count "$tripled/public") ($(find "$tripled/public" -name '*.html' | wc -l))"
