#!/usr/bin/env bash
# Project-local Apache Kafka (KRaft, combined broker+controller nodes), no Docker.
#   infra/kafka.sh up|down|clean|status
#   infra/kafka.sh kill N | stop N | start N   one node of a cluster: SIGKILL / SIGTERM (a clean
#                                              shutdown) / start it again and wait (chaos)
# Environment:
#   KAFKA_BROKERS          nodes: 1 (default), or a cluster of 3 (each a broker and a voter;
#                          every topic replicated 3 times, min.insync.replicas=2)
#   KAFKA_PORT             the single broker's client listener on 127.0.0.1 (default 19092)
#   KAFKA_CONTROLLER_PORT  its KRaft controller listener                  (default 19093)
#   KAFKA_CLUSTER_PORT     a cluster's node N listens on this + 2(N-1)     (default 19192)
#   KAFKA_CLUSTER_CONTROLLER_PORT  and its controller on this + 2(N-1)     (default 19193)
#                          (a cluster and the single broker can run side by side)
#   KAFKA_HEAP_OPTS        JVM heap                          (default "-Xmx512m -Xms256m")
#   KAFKA_START_TIMEOUT    seconds to wait for readiness     (default 90)
#   KAFKA_STOP_TIMEOUT     seconds before SIGKILL on down    (default 30)
# Jars come from Maven Central via infra/kafka/pom.xml into infra/.cache/kafka-libs/;
# config, data, pid and log live in infra/.run/kafka/ (a cluster: infra/.run/kafka-cluster/node-N/).
set -euo pipefail

INFRA=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
POM="$INFRA/kafka/pom.xml"
LOG4J="$INFRA/kafka/log4j2.properties"
LIBS="$INFRA/.cache/kafka-libs"

KAFKA_BROKERS=${KAFKA_BROKERS:-1}
[[ "$KAFKA_BROKERS" == 1 || "$KAFKA_BROKERS" == 3 ]] || { echo "kafka: ERROR: KAFKA_BROKERS is 1 or 3" >&2; exit 2; }
if ((KAFKA_BROKERS == 1)); then
  CLUSTER="$INFRA/.run/kafka"
  KAFKA_PORT=${KAFKA_PORT:-19092}
  KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-19093}
else
  CLUSTER="$INFRA/.run/kafka-cluster"
  KAFKA_PORT=${KAFKA_CLUSTER_PORT:-19192}
  KAFKA_CONTROLLER_PORT=${KAFKA_CLUSTER_CONTROLLER_PORT:-19193}
fi
CIDF="$CLUSTER/cluster.id"
REPLICAS=$KAFKA_BROKERS
MIN_ISR=$((KAFKA_BROKERS == 1 ? 1 : 2))

# node N's paths and ports (a single broker keeps the layout it always had)
node() {
  NODE=$1
  if ((KAFKA_BROKERS == 1)); then RUN="$CLUSTER"; else RUN="$CLUSTER/node-$NODE"; fi
  DATA="$RUN/data"
  CONF="$RUN/server.properties"
  PIDF="$RUN/kafka.pid"
  LOGF="$RUN/kafka.log"
  FMTF="$RUN/formatted.controller-port"
  PORT=$((KAFKA_PORT + 2 * (NODE - 1)))
  CPORT=$((KAFKA_CONTROLLER_PORT + 2 * (NODE - 1)))
}
nodes() { seq 1 "$KAFKA_BROKERS"; }
voters() { # 1@127.0.0.1:19193,2@127.0.0.1:19195,...
  local n out=""
  for n in $(nodes); do out+="${out:+,}$n@127.0.0.1:$((KAFKA_CONTROLLER_PORT + 2 * (n - 1)))"; done
  echo "$out"
}
KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xmx512m -Xms256m}
KAFKA_START_TIMEOUT=${KAFKA_START_TIMEOUT:-90}
KAFKA_STOP_TIMEOUT=${KAFKA_STOP_TIMEOUT:-30}

say() { echo "kafka: $*"; }
die() { echo "kafka: ERROR: $*" >&2; exit 1; }

# --- helpers ---------------------------------------------------------------

pom_stamp() { sha256sum "$POM" | cut -d' ' -f1; }

fetch_libs() {
  if [[ -f "$LIBS/.complete" && "$(cat "$LIBS/.complete")" == "$(pom_stamp)" ]]; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found (run infra/prereqs.sh mvn)"
  say "fetching Kafka jars from Maven Central (infra/kafka/pom.xml) ..."
  rm -rf "$LIBS"
  mkdir -p "$LIBS"
  # (Debian's Maven 3.8.7 prints ANSI resets even with -B, so keep its output in a file)
  if ! mvn -q -B -Dstyle.color=never -f "$POM" dependency:copy-dependencies -Dlibs.dir="$LIBS" \
    >"$INFRA/.cache/mvn-fetch.log" 2>&1; then
    cat "$INFRA/.cache/mvn-fetch.log" >&2
    die "Maven could not fetch the Kafka jars (output above, also in infra/.cache/mvn-fetch.log)"
  fi
  pom_stamp >"$LIBS/.complete"
}

java_cli() { # java_cli MAIN_CLASS ARGS... : run a Kafka CLI class on the fetched jars
  java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$LOG4J" -cp "$LIBS/*" "$@"
}

# pid of our broker if it is alive (guards against pid reuse), else nothing
live_pid() {
  [[ -f "$PIDF" ]] || return 1
  local pid
  pid=$(cat "$PIDF" 2>/dev/null || true)
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "kafka.Kafka $CONF" || return 1
  echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Speaks the Kafka protocol with the stdlib only: MetadataRequest v4 to the current node, and
# checks that every node of the cluster is advertised (node N on 127.0.0.1:KAFKA_PORT+2(N-1)).
# Exit 0 when the node serves metadata naming them all.
metadata_ok() {
  python3 - "$PORT" "$KAFKA_PORT" "$KAFKA_BROKERS" <<'PY' 2>/dev/null
import socket, struct, sys
port, first, count = (int(a) for a in sys.argv[1:])
client = b"infra-kafka-sh"
# request header v1: api_key=3 (Metadata), api_version=4, correlation_id, client_id
body = struct.pack(">hhih", 3, 4, 42, len(client)) + client
body += struct.pack(">i?", -1, False)          # topics=null (all), allow_auto_topic_creation
with socket.create_connection(("127.0.0.1", port), timeout=3) as s:
    s.sendall(struct.pack(">i", len(body)) + body)
    def read(n):
        buf = b""
        while len(buf) < n:
            chunk = s.recv(n - len(buf))
            if not chunk:
                raise EOFError
            buf += chunk
        return buf
    (size,) = struct.unpack(">i", read(4))
    data = read(size)
corr, _throttle, nbrokers = struct.unpack_from(">iii", data, 0)
off = 12
brokers = []
for _ in range(nbrokers):
    node, hlen = struct.unpack_from(">ih", data, off); off += 6
    host = data[off:off + hlen].decode(); off += hlen
    (bport, rlen) = struct.unpack_from(">ih", data, off); off += 6
    if rlen > 0:
        off += rlen
    brokers.append((node, host, bport))
wanted = {(n, "127.0.0.1", first + 2 * (n - 1)) for n in range(1, count + 1)}
sys.exit(0 if corr == 42 and wanted <= set(brokers) else 1)
PY
}

is_up() { live_pid >/dev/null && port_open "$PORT" && metadata_ok; }

new_cluster_id() { # Kafka Uuid format: 16 random bytes, url-safe base64, no padding
  local id
  while :; do
    id=$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
    [[ "$id" != -* ]] && { echo "$id"; return; }
  done
}

write_config() {
  # One node bootstraps a dynamic quorum of itself (as it always has); a cluster's three voters
  # are named in every node's configuration (a static quorum).
  local QUORUM FENCING=""
  if ((KAFKA_BROKERS == 1)); then QUORUM="controller.quorum.bootstrap.servers=127.0.0.1:${CPORT}"
  else
    QUORUM="controller.quorum.voters=$(voters)"
    # A lost broker is fenced (and its partitions led by another replica) once it has missed
    # 3 s of heartbeats, not Kafka's default 9 s: on one machine a heartbeat is never late.
    FENCING=$'broker.heartbeat.interval.ms=500\nbroker.session.timeout.ms=3000'
  fi
  cat >"$CONF" <<EOF
# Generated by infra/kafka.sh on every 'up'; edit the script, not this file.
process.roles=broker,controller
node.id=${NODE}
${QUORUM}
listeners=PLAINTEXT://127.0.0.1:${PORT},CONTROLLER://127.0.0.1:${CPORT}
advertised.listeners=PLAINTEXT://127.0.0.1:${PORT},CONTROLLER://127.0.0.1:${CPORT}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${DATA}
num.partitions=4
auto.create.topics.enable=false
default.replication.factor=${REPLICAS}
min.insync.replicas=${MIN_ISR}
offsets.topic.replication.factor=${REPLICAS}
transaction.state.log.replication.factor=${REPLICAS}
transaction.state.log.min.isr=${MIN_ISR}
share.coordinator.state.topic.replication.factor=${REPLICAS}
share.coordinator.state.topic.min.isr=${MIN_ISR}
group.initial.rebalance.delay.ms=0
${FENCING}
EOF
}

format_once() {
  [[ -f "$CIDF" ]] || { mkdir -p "$CLUSTER" && new_cluster_id >"$CIDF"; }
  if [[ -f "$DATA/meta.properties" ]]; then
    local was
    was=$(cat "$FMTF" 2>/dev/null || echo "$CPORT")
    [[ "$was" == "$CPORT" ]] ||
      die "storage was formatted for controller port $was, not $CPORT; use that port or run 'infra/kafka.sh clean'"
    return 0
  fi
  mkdir -p "$DATA"
  say "formatting storage of node $NODE (cluster id $(cat "$CIDF"))"
  local standalone=()
  ((KAFKA_BROKERS == 1)) && standalone=(--standalone)
  java_cli kafka.tools.StorageTool format -t "$(cat "$CIDF")" -c "$CONF" "${standalone[@]}" >"$RUN/format.log" 2>&1 ||
    { cat "$RUN/format.log" >&2; die "storage format failed"; }
  echo "$CPORT" >"$FMTF"
}

# --- commands --------------------------------------------------------------

# Launches the current node (node N) unless it answers already; does not wait for it.
node_launch() {
  if live_pid >/dev/null; then
    # A single broker that runs but does not answer is restarted; a cluster's node may be
    # waiting for the other voters (node_wait sees to it).
    ((KAFKA_BROKERS == 1)) && ! is_up || return 0
    say "process $(live_pid) exists but does not answer; restarting it"
    node_down
  fi
  rm -f "$PIDF"
  local which=KAFKA_
  ((KAFKA_BROKERS == 1)) || which=KAFKA_CLUSTER_
  port_open "$PORT" && die "127.0.0.1:$PORT is in use by another process (set ${which}PORT)"
  port_open "$CPORT" && die "127.0.0.1:$CPORT is in use by another process (set ${which}CONTROLLER_PORT)"
  mkdir -p "$RUN"
  write_config
  format_once
  [[ -f "$LOGF" ]] && mv -f "$LOGF" "$LOGF.1"
  # setsid: own session, so the broker outlives the calling shell/terminal
  # shellcheck disable=SC2086
  nohup setsid java $KAFKA_HEAP_OPTS -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$LOG4J" \
    -cp "$LIBS/*" kafka.Kafka "$CONF" </dev/null >>"$LOGF" 2>&1 9>&- &
  echo "$!" >"$PIDF"
}

# Waits until the current node serves metadata naming every node.
node_wait() {
  local t0=$1 pid
  pid=$(cat "$PIDF")
  local deadline=$((t0 + KAFKA_START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PIDF"
      tail -n 30 "$LOGF" >&2 || true
      die "node $NODE exited during start (log: $LOGF)"
    fi
    if grep -q "Kafka Server started" "$LOGF" 2>/dev/null && port_open "$PORT" && metadata_ok; then
      say "node $NODE up on 127.0.0.1:$PORT (pid $pid, $(grep -om1 'Kafka version: [^ ]*' "$LOGF" | cut -d' ' -f3), started in $((SECONDS - t0))s, log $LOGF)"
      return 0
    fi
    sleep 0.5
  done
  tail -n 30 "$LOGF" >&2 || true
  die "node $NODE not ready after ${KAFKA_START_TIMEOUT}s (pid $pid still running; log: $LOGF)"
}

# Stops the current node: SIGTERM (a clean shutdown, waited for), or the signal given.
node_down() {
  local signal=${1:-TERM} pid
  if ! pid=$(live_pid); then
    rm -f "$PIDF"
    say "node $NODE not running"
    return 0
  fi
  kill -"$signal" "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + KAFKA_STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    say "node $NODE still running after ${KAFKA_STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$PIDF"
  say "node $NODE stopped (pid $pid, SIG$signal)"
}

# The nodes of a cluster start together: each waits for a majority of the voters.
cmd_up() {
  local t0=$SECONDS n
  command -v java >/dev/null 2>&1 || die "java not found (run infra/prereqs.sh java)"
  fetch_libs
  local running=()
  for n in $(nodes); do
    node "$n"
    if is_up; then running+=("$n"); else node_launch; fi
  done
  for n in $(nodes); do
    node "$n"
    if [[ " ${running[*]} " == *" $n "* ]]; then say "node $n already running (pid $(live_pid), 127.0.0.1:$PORT)"
    else node_wait "$t0"; fi
  done
}

# A cluster's nodes stop together: one stopped after the others would wait for a quorum of
# voters that has already gone.
cmd_down() {
  local n
  for n in $(nodes); do (node "$n" && node_down) & done
  wait
}

one_node() { # one_node N: selects node N of the cluster
  [[ "${1:-}" =~ ^[0-9]+$ ]] && (($1 >= 1 && $1 <= KAFKA_BROKERS)) || die "a node number from 1 to $KAFKA_BROKERS"
  node "$1"
}

cmd_kill() { one_node "${1:-}"; node_down KILL; }

cmd_stop() { one_node "${1:-}"; node_down TERM; }

cmd_start() {
  local t0=$SECONDS
  one_node "${1:-}"
  fetch_libs
  node_launch
  node_wait "$t0"
}

cmd_clean() {
  cmd_down
  rm -rf "$CLUSTER"
  say "removed $CLUSTER"
}

cmd_status() {
  local n bad=0
  for n in $(nodes); do
    node "$n"
    if is_up; then say "node $n running (pid $(live_pid), 127.0.0.1:$PORT)"
    elif live_pid >/dev/null; then say "node $n: process $(live_pid) alive but not answering on 127.0.0.1:$PORT"; bad=1
    else say "node $n not running"; bad=1; fi
  done
  return $bad
}

# One up/down/clean/kill/start at a time (parallel test runners); the server itself must not
# inherit the lock fd (9>&- where it is spawned).
if [[ "${1:-}" =~ ^(up|down|clean|kill|stop|start)$ ]]; then
  mkdir -p "$INFRA/.run"
  LOCK="$INFRA/.run/kafka.lock"
  ((KAFKA_BROKERS == 1)) || LOCK="$INFRA/.run/kafka-cluster.lock"
  exec 9>"$LOCK"
  flock -w 180 9 || die "another infra/kafka.sh is still running (lock $LOCK)"
fi

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  clean) cmd_clean ;;
  status) cmd_status ;;
  kill) cmd_kill "${2:-}" ;;
  stop) cmd_stop "${2:-}" ;;
  start) cmd_start "${2:-}" ;;
  *) echo "usage: $0 {up|down|clean|status|kill N|stop N|start N}" >&2; exit 2 ;;
esac
