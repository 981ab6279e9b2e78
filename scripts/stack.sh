# Shared by run.sh: start and stop the private nginx and fcgi-app. Sourced, not run.

# Prints the `user` line for the private nginx. As root, nginx's workers run as www-data when
# www-data can read the site and reach the socket; otherwise (a checkout under /root, say) as root.
nginx_user_line() {
    local root=$1 socket_dir=$2
    if [ "$(id -u)" -ne 0 ]; then
        echo ""
    elif id www-data >/dev/null 2>&1 \
        && runuser -u www-data -- test -r "$root/index.html" \
        && runuser -u www-data -- test -x "$socket_dir"; then
        echo "user www-data www-data;"
    else
        echo "stack: www-data cannot reach $root; nginx workers will run as root (local use only)" >&2
        echo "user root root;"
    fi
}

# True if something already listens on host:port.
port_in_use() {
    local host=${1%:*} port=${1##*:}
    (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null
}

# Waits up to $2 seconds for a unix socket to appear.
wait_for_socket() {
    local path=$1 seconds=${2:-10} i
    for ((i = 0; i < seconds * 20; i++)); do
        [ -S "$path" ] && return 0
        sleep 0.05
    done
    return 1
}
