#!/usr/bin/env bash
# A local three-node Switchyard cluster on 127.0.0.1 with a freshly generated cluster key and nginx in
# front (deploy/nginx/switchyard.conf with local ports). Prints the URLs; Ctrl-C stops everything and
# removes the temporary folder (keys, data, logs).
#
#   deploy/local-cluster.sh                       nginx on :8080, nodes on :8081-8083, cluster 7946-7948
#   deploy/local-cluster.sh -- --config my.yaml   everything after -- goes to every `switchyard start`
#
# Ports: SWITCHYARD_LB_PORT (8080), SWITCHYARD_NODE_PORT (first node, 8081), SWITCHYARD_CLUSTER_BASE_PORT
# (7946). Without nginx installed the nodes still start; use their URLs directly.
# Needs a built checkout (npm ci builds it).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
cli="$repo/bin/switchyard.js"
lb_port=${SWITCHYARD_LB_PORT:-8080}
node_port=${SWITCHYARD_NODE_PORT:-8081}
cluster_port=${SWITCHYARD_CLUSTER_BASE_PORT:-7946}
count=3
[ "${1:-}" = "--" ] && shift
extra=("$@")

if [ ! -f "$repo/dist/src/cli/index.js" ]; then
  echo "local-cluster: not built yet; run npm ci (or npm run build) in $repo" >&2
  exit 1
fi
nginx_bin=$(command -v nginx || true)
[ -z "$nginx_bin" ] && [ -x /usr/sbin/nginx ] && nginx_bin=/usr/sbin/nginx

work=$(mktemp -d "${TMPDIR:-/tmp}/switchyard-local.XXXXXX")
pids=()
names=()

cleanup() {
  trap - EXIT INT TERM
  echo
  echo "local-cluster: stopping ${#pids[@]} processes"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  # Nodes drain in-flight requests first; give them a while, then make sure.
  for _ in $(seq 1 150); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Every process gets its own session, so Ctrl-C in the terminal reaches only this script; cleanup()
# then sends each one a single SIGTERM (nodes drain on the first signal and exit at once on a second).
setsid_cmd=()
command -v setsid >/dev/null && setsid_cmd=(setsid)
spawn() { # name logfile command...
  local name=$1 log=$2
  shift 2
  ${setsid_cmd[@]+"${setsid_cmd[@]}"} "$@" >"$log" 2>&1 &
  pids+=("$!")
  names+=("$name")
}

wait_for() { # url pid log
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null --max-time 1 "$1" 2>/dev/null && return 0
    if ! kill -0 "$2" 2>/dev/null; then
      echo "local-cluster: process exited during start-up; its log ($3):" >&2
      cat "$3" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "local-cluster: $1 did not answer in 30 s; log: $3" >&2
  exit 1
}

# The cluster key (32 random bytes as hex) and the admin token for /api: files readable only by you,
# never printed or passed as arguments (`ps` would show them). The nodes read the token from the env.
(umask 077 && node -e 'process.stdout.write(require("node:crypto").randomBytes(32).toString("hex") + "\n")' >"$work/cluster.key")
(umask 077 && node -e 'process.stdout.write("sy-admin-" + require("node:crypto").randomBytes(24).toString("hex") + "\n")' >"$work/admin.token")
SWITCHYARD_ADMIN_TOKEN=$(cat "$work/admin.token")
export SWITCHYARD_ADMIN_TOKEN

start_node() { # index [seed]
  local i=$1 seed=${2:-}
  local dir="$work/node-$i"
  mkdir -p "$dir"
  local args=(start --host 127.0.0.1 --port $((node_port + i)) --cluster-port $((cluster_port + i))
    --data-dir "$dir/data" --cluster-key-file "$work/cluster.key")
  [ -n "$seed" ] && args+=(--seed "$seed")
  spawn "node-$i" "$dir/log" node "$cli" "${args[@]}" ${extra[@]+"${extra[@]}"}
  wait_for "http://127.0.0.1:$((node_port + i))/health/ready" "${pids[-1]}" "$dir/log"
}

# node-0 first: its peer id (in GET /api/cluster) is the seed the others dial.
start_node 0
seed=$(curl -fsS -H "authorization: Bearer $SWITCHYARD_ADMIN_TOKEN" "http://127.0.0.1:$node_port/api/cluster" | node -e '
  let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
    const a = JSON.parse(s).listen_addresses.find((x) => x.startsWith("/ip4/127.0.0.1/"));
    if (!a) process.exit(1);
    process.stdout.write(a);
  });')
for i in $(seq 1 $((count - 1))); do start_node "$i" "$seed"; done

lb=""
if [ -n "$nginx_bin" ]; then
  mkdir -p "$work/nginx/temp"
  sed -e "s/server node-0:8080/server 127.0.0.1:$((node_port + 0))/" \
      -e "s/server node-1:8080/server 127.0.0.1:$((node_port + 1))/" \
      -e "s/server node-2:8080/server 127.0.0.1:$((node_port + 2))/" \
      -e "s/^\([[:space:]]*\)listen 80;/\1listen 127.0.0.1:$lb_port;/" \
      -e "s|access_log /var/log/nginx/switchyard.access.log|access_log $work/nginx/access.log|" \
      "$here/nginx/switchyard.conf" >"$work/nginx/switchyard.conf"
  {
    echo "daemon off;"
    # As root, nginx workers would drop to nobody and lose access to the temp folder.
    [ "$(id -u)" = 0 ] && echo "user root;"
    echo "worker_processes 1;"
    echo "pid $work/nginx/nginx.pid;"
    echo "error_log $work/nginx/error.log warn;"
    echo "events { worker_connections 1024; }"
    echo "http {"
    for t in client_body proxy fastcgi uwsgi scgi; do echo "  ${t}_temp_path $work/nginx/temp/$t;"; done
    echo "  include $work/nginx/switchyard.conf;"
    echo "}"
  } >"$work/nginx/nginx.conf"
  "$nginx_bin" -t -q -c "$work/nginx/nginx.conf" -p "$work/nginx"
  spawn nginx "$work/nginx/error.log.stdout" "$nginx_bin" -c "$work/nginx/nginx.conf" -p "$work/nginx"
  wait_for "http://127.0.0.1:$lb_port/health/ready" "${pids[-1]}" "$work/nginx/error.log"
  lb="http://127.0.0.1:$lb_port"
else
  echo "local-cluster: nginx not found; starting the nodes without a load balancer" >&2
fi

api=${lb:-http://127.0.0.1:$node_port}
{
  echo
  echo "Switchyard local cluster ($count nodes) is up."
  if [ -n "$lb" ]; then echo "  load balancer (nginx):  $lb"; fi
  for i in $(seq 0 $((count - 1))); do
    echo "  node-$i:                 http://127.0.0.1:$((node_port + i))   (cluster port $((cluster_port + i)))"
  done
  echo "  logs and data:          $work"
  echo
  echo "  curl -s $api/v1/chat/completions -H 'content-type: application/json' \\"
  echo "    -d '{\"model\":\"mock/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello, cluster\"}]}'"
  echo "  SWITCHYARD_ADMIN_TOKEN=\$(cat $work/admin.token) node $cli cluster status --url http://127.0.0.1:$node_port"
  echo
  echo "Ctrl-C stops everything."
}

# Run until Ctrl-C, or until one of the processes dies on its own.
while :; do
  for idx in "${!pids[@]}"; do
    if ! kill -0 "${pids[$idx]}" 2>/dev/null; then
      echo "local-cluster: ${names[$idx]} exited; stopping the rest" >&2
      exit 1
    fi
  done
  sleep 1
done
