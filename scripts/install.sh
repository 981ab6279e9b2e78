#!/usr/bin/env bash
# Installs GUVNL Queue on a Debian server, laid out the Debian way (README, "Running it in production"):
#   /opt/guvnl-queue/bin/{fcgi-app,sitegen}       release binaries, Swift runtime linked in (--static-swift-stdlib)
#   /opt/guvnl-queue/public/                      the site sitegen builds from Content/ and Templates/
#   /opt/guvnl-queue/openapi.yaml                 served at /api/openapi.yaml
#   /etc/guvnl-queue/guvnl-queue.env              the operator's settings (kept if it exists)
#   /etc/nginx/guvnl-queue/{nginx.conf,snippets/} the production nginx configuration (TLS)
#   /etc/systemd/system/nginx.service.d/guvnl-queue.conf   Debian's nginx.service runs that configuration
#   /etc/systemd/system/guvnl-queue-{app,backup}.service, guvnl-queue-backup.timer
#   /etc/sysusers.d/guvnl-queue.conf, /etc/tmpfiles.d/guvnl-queue.conf   the user and its folders
#   /var/lib/guvnl-queue/ (database), /var/backups/guvnl-queue/ (backups), /var/lib/nginx/guvnl-queue/ (nginx logs, temp)
#
# Usage: sudo scripts/install.sh            (builds the release, installs, creates the user and database)
#        DESTDIR=/tmp/root scripts/install.sh   (stages the same tree under /tmp/root; nothing is started or created)
# Settings (environment): SERVER_NAME (default: hostname -f), CERT and CERT_KEY (default under
# /etc/guvnl-queue/tls/), CHAIN, GUVNL_RESOLVER (for OCSP stapling), PREFIX (default /opt/guvnl-queue),
# GUVNL_BIN_DIR (install these already-built binaries instead of building the release).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
destdir=${DESTDIR:-}
prefix=${PREFIX:-/opt/guvnl-queue}
root="$destdir"

if [ -z "${GUVNL_BIN_DIR:-}" ]; then
    bash "$repo/scripts/install-deps.sh"
    echo "Building the release (the Swift runtime linked in, so the server needs no toolchain)..."
    (cd "$repo" && swift build -c release --static-swift-stdlib --product fcgi-app && swift build -c release --static-swift-stdlib --product sitegen)
    bin_dir="$repo/.build/release"
else
    bin_dir=$GUVNL_BIN_DIR
fi

install -d -m 0755 "$root$prefix/bin" "$root/etc/guvnl-queue" "$root/etc/nginx/guvnl-queue" \
    "$root/etc/systemd/system/nginx.service.d" "$root/etc/sysusers.d" "$root/etc/tmpfiles.d" \
    "$root/var/lib/nginx/guvnl-queue/logs" "$root/var/lib/nginx/guvnl-queue/tmp"
install -d -m 0750 "$root/var/lib/guvnl-queue" "$root/var/backups/guvnl-queue"
install -m 0755 "$bin_dir/fcgi-app" "$bin_dir/sitegen" "$root$prefix/bin/"
install -m 0644 "$repo/openapi.yaml" "$root$prefix/openapi.yaml"
# The SMS texts as registered on the DLT platform (the worker refuses any other), the alert rules
# for the operator's Prometheus, and the log rotation.
install -D -m 0644 "$repo/Templates/sms-dlt.json" "$root$prefix/Templates/sms-dlt.json"
install -D -m 0644 "$repo/deploy/prometheus/alerts.yml" "$root$prefix/prometheus/alerts.yml"
install -D -m 0644 "$repo/deploy/logrotate/guvnl-queue" "$root/etc/logrotate.d/guvnl-queue"

# The site, built into place (sitegen swaps it in atomically, so a running nginx never sees half of it).
"$bin_dir/sitegen" build --root "$repo" --output "$root$prefix/public" >/dev/null

# The production nginx, rendered with the installed paths.
nginx_dir=/etc/nginx/guvnl-queue
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
server_name=${SERVER_NAME:-$(hostname -f 2>/dev/null || hostname)}
SERVER_NAME=$server_name \
CERT=${CERT:-/etc/guvnl-queue/tls/fullchain.pem} CERT_KEY=${CERT_KEY:-/etc/guvnl-queue/tls/privkey.pem} \
NGINX_PREFIX=/var/lib/nginx/guvnl-queue NGINX_SNIPPETS=$nginx_dir/snippets NGINX_PID=/run/nginx.pid \
GUVNL_ROOT=$prefix/public GUVNL_SOCKET=/run/guvnl-queue/fcgi-app.sock GUVNL_OPENAPI=$prefix/openapi.yaml \
    bash "$repo/scripts/render-nginx.sh" production "$staging" >/dev/null
rm -rf "$root$nginx_dir/snippets"
cp -r "$staging/snippets" "$root$nginx_dir/snippets"
install -m 0644 "$staging/nginx.conf" "$root$nginx_dir/nginx.conf"
install -m 0644 "$repo/deploy/systemd/nginx.service.d/guvnl-queue.conf" "$root/etc/systemd/system/nginx.service.d/guvnl-queue.conf"

# The units, their user and folders; the binaries' path in them follows PREFIX.
for unit in guvnl-queue-app.service guvnl-queue-worker.service guvnl-queue-backup.service guvnl-queue-backup.timer; do
    sed "s|/opt/guvnl-queue|$prefix|g" "$repo/deploy/systemd/$unit" > "$root/etc/systemd/system/$unit"
    chmod 0644 "$root/etc/systemd/system/$unit"
done
install -m 0644 "$repo/deploy/sysusers.d/guvnl-queue.conf" "$root/etc/sysusers.d/guvnl-queue.conf"
install -m 0644 "$repo/deploy/tmpfiles.d/guvnl-queue.conf" "$root/etc/tmpfiles.d/guvnl-queue.conf"
if [ ! -e "$root/etc/guvnl-queue/guvnl-queue.env" ]; then
    install -m 0640 "$repo/deploy/guvnl-queue.env" "$root/etc/guvnl-queue/guvnl-queue.env"
    # Printed tickets' QR codes name the site as citizens reach it, not as a kiosk's LAN reaches it:
    # the first of the server's names, if it is a host name (nginx also takes "_" or several).
    public_host=${server_name%% *}
    if [[ "$public_host" =~ ^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$ ]]; then
        echo "GUVNL_PUBLIC_URL=https://$public_host" >> "$root/etc/guvnl-queue/guvnl-queue.env"
    fi
fi
if ! grep -q '^GUVNL_PUBLIC_URL=' "$root/etc/guvnl-queue/guvnl-queue.env"; then
    echo "Note: GUVNL_PUBLIC_URL is not set in /etc/guvnl-queue/guvnl-queue.env, so tickets' QR codes follow the" \
         "address each kiosk uses. Add GUVNL_PUBLIC_URL=https://<the site's name> there." >&2
fi

if [ -n "$destdir" ]; then
    echo "Staged under $destdir (no user, database or service was created)."
    exit 0
fi

# A real install: the user, the folders with their owners, the database, and systemd told.
systemd-sysusers /etc/sysusers.d/guvnl-queue.conf
systemd-tmpfiles --create /etc/tmpfiles.d/guvnl-queue.conf
chgrp guvnl-queue /etc/guvnl-queue/guvnl-queue.env
database=/var/lib/guvnl-queue/guvnl-queue.sqlite
# An upgrade: a backup of the database as it was, before the new release migrates it.
if [ -e "$database" ]; then
    runuser -u guvnl-queue -- "$prefix/bin/fcgi-app" backup --database "$database" --backup-dir /var/backups/guvnl-queue
fi
runuser -u guvnl-queue -- "$prefix/bin/fcgi-app" migrate --database "$database"
runuser -u guvnl-queue -- "$prefix/bin/fcgi-app" import-catalog "$prefix/public/catalog.json" --database "$database"
systemctl daemon-reload
cat <<EOF
Installed. Next:
  1. Put the certificate chain and key where $nginx_dir/nginx.conf expects them (CERT, CERT_KEY).
  2. Create the staff administrator: sudo -u guvnl-queue $prefix/bin/fcgi-app user add --database $database ...
  3. Start: systemctl enable --now guvnl-queue-app.service guvnl-queue-backup.timer && systemctl restart nginx
  4. Look: curl -s https://$(hostname -f 2>/dev/null || hostname)/api/healthz
EOF
