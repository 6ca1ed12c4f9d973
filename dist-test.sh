#!/usr/bin/env bash
# Checks a deployment of the Aframp API the way clients meet it: through the
# edge, and in each region pinned by its IP address.
#
#   BASE_URL=https://staging-api.aframp.io ./dist-test.sh
#   US_EAST_1_IP=1.2.3.4 EU_WEST_1_IP=5.6.7.8 AP_SOUTHEAST_1_IP=9.10.11.12 \
#     ./dist-test.sh https://api.aframp.io
#
# BASE_URL is first checked as DNS resolves it (the edge); then every region
# with an IP override is checked with that IP, applied with `curl --resolve`
# to every one of its requests. Settings: N (requests per cacheable path for
# the latency average, default 20), LATENCY_TARGET_MS (default 30),
# TIMEOUT (seconds per request, default 10).
# Prints one PASS/FAIL line per check; exits 1 if any fails. Needs bash and curl.
set -euo pipefail

# What the path table (aframp/paths.py) promises for these paths;
# tests/infra/test_path_table_export.py fails when the two disagree.
CACHEABLE='public, max-age=300, stale-while-revalidate=60'
PRIVATE='no-store, private'
NO_STORE='no-store'
EXPECTED_CACHE_CONTROL=(
  "/public/rates|$CACHEABLE"
  "/public/fees|$CACHEABLE"
  "/account/balance|$PRIVATE"
  "/health/edge|$NO_STORE"
)
CACHEABLE_PATHS=(/public/rates /public/fees)

if [[ "${1:-}" == "--expected-cache-control" ]]; then
  printf '%s\n' "${EXPECTED_CACHE_CONTROL[@]}"
  exit 0
fi

BASE_URL="${1:-${BASE_URL:-}}"
BASE_URL="${BASE_URL%/}"
N="${N:-20}"
LATENCY_TARGET_MS="${LATENCY_TARGET_MS:-30}"
TIMEOUT="${TIMEOUT:-10}"
REGIONS=(us-east-1 eu-west-1 ap-southeast-1)
IP_VARIABLES=(US_EAST_1_IP EU_WEST_1_IP AP_SOUTHEAST_1_IP)

if [[ ! "$BASE_URL" =~ ^(https?)://([^/:]+)(:([0-9]+))?$ ]]; then
  echo "usage: BASE_URL=https://host[:port] $0, or $0 https://host[:port]" >&2
  echo "       with US_EAST_1_IP, EU_WEST_1_IP, AP_SOUTHEAST_1_IP to pin regions" >&2
  exit 2
fi
HOST="${BASH_REMATCH[2]}"
PORT="${BASH_REMATCH[4]}"
if [[ -z "$PORT" ]]; then
  if [[ "${BASH_REMATCH[1]}" == https ]]; then PORT=443; else PORT=80; fi
fi

RESOLVE=()  # the current target's --resolve, or nothing for the edge
STATUS=000
TIME_US=0
HEADERS=""
BODY=""
PASSED=0
FAILED=0

# "0.012345" (seconds, as curl writes them) in microseconds.
to_microseconds() {
  local seconds="${1//,/.}" fraction="000000"
  if [[ "$seconds" == *.* ]]; then
    fraction="${seconds#*.}000000"
    seconds="${seconds%%.*}"
  fi
  printf '%d' "$((10#$seconds * 1000000 + 10#${fraction:0:6}))"
}

# request PATH [HEADER...]: GET it; sets STATUS, TIME_US, HEADERS and BODY.
request() {
  local path="$1" output header
  shift
  local args=(-sS -i --max-time "$TIMEOUT" -w '\n%{http_code} %{time_total}')
  for header in "$@"; do
    args+=(-H "$header")
  done
  STATUS=000
  TIME_US=0
  HEADERS=""
  BODY=""
  if output="$(curl "${args[@]}" ${RESOLVE[@]+"${RESOLVE[@]}"} "$BASE_URL$path")"; then
    local meta="${output##*$'\n'}"
    output="${output%$'\n'*}"
    STATUS="${meta%% *}"
    TIME_US="$(to_microseconds "${meta#* }")"
    HEADERS="${output%%$'\r\n\r\n'*}"
    BODY="${output#*$'\r\n\r\n'}"
  fi
}

# header NAME: that header of the last response (names compared in any case).
header() {
  local line value=""
  shopt -s nocasematch
  while IFS= read -r line || [[ -n "$line" ]]; do
    line="${line%$'\r'}"
    if [[ "${line%%:*}" == "$1" ]]; then
      value="${line#*:}"
      value="${value#"${value%%[![:space:]]*}"}"
    fi
  done <<<"$HEADERS"
  shopt -u nocasematch
  printf '%s' "$value"
}

# result PASS|FAIL TARGET CHECK DETAIL
result() {
  printf '%-4s  %-14s  %-52s  %s\n' "$1" "$2" "$3" "$4"
  if [[ "$1" == PASS ]]; then
    PASSED=$((PASSED + 1))
  else
    FAILED=$((FAILED + 1))
  fi
}

# expect TARGET CHECK WANTED GOT
expect() {
  if [[ "$4" == "$3" ]]; then
    result PASS "$1" "$2" "$4"
  else
    result FAIL "$1" "$2" "got '$4' (HTTP $STATUS), want '$3'"
  fi
}

# check_target TARGET EXPECTED_REGION (empty: any of REGIONS)
check_target() {
  local target="$1" region="$2" entry path wanted

  for entry in "${EXPECTED_CACHE_CONTROL[@]}"; do
    path="${entry%%|*}"
    wanted="${entry#*|}"
    request "$path"
    expect "$target" "$path Cache-Control" "$wanted" "$(header Cache-Control)"
  done

  request /public/rates "X-Consistency: strong"
  expect "$target" "X-Consistency: strong /public/rates X-Route-Primary" true \
    "$(header X-Route-Primary)"
  expect "$target" "X-Consistency: strong /public/rates Cache-Control" "$PRIVATE" \
    "$(header Cache-Control)"

  request /health/edge
  local answered body_region=""
  answered="$(header X-Region)"
  if [[ "$BODY" =~ \"region\"[[:space:]]*:[[:space:]]*\"([^\"]*)\" ]]; then
    body_region="${BASH_REMATCH[1]}"
  fi
  expect "$target" "/health/edge status" 200 "$STATUS"
  if [[ -z "$region" ]]; then
    if [[ " ${REGIONS[*]} " == *" $answered "* ]]; then
      region="$answered"
    else
      region="one of ${REGIONS[*]}"
    fi
  fi
  expect "$target" "/health/edge X-Region" "$region" "$answered"
  expect "$target" "/health/edge body region" "$region" "$body_region"

  local total_us=0 count=0 errors=0 i
  for path in "${CACHEABLE_PATHS[@]}"; do
    for ((i = 0; i < N; i++)); do
      request "$path"
      if [[ "$STATUS" == 200 ]]; then
        total_us=$((total_us + TIME_US))
        count=$((count + 1))
      else
        errors=$((errors + 1))
      fi
    done
  done
  local average_us=$((total_us / (count > 0 ? count : 1)))
  local average
  average="$((average_us / 1000)).$((average_us % 1000 / 100)) ms"
  local detail="average $average over $count requests, target < $LATENCY_TARGET_MS ms"
  if ((errors > 0)); then
    result FAIL "$target" "latency of cacheable paths" "$errors of $((count + errors)) failed"
  elif ((average_us < LATENCY_TARGET_MS * 1000)); then
    result PASS "$target" "latency of cacheable paths" "$detail"
  else
    result FAIL "$target" "latency of cacheable paths" "$detail"
  fi
}

echo "dist-test of $BASE_URL ($N requests per cacheable path)"
check_target edge ""
for index in "${!REGIONS[@]}"; do
  region="${REGIONS[$index]}"
  variable="${IP_VARIABLES[$index]}"
  ip="${!variable:-}"
  if [[ -n "$ip" ]]; then
    RESOLVE=(--resolve "$HOST:$PORT:$ip")
    check_target "$region" "$region"
  else
    printf '%-4s  %-14s  %s\n' SKIP "$region" "set $variable to pin this region"
  fi
done
echo "dist-test: $PASSED passed, $FAILED failed"
if ((FAILED > 0)); then
  exit 1
fi
