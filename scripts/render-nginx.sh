#!/usr/bin/env bash
# Renders an nginx configuration from nginx/*.conf.in and nginx/snippets/ into a folder.
#   scripts/render-nginx.sh local OUTDIR        (the private instance of `make run` and the tests)
#   scripts/render-nginx.sh production OUTDIR   (TLS; needs SERVER_NAME, CERT, CERT_KEY)
# Settings come from the environment; see README "Configuration" and "Production nginx".
set -euo pipefail
kind=${1:?usage: render-nginx.sh local|production OUTDIR}
out=${2:?usage: render-nginx.sh local|production OUTDIR}
repo=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out/snippets" "$out/logs" "$out/tmp"
out=$(cd "$out" && pwd)

prefix=${NGINX_PREFIX:-$out}
# Where nginx will read the snippets: OUTDIR itself, unless OUTDIR is a staging copy (scripts/install.sh).
snippets=${NGINX_SNIPPETS:-$out/snippets}
root=${GUVNL_ROOT:-$repo/public}
socket=${GUVNL_SOCKET:-$repo/var/run/fcgi-app.sock}
listen=${GUVNL_LISTEN:-127.0.0.1:8080}
max_body=${GUVNL_MAX_BODY_BYTES:-65536}
openapi=${GUVNL_OPENAPI:-$repo/openapi.yaml}
client_timeout=${GUVNL_CLIENT_TIMEOUT:-10s}
if [ "$kind" = production ]; then
    user_line=${NGINX_USER_LINE-user www-data;}
    pid=${NGINX_PID:-/run/guvnl-queue-nginx.pid}
    server_name=${SERVER_NAME:?production needs SERVER_NAME}
    cert=${CERT:?production needs CERT (certificate chain file)}
    cert_key=${CERT_KEY:?production needs CERT_KEY}
    # The CA chain that verifies OCSP answers (the full-chain certificate file serves).
    chain=${CHAIN:-$cert}
    if [ -n "${GUVNL_RESOLVER:-}" ]; then resolver_line="resolver ${GUVNL_RESOLVER} valid=300s; resolver_timeout 5s;"; else resolver_line=""; fi
    http_listen=${GUVNL_HTTP_LISTEN:-80}
    https_listen=${GUVNL_HTTPS_LISTEN:-443}
    # IPv6 too, unless the addresses are given (as the tests give them).
    if [ -z "${GUVNL_HTTPS_LISTEN:-}" ]; then http_v6="listen [::]:80;"; https_v6="listen [::]:443 ssl http2;"; else http_v6=""; https_v6=""; fi
    https_port=${https_listen##*:}
    if [ "$https_port" = 443 ]; then https_suffix=""; else https_suffix=":$https_port"; fi
    # Per client address (a kiosk: per kiosk). A waiting hall behind one address is one client.
    booking_rate=${GUVNL_BOOKING_RATE:-10r/m}; booking_burst=${GUVNL_BOOKING_BURST:-5}
    kiosk_rate=${GUVNL_KIOSK_RATE:-60r/m}
    # Sign-in: an office's clerks reach us from one address (its NAT) and come in together at
    # opening, so the burst holds a whole office, with the staff form's tries again when fcgi-app's
    # password checks are all taken; a guesser still gets 5 a minute after it (and fcgi-app's
    # back-off per name and address).
    signin_rate=${GUVNL_SIGNIN_RATE:-5r/m}; signin_burst=${GUVNL_SIGNIN_BURST:-30}
    lookup_rate=${GUVNL_LOOKUP_RATE:-20r/m}; lookup_burst=${GUVNL_LOOKUP_BURST:-10}
    conn_per_address=${GUVNL_CONN_PER_ADDRESS:-1000}
else
    user_line=${NGINX_USER_LINE:-}
    pid=$prefix/nginx.pid
    server_name=localhost; cert=; cert_key=; chain=; resolver_line=
    http_listen=; https_listen=; http_v6=; https_v6=; https_suffix=
    # Generous, so that tests, demos and benchmarks are not throttled.
    booking_rate=${GUVNL_BOOKING_RATE:-1000r/s}; booking_burst=${GUVNL_BOOKING_BURST:-1000}
    kiosk_rate=${GUVNL_KIOSK_RATE:-1000r/s}
    signin_rate=${GUVNL_SIGNIN_RATE:-1000r/s}; signin_burst=${GUVNL_SIGNIN_BURST:-1000}
    lookup_rate=${GUVNL_LOOKUP_RATE:-1000r/s}; lookup_burst=${GUVNL_LOOKUP_BURST:-1000}
    conn_per_address=${GUVNL_CONN_PER_ADDRESS:-20000}
fi

render() {
    sed -e "s|@SNIPPETS@|$snippets|g" -e "s|@PREFIX@|$prefix|g" -e "s|@ROOT@|$root|g" \
        -e "s|@SOCKET@|$socket|g" -e "s|@LISTEN@|$listen|g" -e "s|@MAX_BODY@|$max_body|g" \
        -e "s|@USER_LINE@|$user_line|g" -e "s|@PID@|$pid|g" -e "s|@OPENAPI@|$openapi|g" \
        -e "s|@SERVER_NAME@|$server_name|g" -e "s|@CERT@|$cert|g" -e "s|@CERT_KEY@|$cert_key|g" \
        -e "s|@CHAIN@|$chain|g" -e "s|@RESOLVER_LINE@|$resolver_line|g" \
        -e "s|@HTTP_LISTEN@|$http_listen|g" -e "s|@HTTPS_LISTEN@|$https_listen|g" \
        -e "s|@HTTP_LISTEN_V6@|$http_v6|g" -e "s|@HTTPS_LISTEN_V6@|$https_v6|g" -e "s|@HTTPS_PORT_SUFFIX@|$https_suffix|g" \
        -e "s|@BOOKING_RATE@|$booking_rate|g" -e "s|@BOOKING_BURST@|$booking_burst|g" -e "s|@KIOSK_RATE@|$kiosk_rate|g" \
        -e "s|@SIGNIN_RATE@|$signin_rate|g" -e "s|@SIGNIN_BURST@|$signin_burst|g" \
        -e "s|@LOOKUP_RATE@|$lookup_rate|g" -e "s|@LOOKUP_BURST@|$lookup_burst|g" \
        -e "s|@CONN_PER_ADDRESS@|$conn_per_address|g" -e "s|@CLIENT_TIMEOUT@|$client_timeout|g" "$1"
}

for snippet in "$repo"/nginx/snippets/*; do
    render "$snippet" > "$out/snippets/$(basename "$snippet")"
done
render "$repo/nginx/$kind.conf.in" > "$out/nginx.conf"
echo "$out/nginx.conf"
