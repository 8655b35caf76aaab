#!/usr/bin/env bash
# The e2e tier: the built kstack against a cluster through real kubectl, as a user would run it.
#   tests/e2e/e2e.sh            a real cluster: KSTACK_E2E_KUBECONFIG (its current context), opt-in (`make e2e`)
#   tests/e2e/e2e.sh --sim      the same checks against kstack-sim's demo scenario (`make e2e-sim`, part of `make test`)
# Every skill the binary lists runs read-only (no --confirm is ever passed); each answer must be exactly one envelope
# with the documented keys naming the context. A restricted ServiceAccount created for the run (and removed after)
# must get typed answers, never crashes. /exec node and debug plans must resolve to the expected pod specs while
# nothing is created. With --sim the simulator's audit log must show reads only from kstack.
# Prints one "ok"/"not ok" line per check and a closing "e2e: N passed, N failed"; exit 1 when any failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
mode=real; [ "${1:-}" = "--sim" ] && mode=sim
K=${KSTACK_BIN:-$PWD/artifacts/bin/kstack}
SIM=${KSTACK_SIM_BIN:-$PWD/artifacts/bin/kstack-sim}
NS=kstack-e2e
SA=kstack-e2e-restricted
OWNED=kstack.kubetail.com/owned-by
work=$(mktemp -d)
export KSTACK_ROOT=$work/root HOME=$work/home KSTACK_NO_UPDATE_CHECK=1 NO_COLOR=1
mkdir -p "$HOME"
passed=0 failed=0
sim_pid=""

cleanup() {
  if [ -n "${KUBECONFIG:-}" ]; then
    kubectl delete namespace "$NS" --ignore-not-found --wait=false >/dev/null 2>&1 || true
    for s in $(tmux ls -F '#{session_name}' 2>/dev/null | grep '^kstack-' || true); do
      KSTACK_ROOT=$work/root "$K" pane stop "$s" >/dev/null 2>&1 || true
    done
  fi
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; [ -n "${2:-}" ] && printf '    %s\n' "${2:0:600}"; }

if [ "$mode" = sim ]; then
  "$SIM" --scenario tests/scenarios/demo --kubeconfig "$work/kubeconfig" --audit-log "$work/audit.jsonl" >"$work/sim.out" 2>&1 &
  sim_pid=$!
  for _ in $(seq 1 200); do grep -q '^ready ' "$work/sim.out" && break; sleep 0.1; done
  grep -q '^ready ' "$work/sim.out" || { echo "not ok - kstack-sim did not start: $(head -c 300 "$work/sim.out")"; echo "e2e: 0 passed, 1 failed"; exit 1; }
  export KUBECONFIG=$work/kubeconfig
else
  [ -n "${KSTACK_E2E_KUBECONFIG:-}" ] || { echo "e2e: KSTACK_E2E_KUBECONFIG is not set (the tier needs a real cluster; see tests/e2e/README.md), nothing run"; exit 0; }
  cp "$KSTACK_E2E_KUBECONFIG" "$work/kubeconfig"
  export KUBECONFIG=$work/kubeconfig
fi
CTX=$(kubectl config current-context)

# envelope NAME FILE [CONTEXT] — exactly one JSON object, documented keys only, status ok|error, typed errors, the
# context named. Prints nothing on success, the reason otherwise.
envelope() {
  local out=$2 ctx=${3:-$CTX}
  [ "$(grep -c '' "$out")" -eq 1 ] || { echo "stdout has $(grep -c '' "$out") lines, not one envelope"; return 1; }
  jq -e --arg ctx "$ctx" '
    type == "object"
    and ((keys - ["kstack","status","render","content","agent_context","kind","message","kube_context","notice"]) == [])
    and (.status == "ok" or .status == "error")
    and (if .status == "error" then (.kind == "user" or .kind == "infra") and (.message | type == "string") else (.content | type == "string") end)
    and (.render == null or .render == "verbatim" or .render == "agent")
    and (.kube_context == $ctx)' "$out" >/dev/null || { echo "not a valid envelope for context $ctx: $(head -c 400 "$out")"; return 1; }
}

# run NAME EXPECT ARGS... — runs kstack with ARGS (stdout to $work/out, stderr to $work/err); EXPECT is ok, error or any.
run() {
  local name=$1 expect=$2; shift 2
  timeout 120 "$K" "$@" >"$work/out" 2>"$work/err"
  local code=$? why
  if [ $code -eq 124 ]; then not_ok "$name" "timed out after 120 s"; return 1; fi
  if grep -qE 'Unhandled exception|   at [A-Z][A-Za-z.]+\(' "$work/err" "$work/out"; then not_ok "$name" "stack trace: $(head -c 400 "$work/err")"; return 1; fi
  if ! why=$(envelope "$name" "$work/out" "${RUN_CONTEXT:-$CTX}"); then not_ok "$name" "$why"; return 1; fi
  local status; status=$(jq -r .status "$work/out")
  if [ "$expect" != any ] && [ "$status" != "$expect" ]; then not_ok "$name" "status $status, expected $expect: $(jq -r '.message // .content' "$work/out" | head -c 300)"; return 1; fi
  ok "$name"
}

skills=$("$K" --help --json | jq -r .content | awk '/^Skills:/{s=1; next} s && /^  [a-z]/{print $1} s && /^$/{exit}')
[ -n "$skills" ] && ok "the binary lists its skills ($(echo $skills | tr ' ' ','))" || not_ok "the binary lists its skills"

owned_before=$(kubectl get pods -A -l "$OWNED" --no-headers 2>/dev/null | grep -c '' || true)
pod_ref=$(kubectl get pods -A --no-headers | awk '$4 == "Running" {print $1 "/" $2; exit}')
node=$(kubectl get nodes -o name | head -1 | cut -d/ -f2)
[ -n "$pod_ref" ] && [ -n "$node" ] && ok "the cluster has a running pod ($pod_ref) and a node ($node)" || not_ok "the cluster has a running pod and a node"

# The restricted user: one namespace, pods and events only.
kubectl create namespace "$NS" >/dev/null &&
  kubectl -n "$NS" create serviceaccount "$SA" >/dev/null &&
  kubectl -n "$NS" create role pods-events --verb=get,list,watch --resource=pods,pods/log,events >/dev/null &&
  kubectl -n "$NS" create rolebinding pods-events --role=pods-events --serviceaccount="$NS:$SA" >/dev/null &&
  token=$(kubectl -n "$NS" create token "$SA" --duration=1h) || token=""
if [ -n "$token" ]; then
  ok "a restricted ServiceAccount is created for the run"
  kubectl config view --raw --minify --flatten >"$work/restricted"
  cluster=$(kubectl config view --minify -o jsonpath='{.clusters[0].name}')
  kubectl --kubeconfig "$work/restricted" config set-credentials "$SA" --token="$token" >/dev/null
  kubectl --kubeconfig "$work/restricted" config set-context "$SA" --cluster="$cluster" --user="$SA" --namespace="$NS" >/dev/null
  kubectl --kubeconfig "$work/restricted" config use-context "$SA" >/dev/null
else
  not_ok "a restricted ServiceAccount is created for the run" "kubectl could not create the namespace, account, role, binding or token"
fi

audit_from=$( [ "$mode" = sim ] && grep -c '' "$work/audit.jsonl" || echo 0)

for skill in $skills; do
  case $skill in
    exec)
      if run "exec plans a node shell on $node and creates nothing" ok exec --node "$node"; then
        plan=$(jq -r '.agent_context | fromjson | .plan_id' "$work/out")
        f=$KSTACK_ROOT/state/plans/$plan.json
        if [ -f "$f" ] && jq -e --arg n "$node" --arg o "$OWNED" '.mode == "node" and .pod_spec.spec.nodeName == $n and .pod_spec.spec.hostPID == true
             and (.pod_spec.spec.containers[0].volumeMounts[] | select(.mountPath == "/host") | .readOnly) == true
             and .pod_spec.metadata.labels[$o] == "kstack" and .pod_spec.metadata.annotations[$o] == "kstack"
             and .pod_spec.spec.activeDeadlineSeconds > 0' "$f" >/dev/null
        then ok "the node plan's pod spec: that node, hostPID, /host read-only, kstack-owned, a deadline"
        else not_ok "the node plan's pod spec: that node, hostPID, /host read-only, kstack-owned, a deadline" "$(head -c 400 "$f" 2>/dev/null)"; fi
      fi
      if run "exec plans a debug container in $pod_ref and creates nothing" ok exec debug "$pod_ref"; then
        plan=$(jq -r '.agent_context | fromjson | .plan_id' "$work/out")
        f=$KSTACK_ROOT/state/plans/$plan.json
        if [ -f "$f" ] && jq -e --arg p "${pod_ref#*/}" '.mode == "debug" and (.argv | index("debug")) != null and (.argv | any(. == $p))
             and (.argv | any(startswith("--target=")))' "$f" >/dev/null
        then ok "the debug plan targets that pod's container with kubectl debug"
        else not_ok "the debug plan targets that pod's container with kubectl debug" "$(head -c 400 "$f" 2>/dev/null)"; fi
      fi
      ;;
    investigate) run "investigate $pod_ref" ok investigate "pod/$pod_ref" ;;
    logs)
      if command -v tmux >/dev/null 2>&1; then run "logs $pod_ref opens a pane" ok logs "pod/$pod_ref"
      else ok "logs skipped: tmux is not installed"; fi
      ;;
    forget) ;;  # last, below: it clears what the other skills cached
    *) run "$skill" ok "$skill" ;;
  esac
done

if [ -n "$token" ]; then
  denied=0
  for args in "cluster-status" "events" "audit-security" "investigate pod/$pod_ref" "events -n $NS"; do
    # shellcheck disable=SC2086
    RUN_CONTEXT=$SA KUBECONFIG=$work/restricted run "restricted user: $args is a typed answer" any $args || continue
    if jq -e '.status == "error" and .kind == "user"' "$work/out" >/dev/null \
       || jq -e '.status == "ok" and (.content | test("forbidden|not readable|cannot|RBAC"; "i"))' "$work/out" >/dev/null; then
      denied=$((denied + 1))
    fi
  done
  [ "$denied" -ge 3 ] && ok "restricted user: denials are named ($denied of 5 answers)" || not_ok "restricted user: denials are named" "only $denied of 5 answers said what was denied"
  RUN_CONTEXT=$SA KUBECONFIG=$work/restricted run "restricted user: events in its own namespace" ok events -n "$NS"
fi

owned_after=$(kubectl get pods -A -l "$OWNED" --no-headers 2>/dev/null | grep -c '' || true)
[ "$owned_after" = "$owned_before" ] && ok "no kstack-owned pod was created without a confirmation" || not_ok "no kstack-owned pod was created without a confirmation" "$owned_before before, $owned_after after"

if [ "$mode" = sim ]; then
  writes=$(tail -n +"$((audit_from + 1))" "$work/audit.jsonl" | jq -rc 'select((.verb | IN("get","list","watch")) | not) | select(.path | test("accessreviews|selfsubjectreviews") | not) | "\(.verb) \(.path)"' | head -5)
  [ -z "$writes" ] && ok "the audit log shows reads only from kstack" || not_ok "the audit log shows reads only from kstack" "$writes"
fi

run "forget clears this context's cache" ok forget

echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
