#!/usr/bin/env bash
# A customer's day on the sandbox, through the HTTP API only, checking every
# balance on the way: register, verify, top up, transfer, off-ramp, redeem.
#
#   scripts/walkthrough.sh [BASE_URL]        (default http://127.0.0.1:8000)
#
# Needs bash, curl, openssl and python3 (to read JSON). WEBHOOK_SECRET must be
# the node's PAYMENT_WEBHOOK_SECRET (the development default is used if unset).
# The redemption is paid out by `manage.py process_payouts`, a job; set
# MANAGE to how to run manage.py for the same database, or leave it pending.
set -euo pipefail

BASE="${1:-http://127.0.0.1:8000}"
SECRET="${WEBHOOK_SECRET:-sandbox-webhook-secret}"
MANAGE="${MANAGE:-}"
RUN="$(date +%s)-$$"

say() { printf '\n== %s\n' "$*"; }
json() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1], {"d": d}))' "$1"; }
api() {  # api METHOD PATH [BODY] — prints the body, fails on an HTTP error
  local method="$1" path="$2" body="${3:-}" auth=() key=()
  [[ -n "${TOKEN:-}" ]] && auth=(-H "Authorization: Bearer $TOKEN")
  [[ "$method" == POST ]] && key=(-H "Idempotency-Key: $RUN-$RANDOM-$RANDOM")
  curl -sS --fail-with-body -X "$method" "$BASE$path" "${auth[@]}" "${key[@]}" \
    -H 'Content-Type: application/json' ${body:+--data "$body"}
}
expect() {  # expect WHAT ACTUAL WANTED
  if [[ "$2" != "$3" ]]; then
    printf 'FAIL %s: got %s, expected %s\n' "$1" "$2" "$3" >&2
    exit 1
  fi
  printf 'ok   %s = %s\n' "$1" "$2"
}
balance() { api GET /account/balance | json "next((b['$2'] for b in d['balances'] if b['currency'] == '$1'), '0')"; }
sign_in() {  # sign_in EMAIL: registers, signs in, verifies; sets TOKEN
  TOKEN=""
  api POST /account/register "{\"email\": \"$1\", \"password\": \"amber-falcon-river-42\"}" >/dev/null
  TOKEN="$(api POST /account/token "{\"email\": \"$1\", \"password\": \"amber-falcon-river-42\"}" | json "d['token']")"
  api POST /account/kyc '{"full_name": "Ada Obi", "date_of_birth": "1990-05-01", "bvn": "12345678901", "address": "12 Marina, Lagos"}' \
    | json "d['tier']" >/dev/null
}

ADA="ada-$RUN@example.com"
BOLA="bola-$RUN@example.com"

say "Bola and Ada register, sign in and pass KYC (sandbox: a BVN not starting with 0 passes)"
sign_in "$BOLA"
BOLA_TOKEN="$TOKEN"
sign_in "$ADA"
ADA_TOKEN="$TOKEN"
expect "Ada's KYC tier" "$(api GET /account/kyc | json "d['tier']")" "standard"

say "Ada tops up ₦50,000 by bank transfer (fees 0.8 % + 0.3 % = ₦550)"
QUOTE="$(api POST /api/v1/onramp/quote '{"amount": "50000", "provider": "flutterwave", "method": "bank_transfer"}')"
expect "cNGN quoted" "$(json "d['amount_out']" <<<"$QUOTE")" "49450.0000000"
ONRAMP="$(api POST /api/v1/onramp/initiate "{\"quote_id\": \"$(json "d['id']" <<<"$QUOTE")\"}")"
REFERENCE="$(json "d['details']['payment_instructions']['reference']" <<<"$ONRAMP")"
say "The sandbox provider confirms the payment with a signed webhook"
EVENT="{\"id\": \"evt_$RUN\", \"type\": \"payment.succeeded\", \"data\": {\"reference\": \"$REFERENCE\", \"amount\": \"50000.00\"}}"
SIGNATURE="$(printf '%s' "$EVENT" | openssl dgst -sha256 -hmac "$SECRET" | awk '{print $NF}')"
curl -sS --fail-with-body -X POST "$BASE/api/v1/onramp/webhook/flutterwave" \
  -H 'Content-Type: application/json' -H "X-Signature: $SIGNATURE" --data "$EVENT" >/dev/null
expect "on-ramp status" "$(api GET "/api/v1/onramp/status/$(json "d['id']" <<<"$ONRAMP")" | json "d['status']")" "completed"
expect "Ada's cNGN" "$(balance cNGN available)" "49450.0000000"

say "Ada sends Bola 10,000 cNGN (fee 0.1 %, at least ₦10)"
api POST /api/v1/transfers "{\"recipient_email\": \"$BOLA\", \"amount\": \"10000\", \"currency\": \"cNGN\"}" >/dev/null
expect "Ada's cNGN" "$(balance cNGN available)" "39440.0000000"
TOKEN="$BOLA_TOKEN"
expect "Bola's cNGN" "$(balance cNGN available)" "10000.0000000"
TOKEN="$ADA_TOKEN"

say "Ada off-ramps 20,000 cNGN to her bank (₦25 payout fee + 0.5 %: ₦19,875 arrives)"
QUOTE="$(api POST /api/v1/offramp/quote '{"amount": "20000", "provider": "flutterwave", "method": "bank_transfer"}')"
expect "naira quoted" "$(json "d['amount_out']" <<<"$QUOTE")" "19875.00"
OFFRAMP="$(api POST /api/v1/offramp/initiate "{\"quote_id\": \"$(json "d['id']" <<<"$QUOTE")\", \"bank_code\": \"058\", \"account_number\": \"0123456789\", \"account_name\": \"Ada Obi\"}")"
expect "off-ramp status" "$(json "d['status']" <<<"$OFFRAMP")" "completed"
expect "Ada's cNGN" "$(balance cNGN available)" "19440.0000000"

say "Ada redeems 5,000 cNGN: on hold until the payout job runs"
REDEMPTION="$(api POST /api/v1/redemptions '{"amount": "5000", "bank_code": "058", "account_number": "0123456789", "account_name": "Ada Obi"}')"
expect "redemption status" "$(json "d['status']" <<<"$REDEMPTION")" "pending"
expect "Ada's cNGN available" "$(balance cNGN available)" "14440.0000000"
expect "Ada's cNGN on hold" "$(balance cNGN on_hold)" "5000.0000000"
if [[ -n "$MANAGE" ]]; then
  $MANAGE process_payouts
  expect "redemption status" "$(api GET "/api/v1/redemptions/$(json "d['id']" <<<"$REDEMPTION")" | json "d['status']")" "completed"
  expect "Ada's cNGN on hold" "$(balance cNGN on_hold)" "0.0000000"
fi

say "Ada's history, newest first"
api GET /api/v1/transactions | json "'\n'.join(f\"{t['type']:<11} {t['status']:<10} {t['amount']:>16} {t['currency']}\" for t in d['results'])"
printf '\nwalkthrough passed\n'
