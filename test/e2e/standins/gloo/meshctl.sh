#!/bin/bash
# STAND-IN meshctl built by the vmonboard e2e harness; not the real program.
# `ew onboard`: checks its command line against the flags of every sourced workshop call
# (gloo-vm-facts.md §1.2, generated into FLAGS below from src/delivery/gloo/onboard-args.ts),
# records it, installs the two packages from the --gloo and --istio URLs the way the flag names
# suggest (download, dpkg -i), and prints Solo's success marker. `external-workload uninstall`
# is recorded and succeeds. Anything else exits 2 with a reason.
set -euo pipefail
FLAGS=(@FLAGS@)
MIN_SA_VERSION_FLAG=@SA_FLAG@
LOG=/var/lib/meshctl-standin
CA=/etc/vmonboard-e2e/mirror-ca.pem
mkdir -p "$LOG"
n=$(($(cat "$LOG/count" 2>/dev/null || echo 0) + 1))
echo "$n" >"$LOG/count"
printf '%s\n' "$@" >"$LOG/argv.$n"
fail() { echo "stand-in meshctl: $*" >&2; echo "$*" >"$LOG/error.$n"; exit 2; }
if [[ ${1:-} == external-workload && ${2:-} == uninstall && $# -eq 2 ]]; then
  echo "stand-in: external workload uninstalled"
  exit 0
fi
[[ ${1:-} == ew && ${2:-} == onboard ]] || fail "unexpected subcommand: ${1:-} ${2:-}"
shift 2
declare -A seen=()
want=()
for f in "${FLAGS[@]}"; do
  [[ $f == --gateway-service-account && $MIN_SA_VERSION_FLAG == no ]] && continue
  want+=("$f")
done
i=0
while (($#)); do
  flag=$1
  shift
  [[ ${want[i]:-} == "$flag" ]] || fail "flag $((i + 1)) is $flag, the workshops pass ${want[i]:-nothing} here"
  [[ -z ${seen[$flag]:-} ]] || fail "$flag given twice"
  seen[$flag]=1
  i=$((i + 1))
  if [[ $flag == --install ]]; then continue; fi
  (($#)) || fail "$flag has no value"
  v=$1
  shift
  case $flag in
    --attestor) [[ $v == token ]] || fail "--attestor $v: only token is documented" ;;
    --join-token) [[ $v =~ ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ ]] || fail "--join-token is not a UUID" ;;
    --gloo | --istio) [[ $v == https://*.deb ]] || fail "$flag $v: only https URLs of .deb files are documented"; printf -v "url_${flag#--}" '%s' "$v" ;;
    --gateway | --ext-workload) [[ $v =~ ^[a-z0-9-]+/[a-z0-9-]+$ ]] || fail "$flag $v is not <namespace>/<name>" ;;
    *) [[ -n $v && $v != -* ]] || fail "$flag has no value" ;;
  esac
done
((i == ${#want[@]})) || fail "missing flags: ${want[*]:i}"
mkdir -p "$LOG/dl"
for c in gloo istio; do
  var="url_$c"
  curl -fsS --cacert "$CA" -o "$LOG/dl/$c.deb" "${!var}"
done
dpkg -i "$LOG/dl/gloo.deb" "$LOG/dl/istio.deb" >"$LOG/dpkg.$n" 2>&1 || fail "dpkg -i failed: $(tail -3 "$LOG/dpkg.$n")"
echo "stand-in: installed $(dpkg-deb -f "$LOG/dl/gloo.deb" Package) and $(dpkg-deb -f "$LOG/dl/istio.deb" Package)"
echo "Onboarding complete!"
