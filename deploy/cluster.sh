#!/usr/bin/env bash
# The compose topology as plain processes on this machine: redis-server
# (append-only file fsynced before every reply), three worldcafe nodes and
# nginx with deploy/nginx.conf, all on loopback. It prints the links
# through the load balancer and stops everything on Ctrl-C.
#
# Kill a node (kill -9 on a pid it prints) to watch its devices move to the
# others; the cluster keeps running.
#
# Ports, all on 127.0.0.1 (environment):
#   CLUSTER_PORT        the load balancer (default 8080)
#   CLUSTER_NODE_PORTS  the three nodes (default "8081 8082 8083")
#   CLUSTER_REDIS_PORT  redis-server (default 6390)
#   CLUSTER_LEASE       how long a node holds a café without renewing (default 3s)
#   CLUSTER_NGINX       the nginx binary (default: nginx on PATH, or /usr/sbin/nginx)
# Everything (the append-only file, logs, the rendered nginx.conf) lives in
# a temporary directory that is removed on exit.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
lb_port="${CLUSTER_PORT:-8080}"
read -r -a node_ports <<<"${CLUSTER_NODE_PORTS:-8081 8082 8083}"
redis_port="${CLUSTER_REDIS_PORT:-6390}"
lease="${CLUSTER_LEASE:-3s}"

if [ "${#node_ports[@]}" -ne 3 ]; then
  echo "cluster: CLUSTER_NODE_PORTS must name three ports, got: ${node_ports[*]}" >&2
  exit 2
fi
# Debian puts nginx in /usr/sbin, which is not on every user's PATH.
nginx_bin="${CLUSTER_NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"
missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
[ -x "$nginx_bin" ] || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
  echo "cluster: ${missing[*]} not found. On Debian or Ubuntu install it with:" >&2
  echo "  sudo apt-get install ${missing[*]}" >&2
  exit 1
fi

dir="$(mktemp -d -t worldcafe-cluster.XXXXXX)"
# nginx's workers may run as another user when this runs as root: they
# need to reach the temp paths inside.
chmod 755 "$dir"
nginx_pid="" node_pids=() redis_pid="" sleeper=""

stop() {
  trap - EXIT INT TERM
  echo
  echo "Stopping the cluster…"
  # Load balancer first, so no device reaches a node that is stopping;
  # then the nodes (they drain their connections); Redis last.
  local p
  for p in $sleeper $nginx_pid "${node_pids[@]}" $redis_pid; do
    kill -TERM "$p" 2>/dev/null || true
    for _ in $(seq 150); do
      kill -0 "$p" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  rm -rf "$dir"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# fail says what went wrong, shows the end of the log, and exits (stop runs).
fail() {
  echo "cluster: $1; the end of $2:" >&2
  tail -n 20 "$2" >&2 || true
  exit 1
}

echo "Building worldcafe…"
(cd "$root" && go build -o "$dir/worldcafe" ./cmd/worldcafe)
bin="$dir/worldcafe"

# waitFor polls a command for up to 30 s.
waitFor() {
  for _ in $(seq 300); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  return 1
}

# Redis: the append-only file fsynced before every reply is what makes an
# acknowledged note durable (see README.md).
mkdir "$dir/redis"
redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$dir/redis" \
  --appendonly yes --appendfsync always --save '' --daemonize no \
  >"$dir/redis.log" 2>&1 &
redis_pid=$!
redisUp() { grep -q "Ready to accept connections" "$dir/redis.log" && kill -0 "$redis_pid"; }
waitFor redisUp || fail "redis-server did not start on 127.0.0.1:$redis_port" "$dir/redis.log"

# The nodes share one admin key, so a café can be created through any of
# them (from this machine no key is needed).
admin="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
public="http://127.0.0.1:$lb_port"
for i in 0 1 2; do
  name="node$((i + 1))"
  port="${node_ports[$i]}"
  mkdir "$dir/$name"
  WORLDCAFE_ADMIN_TOKEN="$admin" "$bin" serve \
    -addr "127.0.0.1:$port" -data "$dir/$name" -public-url "$public" \
    -redis "redis://127.0.0.1:$redis_port/0" -node "$name" -lease "$lease" \
    -ip-max-conns -1 -ip-request-rate -1 -ip-upgrade-rate -1 \
    >"$dir/$name.log" 2>&1 &
  node_pids+=($!)
done
for i in 0 1 2; do
  waitFor "$bin" health -url "http://127.0.0.1:${node_ports[$i]}/readyz" -timeout 1s ||
    fail "node$((i + 1)) did not become ready on 127.0.0.1:${node_ports[$i]}" "$dir/node$((i + 1)).log"
done

# nginx with deploy/nginx.conf, its upstreams and listen address moved to
# loopback, and its temp files in $dir (the packaged defaults are root's).
{
  awk -v p1="${node_ports[0]}" -v p2="${node_ports[1]}" -v p3="${node_ports[2]}" -v lb="$lb_port" '
    /# nodes: begin/ { print; skip = 1
      for (i = 1; i <= 3; i++) printf "        server 127.0.0.1:%s max_fails=1 fail_timeout=5s;\n", (i == 1 ? p1 : i == 2 ? p2 : p3)
      next }
    /# nodes: end/ { skip = 0 }
    skip { next }
    /^[ \t]*listen 8080;/ { sub(/listen 8080;/, "listen 127.0.0.1:" lb ";") }
    /^http \{/ { print; print "    client_body_temp_path tmp/body;\n    proxy_temp_path tmp/proxy;\n    fastcgi_temp_path tmp/fastcgi;\n    uwsgi_temp_path tmp/uwsgi;\n    scgi_temp_path tmp/scgi;"; next }
    { print }
  ' "$root/deploy/nginx.conf"
} >"$dir/nginx.conf"
mkdir "$dir/tmp"
"$nginx_bin" -p "$dir/" -c "$dir/nginx.conf" -e "$dir/nginx.log" \
  -g "daemon off; pid $dir/nginx.pid;" >>"$dir/nginx.log" 2>&1 &
nginx_pid=$!
waitFor "$bin" health -url "$public/readyz" -timeout 1s ||
  fail "nginx did not start on 127.0.0.1:$lb_port" "$dir/nginx.log"

cat <<EOF
The worldcafe cluster is running: three nodes behind nginx, sharing Redis.
  Facilitator (create and run a café): $public/#key=$admin
  Attendees (join with the code shown): $public/join
  Wall (projector):                     $public/wall
  (behind the load balancer every café is created with that key: give the link only to facilitators)
The load balancer listens on this machine only (127.0.0.1).
  nginx        pid $nginx_pid   127.0.0.1:$lb_port
  node1        pid ${node_pids[0]}   127.0.0.1:${node_ports[0]}
  node2        pid ${node_pids[1]}   127.0.0.1:${node_ports[1]}
  node3        pid ${node_pids[2]}   127.0.0.1:${node_ports[2]}
  redis-server pid $redis_pid   127.0.0.1:$redis_port
Logs in $dir. Press Ctrl+C to stop.
EOF

# Wait for Ctrl-C. A node that dies meanwhile does not stop the others:
# that is what a cluster is for.
while kill -0 "$nginx_pid" 2>/dev/null; do
  sleep 1 &
  sleeper=$!
  wait "$sleeper" || true
  sleeper=""
done
fail "nginx stopped" "$dir/nginx.log"
