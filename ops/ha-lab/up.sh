#!/usr/bin/env bash
# Start the high-availability lab on this machine, beside (never instead of) its own RabbitMQ and PostgreSQL:
#   - a three-node RabbitMQ cluster (liaison-ha1/2/3@localhost, AMQP 5681-5683), quorum queues replicated on all three;
#   - one etcd member (client 23790): the DCS Patroni elects its leader in. One member is enough for a lab on one
#     host: the faults tested are a RabbitMQ node, the PostgreSQL leader and a service instance, never the DCS, and
#     three etcd members on one machine would share its single point of failure anyway. Production runs three (or
#     five) etcd members in distinct zones, or CloudNativePG's own Kubernetes-API based election;
#   - two Patroni members running PostgreSQL 15 (25441, 25442; REST 28011, 28012), synchronous mode on, so that a
#     commit acknowledged by the leader is on the replica too and a failover loses nothing;
#   - HAProxy on 25440, routing to the Patroni leader only (httpchk GET /primary), cutting the old leader's sessions.
# Everything lives under $HA_LAB_DIR (default /tmp/eessi-ha-lab). Idempotent: what already runs is left alone and
# what is missing (a member killed by a test) is started again, so up.sh also heals the lab after a fault.
# Installs patroni, etcd-server, haproxy and rabbitmq-server with apt-get when missing (no internet needed beyond
# the Debian mirror). Prints the URLs at the end. Run as root.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/lab.env.sh"

[ "$(id -u)" = 0 ] || { echo "ha-lab: run as root (RabbitMQ runs as rabbitmq, Patroni as postgres)" >&2; exit 1; }

install_missing() {
  local missing=()
  command -v patroni >/dev/null || missing+=(patroni)
  command -v etcd >/dev/null || missing+=(etcd-server)
  command -v haproxy >/dev/null || missing+=(haproxy)
  [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
  [ -x /usr/lib/postgresql/15/bin/postgres ] || missing+=(postgresql-15)
  [ "${#missing[@]}" -eq 0 ] && return 0
  echo "ha-lab: installing ${missing[*]}"
  # Debian's packages try to start their own services; a policy-rc.d keeps them from touching anything running.
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq "${missing[@]}" >/dev/null
}

start_rabbit_node() {
  local n="$1" d="$HA_LAB_DIR/rabbitmq/$1"
  ha_pid_alive "$d/beam.pid" && return 0
  mkdir -p "$d/mnesia" "$d/log"
  : > "$d/enabled_plugins"
  printf 'listeners.tcp.default = 127.0.0.1:%s\nloopback_users.guest = true\n' "$(ha_amqp_port "$n")" > "$d/rabbitmq.conf"
  chown -R rabbitmq:rabbitmq "$d"
  rm -f "$d/beam.pid"
  ( ha_rabbit_env "$n"; cd /var/lib/rabbitmq
    su rabbitmq -s /bin/sh -c '/usr/lib/rabbitmq/bin/rabbitmq-server -detached' )
  ha_wait 300 "RabbitMQ node $n" ha_pid_alive "$d/beam.pid"
  ha_ctl "$n" await_startup --timeout 300 >/dev/null
}

form_cluster() {
  local n
  for n in ha2 ha3; do
    if ha_ctl "$n" cluster_status --formatter json 2>/dev/null | grep -q "$(ha_node_name ha1)"; then continue; fi
    ha_ctl "$n" stop_app >/dev/null
    ha_ctl "$n" join_cluster "$(ha_node_name ha1)" >/dev/null 2>&1
    ha_ctl "$n" start_app >/dev/null
  done
}

start_etcd() {
  local d="$HA_LAB_DIR/etcd"
  ha_pid_alive "$d/etcd.pid" && return 0
  mkdir -p "$d"
  nohup etcd --name lab --data-dir "$d/data" --enable-v2=true \
    --listen-client-urls "http://127.0.0.1:$HA_ETCD_CLIENT_PORT" --advertise-client-urls "http://127.0.0.1:$HA_ETCD_CLIENT_PORT" \
    --listen-peer-urls "http://127.0.0.1:$HA_ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$HA_ETCD_PEER_PORT" \
    --initial-cluster "lab=http://127.0.0.1:$HA_ETCD_PEER_PORT" --listen-metrics-urls '' >"$d/etcd.log" 2>&1 </dev/null &
  echo $! > "$d/etcd.pid"
  ha_wait 30 etcd curl -fs "http://127.0.0.1:$HA_ETCD_CLIENT_PORT/health" -o /dev/null
}

patroni_config() {
  local m="$1" d="$HA_LAB_DIR/patroni/$1"
  cat > "$d/patroni.yml" <<YAML
scope: liaison-lab
namespace: /eessi-ha-lab/
name: $m
restapi:
  listen: 127.0.0.1:$(ha_rest_port "$m")
  connect_address: 127.0.0.1:$(ha_rest_port "$m")
etcd:
  host: 127.0.0.1:$HA_ETCD_CLIENT_PORT
bootstrap:
  dcs:
    ttl: 10
    loop_wait: 2
    retry_timeout: 5
    maximum_lag_on_failover: 1048576
    # A commit the leader acknowledged is on the synchronous standby too; Patroni promotes only that standby.
    synchronous_mode: true
    postgresql:
      use_pg_rewind: true
      parameters:
        synchronous_commit: 'on'
        wal_level: replica
        hot_standby: 'on'
        max_wal_senders: 5
        max_replication_slots: 5
        wal_log_hints: 'on'
        max_connections: 200
  initdb:
    - encoding: UTF8
    - locale: C.UTF-8
  pg_hba:
    - local all all trust
    - host replication replicator 127.0.0.1/32 md5
    - host all all 127.0.0.1/32 md5
postgresql:
  listen: 127.0.0.1:$(ha_pg_port "$m")
  connect_address: 127.0.0.1:$(ha_pg_port "$m")
  data_dir: $d/data
  bin_dir: /usr/lib/postgresql/15/bin
  pgpass: $d/pgpass
  authentication:
    superuser: {username: postgres, password: $HA_PG_PASSWORD}
    replication: {username: replicator, password: $HA_PG_PASSWORD}
    rewind: {username: postgres, password: $HA_PG_PASSWORD}
  parameters:
    unix_socket_directories: '$d'
tags: {nofailover: false, noloadbalance: false, clonefrom: false, nosync: false}
YAML
}

start_patroni() {
  local m="$1" d="$HA_LAB_DIR/patroni/$1"
  ha_pid_alive "$d/patroni.pid" && return 0
  mkdir -p "$d"
  # A postgres left behind by a Patroni killed with -9: stop it by the pid in its own postmaster.pid.
  if [ -f "$d/data/postmaster.pid" ]; then
    local pg; pg="$(head -1 "$d/data/postmaster.pid")"
    if kill -0 "$pg" 2>/dev/null && grep -q "$d/data" "/proc/$pg/cmdline" 2>/dev/null; then kill -INT "$pg"; ha_wait 30 "old postgres of $m" sh -c "! kill -0 $pg 2>/dev/null"; fi
  fi
  patroni_config "$m"
  chown -R postgres:postgres "$d"; chmod 700 "$d"
  su postgres -s /bin/sh -c "cd '$d' && nohup patroni '$d/patroni.yml' >>'$d/patroni.log' 2>&1 </dev/null & echo \$! > '$d/patroni.pid'"
}

leader_ready() { curl -fsS "http://127.0.0.1:$(ha_rest_port "$1")/primary" -o /dev/null 2>/dev/null; }
replica_ready() { curl -fsS "http://127.0.0.1:$(ha_rest_port "$1")/replica" -o /dev/null 2>/dev/null; }
any_leader() { local m; for m in $HA_PG_MEMBERS; do leader_ready "$m" && return 0; done; return 1; }
all_members_up() { local m; for m in $HA_PG_MEMBERS; do leader_ready "$m" || replica_ready "$m" || return 1; done; }

start_haproxy() {
  local d="$HA_LAB_DIR/haproxy"
  ha_pid_alive "$d/haproxy.pid" && return 0
  mkdir -p "$d"
  cat > "$d/haproxy.cfg" <<CFG
global
    maxconn 500
defaults
    mode tcp
    retries 2
    timeout client 30m
    timeout server 30m
    timeout connect 4s
    timeout check 2s
listen stats
    mode http
    bind 127.0.0.1:$HA_HAPROXY_STATS_PORT
    stats enable
    stats uri /
listen postgres-primary
    bind 127.0.0.1:$HA_HAPROXY_PG_PORT
    option httpchk GET /primary
    http-check expect status 200
    default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions
    server pg1 127.0.0.1:$(ha_pg_port pg1) maxconn 200 check port $(ha_rest_port pg1)
    server pg2 127.0.0.1:$(ha_pg_port pg2) maxconn 200 check port $(ha_rest_port pg2)
CFG
  haproxy -q -D -f "$d/haproxy.cfg" -p "$d/haproxy.pid"
}

through_haproxy() { PGPASSWORD="$HA_PG_PASSWORD" psql -h 127.0.0.1 -p "$HA_HAPROXY_PG_PORT" -U postgres -d postgres -Atc 'SELECT 1' >/dev/null 2>&1; }
cluster_of_three() { local n; for n in $HA_RABBIT_NODES; do ha_ctl ha1 cluster_status --formatter json 2>/dev/null | grep -q "\"$(ha_node_name "$n")\"" || return 1; done; }

create_database() {
  local sql="SELECT 1 FROM pg_database WHERE datname = '$HA_PG_DB'"
  if [ "$(PGPASSWORD="$HA_PG_PASSWORD" psql -h 127.0.0.1 -p "$HA_HAPROXY_PG_PORT" -U postgres -d postgres -Atc "$sql")" != 1 ]; then
    PGPASSWORD="$HA_PG_PASSWORD" psql -h 127.0.0.1 -p "$HA_HAPROXY_PG_PORT" -U postgres -d postgres -qc "CREATE DATABASE $HA_PG_DB" >/dev/null
  fi
}

install_missing
mkdir -p "$HA_LAB_DIR/rabbitmq"
: > "$HA_LAB_DIR/rabbitmq/rabbitmq-env.conf"
chown rabbitmq:rabbitmq "$HA_LAB_DIR/rabbitmq"
for n in $HA_RABBIT_NODES; do start_rabbit_node "$n"; done
form_cluster
start_etcd
mkdir -p "$HA_LAB_DIR/patroni"; chmod 755 "$HA_LAB_DIR/patroni"
start_patroni pg1
ha_wait 90 "a Patroni leader" any_leader
start_patroni pg2
start_haproxy
ha_wait 120 "both Patroni members (leader and replica)" all_members_up
ha_wait 30 "PostgreSQL through HAProxy" through_haproxy
create_database
ha_wait 60 "a 3-node RabbitMQ cluster" cluster_of_three

echo "ha-lab up in $HA_LAB_DIR"
echo "AMQP_URL=amqp://guest:guest@127.0.0.1:5681,amqp://guest:guest@127.0.0.1:5682,amqp://guest:guest@127.0.0.1:5683"
echo "DATABASE_URL=postgres://postgres:$HA_PG_PASSWORD@127.0.0.1:$HA_HAPROXY_PG_PORT/$HA_PG_DB"
echo "HAProxy stats: http://127.0.0.1:$HA_HAPROXY_STATS_PORT/  Patroni: http://127.0.0.1:$(ha_rest_port pg1)/cluster  etcd: http://127.0.0.1:$HA_ETCD_CLIENT_PORT"
