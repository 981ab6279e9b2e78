#!/usr/bin/env bash
# Renders an nginx configuration from nginx/*.conf.in and nginx/snippets/ into a folder.
#   scripts/render-nginx.sh local OUTDIR        (the private instance of `make run` and the tests)
#   scripts/render-nginx.sh production OUTDIR   (TLS; needs SERVER_NAME, CERT, CERT_KEY)
# Settings come from the environment; see README "Configuration".
set -euo pipefail
kind=${1:?usage: render-nginx.sh local|production OUTDIR}
out=${2:?usage: render-nginx.sh local|production OUTDIR}
repo=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out/snippets" "$out/logs" "$out/tmp"
out=$(cd "$out" && pwd)

prefix=${NGINX_PREFIX:-$out}
root=${GUVNL_ROOT:-$repo/public}
socket=${GUVNL_SOCKET:-$repo/var/run/fcgi-app.sock}
listen=${GUVNL_LISTEN:-127.0.0.1:8080}
max_body=${GUVNL_MAX_BODY_BYTES:-65536}
user_line=${NGINX_USER_LINE:-}
openapi=${GUVNL_OPENAPI:-$repo/openapi.yaml}
if [ "$kind" = production ]; then
    booking_burst=5; signin_burst=3
    server_name=${SERVER_NAME:?production needs SERVER_NAME}
    cert=${CERT:?production needs CERT (certificate chain file)}
    cert_key=${CERT_KEY:?production needs CERT_KEY}
else
    booking_burst=1000; signin_burst=1000
    server_name=localhost; cert=; cert_key=
fi

render() {
    sed -e "s|@SNIPPETS@|$out/snippets|g" -e "s|@PREFIX@|$prefix|g" -e "s|@ROOT@|$root|g" \
        -e "s|@SOCKET@|$socket|g" -e "s|@LISTEN@|$listen|g" -e "s|@MAX_BODY@|$max_body|g" \
        -e "s|@USER_LINE@|$user_line|g" -e "s|@OPENAPI@|$openapi|g" -e "s|@SERVER_NAME@|$server_name|g" \
        -e "s|@CERT@|$cert|g" -e "s|@CERT_KEY@|$cert_key|g" \
        -e "s|@BOOKING_BURST@|$booking_burst|g" -e "s|@SIGNIN_BURST@|$signin_burst|g" "$1"
}

for snippet in "$repo"/nginx/snippets/*; do
    render "$snippet" > "$out/snippets/$(basename "$snippet")"
done
render "$repo/nginx/$kind.conf.in" > "$out/nginx.conf"
echo "$out/nginx.conf"
