#!/usr/bin/env bash
# `make run`: build everything, prepare the demo database, and serve the whole system at
# http://127.0.0.1:8080 (GUVNL_LISTEN) with a private nginx and fcgi-app until Ctrl-C.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
source scripts/stack.sh

listen=${GUVNL_LISTEN:-127.0.0.1:8080}
database=${GUVNL_DATABASE:-$repo/var/guvnl-queue.sqlite}
socket=$repo/var/run/fcgi-app.sock
bin=$repo/.build/release

if port_in_use "$listen"; then
    echo "run: $listen is already in use (another \`make run\`, or another server)." >&2
    echo "run: stop it, or choose another address: GUVNL_LISTEN=127.0.0.1:8081 make run" >&2
    exit 1
fi

scripts/install-deps.sh
echo "run: building (release)..."
swift build -c release --product fcgi-app
swift build -c release --product sitegen
"$bin/sitegen" build --root "$repo" --output public
mkdir -p var/run var/log
"$bin/fcgi-app" migrate --database "$database"
"$bin/fcgi-app" import-catalog public/catalog.json --database "$database"
"$bin/fcgi-app" migrate --database "$database" --demo-staff
# The round-the-clock demo office serves at any hour: open its counters.
for number in 1 2 3; do
    "$bin/fcgi-app" counter open --office VAD-247 --number "$number" --database "$database" >/dev/null
done

user_line=$(nginx_user_line "$repo/public" "$repo/var/run")
group_args=()
[ "$user_line" = "user www-data www-data;" ] && group_args=(--socket-group www-data)

app_pid=""; nginx_pid=""; worker_pid=""
# Stops both servers on any exit; Ctrl-C and SIGTERM are a normal end (status 0).
stop_servers() {
    local status=$?
    trap - EXIT
    if [ -n "$nginx_pid$app_pid$worker_pid" ]; then
        echo; echo "run: stopping..."
        [ -n "$nginx_pid" ] && kill -QUIT "$nginx_pid" 2>/dev/null || true
        [ -n "$worker_pid" ] && kill -TERM "$worker_pid" 2>/dev/null || true
        [ -n "$app_pid" ] && kill -TERM "$app_pid" 2>/dev/null || true
        wait 2>/dev/null || true
        echo "run: stopped."
    fi
    exit "$status"
}
trap stop_servers EXIT
trap 'exit 0' INT TERM

# Supervised: if fcgi-app ever dies, it is started again at once (see var/log/fcgi-app.log).
scripts/supervise.sh "$bin/fcgi-app" serve --database "$database" --socket "$socket" "${group_args[@]}" \
    2>>var/log/fcgi-app.log &
app_pid=$!
if ! wait_for_socket "$socket" 10; then
    echo "run: fcgi-app did not start; see var/log/fcgi-app.log:" >&2
    tail -5 var/log/fcgi-app.log >&2
    exit 1
fi

# The message worker, supervised too. No gateway is configured here, so the messages citizens
# would receive are written, in their language, to var/log/messages.log (and shown under /admin/).
scripts/supervise.sh "$bin/fcgi-app" worker --database "$database" --base-url "http://$listen" \
    --sink var/log/messages.log 2>>var/log/worker.log &
worker_pid=$!

NGINX_USER_LINE="$user_line" GUVNL_LISTEN="$listen" GUVNL_SOCKET="$socket" \
    scripts/render-nginx.sh local var/nginx >/dev/null
nginx -p "$repo/var/nginx" -c "$repo/var/nginx/nginx.conf" -e "$repo/var/nginx/logs/error.log" -g "daemon off;" &
nginx_pid=$!

for _ in $(seq 1 100); do
    curl -fsS "http://$listen/api/healthz" >/dev/null 2>&1 && break
    kill -0 "$nginx_pid" 2>/dev/null || { echo "run: nginx did not start; see var/nginx/logs/error.log" >&2; exit 1; }
    sleep 0.1
done
echo
echo "  GUVNL Queue is serving at http://$listen"
echo "  staff: http://$listen/staff/ (clerk-vad-247 / demo-clerk-2026)   dashboard: http://$listen/admin/ (manager-vad-247 / demo-manager-2026)"
echo "  display board: http://$listen/display/?office=VAD-247   kiosk: http://$listen/kiosk/?office=VAD-247 (set up by the manager)"
echo "  messages to citizens (no SMS gateway configured): var/log/messages.log"
echo "  logs: var/log/fcgi-app.log, var/log/worker.log, var/nginx/logs/   stop: Ctrl-C"
echo
wait
