#!/usr/bin/env bash
# Exit 0 when nothing of the lab is left: no listening lab port, no process started from the lab's folder, no lab
# node registered with epmd, no lab folder. The machine's own RabbitMQ (5672) and PostgreSQL (5432) must still answer.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/lab.env.sh"
left=0
for p in $HA_PORTS; do
  if ss -Hltn "sport = :$p" | grep -q .; then echo "left: a listener on port $p"; left=1; fi
done
if ps -eo pid=,args= | grep -F "$HA_LAB_DIR" | grep -v grep | grep -q .; then
  echo "left: processes started from $HA_LAB_DIR:"; ps -eo pid=,args= | grep -F "$HA_LAB_DIR" | grep -v grep | cut -c1-160; left=1
fi
if epmd -names 2>/dev/null | grep -q 'liaison-ha'; then echo "left: epmd still names a lab node"; left=1; fi
if [ -e "$HA_LAB_DIR" ]; then echo "left: $HA_LAB_DIR"; left=1; fi
ha_port_open 5672 || { echo "the machine's RabbitMQ (5672) does not answer"; left=1; }
ha_port_open 5432 || { echo "the machine's PostgreSQL (5432) does not answer"; left=1; }
[ "$left" = 0 ] && echo "ha-lab: clean (no lab port, process, epmd name or folder; 5672 and 5432 answer)"
exit "$left"
