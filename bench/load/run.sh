#!/usr/bin/env bash
# Load test of issue 7: the service's own build over loopback HTTP, driven by wrk (Debian's package, installed here
# when missing) with a Lua POST script (post.lua). Prints a results table (markdown) and writes it, with every raw
# wrk output, the service log and the soak's memory samples, to the output directory.
#
#   bench/load/run.sh                      the full run: W1 at 1/16/64 clients, W2 at 1/16, W3 at 16, a 10-minute W1 soak
#   bench/load/run.sh --smoke              a few seconds of W1 at 1 client (the test suite runs this so the script cannot rot)
#
# Options: --configuration Release|Debug (default Release), --no-build (use the existing build), --duration S (per
# scenario, default 30), --warmup S (default 5), --soak-seconds S (default 600; 0 skips the soak), --only LIST
# (comma-separated scenario names), --wait-load X (before each scenario, wait up to 20 minutes for the 1-minute load
# average to fall to X: other work on the machine skews the numbers), --log-level L (the service's default log
# level, default Information as deployed), --db-dir DIR (where the service's SQLite file goes, default the output
# directory; /dev/shm shows what the audit's durable write costs), --out DIR (default a new directory under /tmp).
#
# Scenarios are closed-loop: N clients each send the next request when the answer to the last arrived, so the
# latencies are what N concurrent EHR sessions see. The soak is rate-limited the way wrk allows (wrk2, the
# open-loop variant, is not packaged in Debian): 4 connections, each waiting 40 ms between an answer and its next
# request, in a freshly started service (its memory then shows W1's own footprint, not what W2 grew the heap to).
# wrk runs on the same 2 cores as the service and takes CPU from it: throughput is a lower bound.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/bench/load"
MODE=full
CONFIG=Release
BUILD=1
DURATION=30
WARMUP=5
SOAK_SECONDS=600
ONLY=""
WAIT_LOAD=""
LOG_LEVEL=Information
DB_DIR=""
OUT=""

while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) MODE=smoke ;;
    --configuration) CONFIG=$2; shift ;;
    --no-build) BUILD=0 ;;
    --duration) DURATION=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    --soak-seconds) SOAK_SECONDS=$2; shift ;;
    --only) ONLY=$2; shift ;;
    --wait-load) WAIT_LOAD=$2; shift ;;
    --log-level) LOG_LEVEL=$2; shift ;;
    --db-dir) DB_DIR=$2; shift ;;
    --out) OUT=$2; shift ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

if [ "$MODE" = smoke ]; then
  DURATION=3; WARMUP=0; SOAK_SECONDS=0; ONLY=${ONLY:-w1-c1}
fi
OUT=${OUT:-$(mktemp -d /tmp/crs-load.XXXXXX)}
mkdir -p "$OUT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# ---- tools --------------------------------------------------------------------------------------------------
if ! command -v wrk >/dev/null 2>&1; then
  log "installing wrk (Debian package)"
  if ! { apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq wrk >/dev/null 2>&1; }; }; then
    echo "error: wrk is not installed and apt-get could not install it (run as root with the Debian archive reachable, or install wrk)" >&2
    exit 3
  fi
fi
command -v curl >/dev/null 2>&1 || { echo "error: curl is needed" >&2; exit 3; }

API_DIR="$ROOT/src/CrsCdsHooks.Api/bin/$CONFIG/net10.0"
TOOL_DIR="$ROOT/bench/CrsCdsHooks.Workloads/bin/$CONFIG/net10.0"
if [ "$BUILD" = 1 ]; then
  log "building the service and the workload tool ($CONFIG)"
  dotnet build "$ROOT/src/CrsCdsHooks.Api/CrsCdsHooks.Api.csproj" -c "$CONFIG" -v q -nologo >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log" >&2; exit 4; }
  dotnet build "$ROOT/bench/CrsCdsHooks.Workloads/CrsCdsHooks.Workloads.csproj" -c "$CONFIG" -v q -nologo >>"$OUT/build.log" 2>&1 || { cat "$OUT/build.log" >&2; exit 4; }
fi
for f in "$API_DIR/CrsCdsHooks.Api.dll" "$TOOL_DIR/CrsCdsHooks.Workloads.dll"; do
  [ -f "$f" ] || { echo "error: $f is missing (build it, or drop --no-build)" >&2; exit 4; }
done

# ---- processes ----------------------------------------------------------------------------------------------
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$DB_DIR" ]; then rm -f "$DB_DIR/crscdshooks-$$.db" "$DB_DIR/crscdshooks-$$.db-wal" "$DB_DIR/crscdshooks-$$.db-shm"; fi
}
trap cleanup EXIT

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  echo "error: no free port" >&2; exit 5
}

wait_http() { # url pid what
  for _ in $(seq 1 240); do
    curl -sf -o /dev/null "$1" && return 0
    kill -0 "$2" 2>/dev/null || { echo "error: $3 exited; its log:" >&2; cat "$OUT/$3.log" >&2; exit 6; }
    sleep 0.25
  done
  echo "error: $3 did not answer at $1 within 60 s" >&2; exit 6
}

API_PORT=$(free_port)
STUB_PORT=$(free_port)
API="http://127.0.0.1:$API_PORT"
STUB="http://127.0.0.1:$STUB_PORT"

log "starting the FHIR stub on $STUB (50 ms per query)"
dotnet "$TOOL_DIR/CrsCdsHooks.Workloads.dll" fhir-stub --urls "$STUB" --delay-ms 50 >"$OUT/fhir-stub.log" 2>&1 &
STUB_PID=$!; PIDS+=("$STUB_PID")

log "starting the service ($CONFIG) on $API"
# Development: anonymous calls, any fhirServer. W2 (≈ 13 MB, ≈ 14,400 vital signs in one key) is above the default
# body and per-key limits, so both are raised. The per-client rate limit (CdsHooks:RateLimit, 600 calls a minute by
# default) would turn a load test from one address into 429s: it is switched off (a no-op where it does not exist).
# EXTRA_SERVICE_ENV="Key=Value ..." adds settings.
SERVICE_ENV=(
  "ASPNETCORE_ENVIRONMENT=Development"
  "CdsHooks__Fhir__AllowAnyServer=true"
  "CdsHooks__Limits__MaxBodyBytes=67108864"
  "CdsHooks__Fhir__MaxResources=20000"
  "CdsHooks__Storage__ConnectionString=Data Source=${DB_DIR:-$OUT}/crscdshooks-$$.db"
  "CdsHooks__RateLimit__Enabled=false"
  "Logging__LogLevel__Default=$LOG_LEVEL"
)
start_service() {
  env "${SERVICE_ENV[@]}" ${EXTRA_SERVICE_ENV:-} dotnet "$API_DIR/CrsCdsHooks.Api.dll" --urls "$API" --contentRoot "$API_DIR" >>"$OUT/service.log" 2>&1 &
  API_PID=$!; PIDS+=("$API_PID")
  wait_http "$API/health/ready" "$API_PID" service
}
start_service
wait_http "$STUB/health" "$STUB_PID" fhir-stub

# ---- workloads ----------------------------------------------------------------------------------------------
log "generating the workloads"
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
TOOL=(dotnet "$TOOL_DIR/CrsCdsHooks.Workloads.dll")
"${TOOL[@]}" generate w1 "$OUT/w1.json" --as-of "$NOW" >"$OUT/workloads.txt"
if [ "$MODE" = full ]; then
  "${TOOL[@]}" generate w2 "$OUT/w2.json" --as-of "$NOW" >>"$OUT/workloads.txt"
  "${TOOL[@]}" generate w3 "$OUT/w3.json" --as-of "$NOW" --fhir-server "$STUB/fhir" >>"$OUT/workloads.txt"
fi
cat "$OUT/workloads.txt" >&2

# One call of each workload must give cards before anything is measured.
for w in w1 w2 w3; do
  [ -f "$OUT/$w.json" ] || continue
  code=$(curl -s -o "$OUT/$w.response.json" -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data-binary "@$OUT/$w.json" "$API/cds-services/crs-patient-view")
  if [ "$code" != 200 ] || ! grep -q '"cards":\[{' "$OUT/$w.response.json"; then
    echo "error: $w answered HTTP $code without cards:" >&2; head -c 2000 "$OUT/$w.response.json" >&2; echo >&2; exit 7
  fi
done

# ---- measurement helpers ------------------------------------------------------------------------------------
cpu_busy() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9; exit}' /proc/stat; }           # jiffies all cores spent busy
cpu_total() { awk '/^cpu /{s=0; for(i=2;i<=NF;i++) s+=$i; print s; exit}' /proc/stat; }
proc_cpu() { awk '{print $14+$15}' "/proc/$1/stat" 2>/dev/null || echo 0; }     # utime+stime of one process
load1() { cut -d' ' -f1 /proc/loadavg; }

wait_for_quiet() {
  [ -n "$WAIT_LOAD" ] || return 0
  local waited=0
  while awk -v l="$(load1)" -v max="$WAIT_LOAD" 'BEGIN{exit !(l > max)}'; do
    [ "$waited" -ge 1200 ] && { log "load $(load1) still above $WAIT_LOAD after 20 minutes: measuring anyway"; return 0; }
    [ $((waited % 60)) -eq 0 ] && log "load average $(load1) > $WAIT_LOAD: waiting"
    sleep 10; waited=$((waited + 10))
  done
}

ROWS=()
# run NAME WORKLOAD CONNECTIONS THREADS SECONDS [DELAY_MS]
run() {
  local name=$1 workload=$2 conns=$3 threads=$4 seconds=$5 delay=${6:-0}
  local body="$OUT/$workload.json"
  if [ "$WARMUP" -gt 0 ]; then
    BODY_FILE="$body" DELAY_MS=$delay wrk -t"$threads" -c"$conns" -d"${WARMUP}s" --timeout 60s -s "$HERE/post.lua" "$API/cds-services/crs-patient-view" >"$OUT/$name.warmup.txt" 2>&1 || true
  fi
  wait_for_quiet
  local load_before; load_before=$(load1)
  log "measuring $name: $workload, $conns client(s), ${seconds}s (load average $load_before)"
  local busy0 total0 api0 stub0; busy0=$(cpu_busy); total0=$(cpu_total); api0=$(proc_cpu "$API_PID"); stub0=$(proc_cpu "$STUB_PID")
  BODY_FILE="$body" DELAY_MS=$delay wrk -t"$threads" -c"$conns" -d"${seconds}s" --timeout 60s --latency -s "$HERE/post.lua" "$API/cds-services/crs-patient-view" >"$OUT/$name.txt" 2>&1 &
  local wrk_pid=$!
  local wrk_cpu=0
  if [ "$name" = soak ]; then sample_rss "$wrk_pid"; fi
  while kill -0 "$wrk_pid" 2>/dev/null; do wrk_cpu=$(proc_cpu "$wrk_pid"); sleep 1; done
  wait "$wrk_pid" || true
  local busy1 total1 api1 stub1; busy1=$(cpu_busy); total1=$(cpu_total); api1=$(proc_cpu "$API_PID"); stub1=$(proc_cpu "$STUB_PID")
  local rss_mb; rss_mb=$(awk '/^VmRSS:/{printf "%.0f", $2/1024}' "/proc/$API_PID/status")
  local result; result=$(grep '^RESULT ' "$OUT/$name.txt" || true)
  if [ -z "$result" ]; then echo "error: wrk gave no result for $name:" >&2; cat "$OUT/$name.txt" >&2; exit 8; fi
  echo "$result" | sed "s/^RESULT /RESULT scenario=$name workload=$workload clients=$conns /"
  # CPU over the run, in cores (of $(nproc)): the service, wrk + the stub, and everything else on the machine.
  local cpus; cpus=$(nproc)
  local shares; shares=$(awk -v b="$((busy1 - busy0))" -v t="$((total1 - total0))" -v a="$((api1 - api0))" -v s="$((stub1 - stub0))" -v w="$wrk_cpu" -v n="$cpus" \
    'BEGIN{ if (t <= 0) t = 1; c = n / t; printf "%.2f %.2f %.2f", a*c, (w+s)*c, (b-a-s-w)*c < 0 ? 0 : (b-a-s-w)*c }')
  ROWS+=("$name|$workload|$conns|$result|$load_before|$shares|$rss_mb")
}

RSS_FILE="$OUT/soak-rss.csv"
sample_rss() { # samples the service's resident set every 5 s while wrk runs (in the background)
  local wrk_pid=$1
  echo "seconds,rss_kb" >"$RSS_FILE"
  (
    local t=0
    while kill -0 "$wrk_pid" 2>/dev/null; do
      echo "$t,$(awk '/^VmRSS:/{print $2}' "/proc/$API_PID/status")" >>"$RSS_FILE"
      sleep 5; t=$((t + 5))
    done
  ) &
}

want() { [ -z "$ONLY" ] || [[ ",$ONLY," == *",$1,"* ]]; }

# ---- scenarios ----------------------------------------------------------------------------------------------
want w1-c1  && run w1-c1  w1 1  1 "$DURATION"
if [ "$MODE" = full ]; then
  want w1-c16 && run w1-c16 w1 16 2 "$DURATION"
  want w1-c64 && run w1-c64 w1 64 2 "$DURATION"
  want w2-c1  && run w2-c1  w2 1  1 "$DURATION"
  want w2-c16 && run w2-c16 w2 16 2 "$DURATION"
  want w3-c16 && run w3-c16 w3 16 2 "$DURATION"
  if [ "$SOAK_SECONDS" -gt 0 ] && want soak; then
    # A fresh process: after W2 the server GC keeps the gigabytes it grew to, which would hide W1's own footprint.
    log "restarting the service for the soak"
    kill "$API_PID"; wait "$API_PID" 2>/dev/null || true
    start_service
    run soak w1 4 1 "$SOAK_SECONDS" 40
  fi
fi

# ---- report -------------------------------------------------------------------------------------------------
field() { echo "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1==k{print $2}'; }
{
  echo "Load test $(date -u +%Y-%m-%dT%H:%M:%SZ) — $CONFIG build, $(nproc) cores ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/{printf "%.0f GB", $2/1048576}' /proc/meminfo), wrk $(wrk --version 2>&1 | awk 'NR==1{print $2}'), log level $LOG_LEVEL"
  echo
  echo "| scenario | workload | clients | requests | req/s | p50 ms | p90 ms | p99 ms | max ms | errors | load avg before | CPU: service / wrk+stub / other (cores) | service RSS after (MB) |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"
  for row in "${ROWS[@]}"; do
    IFS='|' read -r name workload conns result load_before shares rss_mb <<<"$row"
    errors=$(( $(field "$result" non200) + $(field "$result" nocards) + $(field "$result" socket_errors) ))
    read -r c_api c_tools c_other <<<"$shares"
    echo "| $name | $workload | $conns | $(field "$result" requests) | $(field "$result" rps) | $(field "$result" p50_ms) | $(field "$result" p90_ms) | $(field "$result" p99_ms) | $(field "$result" max_ms) | $errors | $load_before | $c_api / $c_tools / $c_other | $rss_mb |"
  done
  if [ -s "$RSS_FILE" ] && [ "$(wc -l <"$RSS_FILE")" -gt 30 ]; then
    echo
    # Warm-up: the first 2 minutes. Baseline: median RSS of minute 2–3; end: median RSS of the last minute.
    awk -F, 'NR>1{t[NR]=$1; r[NR]=$2; n=NR}
      function median(lo, hi,   i, k, m, v, tmp) { k=0; for (i=2;i<=n;i++) if (t[i]>=lo && t[i]<hi) v[++k]=r[i];
        for (i=1;i<=k;i++) for (m=i+1;m<=k;m++) if (v[m]<v[i]) {tmp=v[i]; v[i]=v[m]; v[m]=tmp}
        return k ? v[int((k+1)/2)] : 0 }
      END { last=t[n]; base=median(120,180); end=median(last-60, last+1); mx=0; for (i=2;i<=n;i++) if (t[i]>=120 && r[i]>mx) mx=r[i];
        printf "Soak RSS: baseline (minute 2–3) %.0f MB, end (last minute) %.0f MB, max after warm-up %.0f MB, growth %.1f %% (%d samples every 5 s: %s)\n",
          base/1024, end/1024, mx/1024, base ? (end-base)*100/base : 0, n-1, FILENAME }' "$RSS_FILE"
  fi
  echo
  echo "Raw output: $OUT"
} | tee "$OUT/results.md"
