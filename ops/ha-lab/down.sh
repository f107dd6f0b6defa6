#!/usr/bin/env bash
# Stop everything up.sh started, by the process ids in the lab's own pid files (never by name: the machine's own
# RabbitMQ and PostgreSQL run the same programs), then remove $HA_LAB_DIR. Safe to run twice, or on a half-started lab.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/lab.env.sh"

stop_pid() { # stop_pid <pidfile> <what> [signal]: TERM (or the given signal), then KILL after 30 s
  local f="$1" what="$2" sig="${3:-TERM}" pid
  ha_pid_alive "$f" || return 0
  pid="$(cat "$f")"
  kill "-$sig" "$pid" 2>/dev/null
  for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || return 0; sleep 1; done
  echo "ha-lab: $what ($pid) did not stop, killing it" >&2
  kill -KILL "$pid" 2>/dev/null
}

[ -d "$HA_LAB_DIR" ] || { echo "ha-lab: nothing under $HA_LAB_DIR"; exit 0; }

stop_pid "$HA_LAB_DIR/haproxy/haproxy.pid" haproxy
for m in $HA_PG_MEMBERS; do
  d="$HA_LAB_DIR/patroni/$m"
  stop_pid "$d/patroni.pid" "patroni $m"
  # Patroni stops its postgres; one left by a Patroni killed with -9 is stopped by its own postmaster.pid.
  if [ -f "$d/data/postmaster.pid" ]; then
    pg="$(head -1 "$d/data/postmaster.pid")"
    if kill -0 "$pg" 2>/dev/null && grep -q "$d/data" "/proc/$pg/cmdline" 2>/dev/null; then
      echo "$pg" > "$d/postmaster.kill"; stop_pid "$d/postmaster.kill" "postgres $m" INT
    fi
  fi
done
stop_pid "$HA_LAB_DIR/etcd/etcd.pid" etcd
for n in $HA_RABBIT_NODES; do
  d="$HA_LAB_DIR/rabbitmq/$n"
  # SIGTERM is RabbitMQ's graceful stop (rabbitmqctl stop hung for minutes on a loaded machine); KILL after 30 s.
  stop_pid "$d/beam.pid" "RabbitMQ node $n"
done
rm -rf "$HA_LAB_DIR"
echo "ha-lab down"
