#!/bin/bash
# Stand-in for istio-sidecar's /usr/local/bin/istio-start.sh (vmonboard e2e harness).
#
# Same inputs and control flow as the packaged script (istio/istio
# tools/packaging/common/istio-start.sh): it sources sidecar.env then cluster.env with bash under
# `set -a`, runs `pilot-agent istio-clean-iptables` + `istio-iptables` (which the stand-in
# pilot-agent only records), and starts `pilot-agent proxy` as istio-proxy through `su -c` with
# the same unquoted interpolation of ISTIO_SVC_IP, POD_NAME, the namespace, the service and
# ISTIO_AGENT_FLAGS, so values that would break (or be executed by) the real script break here too.
set -e

set -a
ISTIO_SIDECAR_CONFIG=${ISTIO_SIDECAR_CONFIG:-/var/lib/istio/envoy/sidecar.env}
if [[ -r ${ISTIO_SIDECAR_CONFIG} ]]; then
  # shellcheck disable=SC1090
  . "$ISTIO_SIDECAR_CONFIG"
fi
ISTIO_CLUSTER_CONFIG=${ISTIO_CLUSTER_CONFIG:-/var/lib/istio/envoy/cluster.env}
if [[ -r ${ISTIO_CLUSTER_CONFIG} ]]; then
  # shellcheck disable=SC1090
  . "$ISTIO_CLUSTER_CONFIG"
fi
set +a

ISTIO_BIN_BASE=${ISTIO_BIN_BASE:-/usr/local/bin}
ISTIO_LOG_DIR=${ISTIO_LOG_DIR:-/var/log/istio}
NS=${ISTIO_NAMESPACE:-default}
SVC=${ISTIO_SERVICE:-rawvm}
ISTIO_SYSTEM_NAMESPACE=${ISTIO_SYSTEM_NAMESPACE:-istio-system}
ISTIO_PILOT_PORT=${ISTIO_PILOT_PORT:-15012}
if [ -z "${ISTIO_SVC_IP:-}" ]; then
  ISTIO_SVC_IP=$(hostname --all-ip-addresses | cut -d ' ' -f 1)
fi
if [ -z "${POD_NAME:-}" ]; then
  POD_NAME=$(hostname -s)
fi

if [[ ${1-} == "clean" ]]; then
  if [ "${ISTIO_CUSTOM_IP_TABLES:-}" != "true" ]; then
    "${ISTIO_BIN_BASE}/pilot-agent" istio-clean-iptables
  fi
  exit 0
fi

if [ "${ISTIO_CUSTOM_IP_TABLES:-}" != "true" ]; then
  "${ISTIO_BIN_BASE}/pilot-agent" istio-clean-iptables
  "${ISTIO_BIN_BASE}/pilot-agent" istio-iptables
fi

EXEC_USER=${EXEC_USER:-istio-proxy}
if [ "${ISTIO_INBOUND_INTERCEPTION_MODE:-}" = "TPROXY" ]; then
  EXEC_USER=root
fi
if [ -z "${PILOT_ADDRESS:-}" ]; then
  PILOT_ADDRESS=istiod.${ISTIO_SYSTEM_NAMESPACE}.svc:${ISTIO_PILOT_PORT}
fi
CA_ADDR=${CA_ADDR:-${PILOT_ADDRESS}}
PROV_CERT=${PROV_CERT-/etc/certs}
OUTPUT_CERTS=${OUTPUT_CERTS-/etc/certs}
export PROV_CERT OUTPUT_CERTS CA_ADDR ISTIO_CLUSTER_CONFIG ISTIO_BIN_BASE

ISTIO_AGENT_FLAGS=${ISTIO_AGENT_FLAGS:-}
IFS=' ' read -r -a ISTIO_AGENT_FLAGS_ARRAY <<< "$ISTIO_AGENT_FLAGS"

currentLimit=$(ulimit -n)
# shellcheck disable=SC2086
exec su -s /bin/bash -c "ulimit -n ${currentLimit}; INSTANCE_IP=${ISTIO_SVC_IP} POD_NAME=${POD_NAME} POD_NAMESPACE=${NS} exec ${ISTIO_BIN_BASE}/pilot-agent proxy --serviceCluster=${SVC} ${ISTIO_AGENT_FLAGS_ARRAY[*]} 2> ${ISTIO_LOG_DIR}/istio.err.log > ${ISTIO_LOG_DIR}/istio.log" ${EXEC_USER}
