#!/usr/bin/env bash
# What runs in the lab: RabbitMQ cluster members, Patroni members and roles, HAProxy's view.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/lab.env.sh"
[ -d "$HA_LAB_DIR" ] || { echo "ha-lab: not running (no $HA_LAB_DIR)"; exit 1; }
for n in $HA_RABBIT_NODES; do
  if ha_pid_alive "$HA_LAB_DIR/rabbitmq/$n/beam.pid"; then echo "rabbitmq $(ha_node_name "$n") amqp :$(ha_amqp_port "$n") up (pid $(cat "$HA_LAB_DIR/rabbitmq/$n/beam.pid"))"; else echo "rabbitmq $(ha_node_name "$n") down"; fi
done
for m in $HA_PG_MEMBERS; do
  role="$(curl -fsS "http://127.0.0.1:$(ha_rest_port "$m")/patroni" 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("role"), d.get("state"))' 2>/dev/null || echo down)"
  echo "patroni $m postgres :$(ha_pg_port "$m") rest :$(ha_rest_port "$m") $role"
done
if ha_pid_alive "$HA_LAB_DIR/etcd/etcd.pid"; then echo "etcd :$HA_ETCD_CLIENT_PORT up"; else echo "etcd down"; fi
if ha_pid_alive "$HA_LAB_DIR/haproxy/haproxy.pid"; then echo "haproxy postgres :$HA_HAPROXY_PG_PORT up (stats http://127.0.0.1:$HA_HAPROXY_STATS_PORT/)"; else echo "haproxy down"; fi
