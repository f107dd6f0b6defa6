# Shared settings of the high-availability lab (sourced by up.sh, down.sh, status.sh, check-clean.sh).
# Every port, node name and directory here is the lab's own: the machine's RabbitMQ (rabbit@localhost, 5672,
# 25672) and PostgreSQL (5432) are never named, stopped or reconfigured.
HA_LAB_DIR="${HA_LAB_DIR:-/tmp/eessi-ha-lab}"
HA_RABBIT_NODES="ha1 ha2 ha3"
# AMQP and Erlang-distribution ports of each node (ha1 ha2 ha3).
ha_amqp_port() { case "$1" in ha1) echo 5681 ;; ha2) echo 5682 ;; ha3) echo 5683 ;; esac; }
ha_dist_port() { case "$1" in ha1) echo 25681 ;; ha2) echo 25682 ;; ha3) echo 25683 ;; esac; }
ha_node_name() { echo "liaison-$1@localhost"; }
HA_ETCD_CLIENT_PORT=23790
HA_ETCD_PEER_PORT=23800
HA_PG_MEMBERS="pg1 pg2"
ha_pg_port() { case "$1" in pg1) echo 25441 ;; pg2) echo 25442 ;; esac; }
ha_rest_port() { case "$1" in pg1) echo 28011 ;; pg2) echo 28012 ;; esac; }
HA_HAPROXY_PG_PORT=25440
HA_HAPROXY_STATS_PORT=28010
HA_PG_PASSWORD="${HA_PG_PASSWORD:-liaison-lab}"
HA_PG_DB=liaison
HA_PORTS="5681 5682 5683 25681 25682 25683 $HA_ETCD_CLIENT_PORT $HA_ETCD_PEER_PORT 25441 25442 28011 28012 $HA_HAPROXY_PG_PORT $HA_HAPROXY_STATS_PORT"

# The lab's own environment for RabbitMQ's scripts: its own env file (the machine's /etc/rabbitmq/rabbitmq-env.conf
# names rabbit@localhost), its own config file (the machine's binds 5672), no plugins (the machine's broker holds
# the management and Prometheus ports).
ha_rabbit_env() {
  local n="$1" d="$HA_LAB_DIR/rabbitmq/$1"
  export RABBITMQ_CONF_ENV_FILE="$HA_LAB_DIR/rabbitmq/rabbitmq-env.conf"
  export RABBITMQ_NODENAME="$(ha_node_name "$n")"
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  export RABBITMQ_NODE_PORT="$(ha_amqp_port "$n")"
  export RABBITMQ_DIST_PORT="$(ha_dist_port "$n")"
  export RABBITMQ_CONFIG_FILE="$d/rabbitmq.conf"
  export RABBITMQ_MNESIA_BASE="$d/mnesia"
  export RABBITMQ_LOG_BASE="$d/log"
  export RABBITMQ_PID_FILE="$d/beam.pid"
  export RABBITMQ_ENABLED_PLUGINS_FILE="$d/enabled_plugins"
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
}

# rabbitmqctl against one lab node, always with -n (never the machine's default node).
ha_ctl() {
  local n="$1"; shift
  ( ha_rabbit_env "$n"; /usr/sbin/rabbitmqctl -n "$(ha_node_name "$n")" "$@" )
}

# rabbitmq-queues against a lab node (quorum_status, check_if_node_is_quorum_critical…).
ha_queues() {
  local n="$1"; shift
  ( ha_rabbit_env "$n"; /usr/sbin/rabbitmq-queues -n "$(ha_node_name "$n")" "$@" )
}

ha_pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

ha_port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

ha_wait() { # ha_wait <seconds> <description> <command...>
  local deadline=$(( $(date +%s) + $1 )) what="$2"; shift 2
  until "$@"; do
    if [ "$(date +%s)" -ge "$deadline" ]; then echo "ha-lab: timed out waiting for $what" >&2; return 1; fi
    sleep 1
  done
}
