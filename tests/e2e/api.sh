#!/usr/bin/env bash
# api.sh: the HTTP API as an official, an auditor and an attacker see it:
# every route's happy path, token and role checks, area scope (403), and
# the 4xx answers for malformed input, each of which must change nothing.
set -u
. "$top_srcdir/tests/lib/common.sh"
sk_tmpdir
sk_start_sanketd || bail "sanketd did not start"
sk_admin_token || bail "no admin token"
ADMIN=$SANKET_TOKEN
S=$top_srcdir/etc/sample

# req METHOD PATH TOKEN [curl args...]: sets CODE and BODY.
req() {
	local m=$1 p=$2 t=$3
	shift 3
	BODY=$(curl -sS --max-time 10 -X "$m" -o - -w '\n%{http_code}' \
	    ${t:+-H "Authorization: Bearer $t"} "$@" "$SANKET_URL$p")
	CODE=${BODY##*$'\n'}
	BODY=${BODY%$'\n'*}
}
jqr() { printf '%s' "$BODY" | jq -r "$1"; }
count() { sqlite3 "$SK_TMP/sanket.db" "$1"; }

# --- open routes ----------------------------------------------------------
req GET /healthz ""
is "$CODE" 200 "healthz without a token"
is "$(jqr .status)" ok "healthz says ok"
is "$(jqr .kannel)" unknown "no status_url: kannel unknown"
req GET /metrics ""
is "$CODE" 200 "metrics without a token"
like "$BODY" 'sanket_build_info\{version="[0-9.]+"\} 1' "metrics has build info"

# --- authentication -------------------------------------------------------
req GET /api/v1/status ""
is "$CODE" 401 "status without a token: 401"
is "$(jqr .error.code)" E_UNAUTHORIZED "error code E_UNAUTHORIZED"
req GET /api/v1/status "sk_0000000000000000000000000000000000000000"
is "$CODE" 401 "unknown token: 401"
req GET /api/v1/status "not-a-token"
is "$CODE" 401 "malformed token: 401"
req GET /api/v1/status "$ADMIN"
is "$CODE" 200 "status with the admin token"
is "$(jqr .token.role)" admin "status shows the caller's role"

# --- areas -----------------------------------------------------------------
req POST "/api/v1/areas?dry_run=1" "$ADMIN" --data-binary @"$S/areas.csv"
is "$CODE" 200 "areas dry run"
is "$(count 'SELECT count(*) FROM areas')" 0 "dry run wrote nothing"
req POST /api/v1/areas "$ADMIN" --data-binary @"$S/areas.csv"
is "$CODE" 200 "areas import"
nareas=$(($(wc -l <"$S/areas.csv") - 1))
is "$(jqr .created)" "$nareas" "every sample area created"
is "$(count 'SELECT count(*) FROM areas')" "$nareas" "and stored"
req POST /api/v1/areas "$ADMIN" --data-binary $'30,,division,Dhaka,ঢাকা\n3026,99,district,Dhaka,ঢাকা\n'
is "$CODE" 422 "area file with an unknown parent: 422"
is "$(jqr '.error.rows[0].row'):$(jqr '.error.rows[0].field')" "2:parent" "error names row 2, field parent"
is "$(count "SELECT count(*) FROM areas WHERE code = '30'")" 0 "the good row of a refused file is not stored"
req POST /api/v1/areas "$ADMIN" --data-binary $'30,,division,"Dhaka\n'
is "$CODE" 400 "unterminated quote: 400"
is "$(jqr .error.code)" E_BAD_CSV "E_BAD_CSV"
req GET /api/v1/areas/202245 "$ADMIN"
is "$CODE" 200 "area lookup"
is "$(jqr .level)" upazila "Kutubdia is an upazila"
like "$(jqr .unions)" '^[1-9][0-9]*$' "with its unions counted"
req GET /api/v1/areas/nope "$ADMIN"
is "$CODE" 404 "unknown area: 404"

# --- tokens and roles --------------------------------------------------------
req POST /api/v1/tokens "$ADMIN" -d '{"role":"official","scope":"202245","name":"Kutubdia PIO"}'
is "$CODE" 201 "admin creates a scoped official token"
OFF=$(jqr .token)
req POST /api/v1/tokens "$ADMIN" -d '{"role":"auditor","scope":"2022"}'
AUD=$(jqr .token)
is "$CODE" 201 "and a district auditor token"
req POST /api/v1/tokens "$ADMIN" -d '{"role":"god"}'
is "$CODE" 400 "unknown role: 400"
req POST /api/v1/tokens "$ADMIN" -d '{"role":"official","scope":"202245","extra":1}'
is "$CODE" 400 "unknown JSON field: 400"
req POST /api/v1/tokens "$ADMIN" -d '{"role":'
is "$(jqr .error.code)" E_BAD_JSON "truncated JSON: E_BAD_JSON"
req POST /api/v1/tokens "$OFF" -d '{"role":"admin"}'
is "$CODE" 403 "an official cannot mint tokens"
is "$(jqr .error.code)" E_FORBIDDEN "E_FORBIDDEN"
req POST /api/v1/areas "$OFF" --data-binary @"$S/areas.csv"
is "$CODE" 403 "an official cannot import areas"
req POST /api/v1/recipients "$AUD" --data-binary $'01711000001,20224510,bn,sms,\n'
is "$CODE" 403 "an auditor cannot import recipients"

# --- recipients and scope -----------------------------------------------------
req POST /api/v1/recipients "$OFF" --data-binary $'msisdn,union,lang,channel,programmes\n01711555001,20224510,bn,sms,VGF\n01711555002,20229010,en,sms,\n'
is "$CODE" 200 "official imports recipients"
is "$(jqr .created):$(jqr .rejected)" "1:1" "one in scope created, one outside rejected"
is "$(jqr '.errors[0].row')" 3 "the rejected row is row 3"
like "$(jqr '.errors[0].message')" "outside your scope" "because it is outside the scope"
req GET /api/v1/recipients/01711555001 "$OFF"
is "$CODE" 200 "official reads a recipient in scope"
is "$(jqr .msisdn)" "+8801711555001" "as E.164"
req POST /api/v1/recipients "$ADMIN" --data-binary $'01711555003,20229010,bn,sms,\n'
req GET /api/v1/recipients/01711555003 "$OFF"
is "$CODE" 403 "official cannot read a recipient outside scope"
is "$(jqr .error.code)" E_SCOPE "E_SCOPE"
req GET /api/v1/recipients/01711555003 "$AUD"
is "$CODE" 200 "district auditor reads a recipient of its district"
req GET /api/v1/areas/10 "$OFF"
is "$CODE" 403 "official cannot read another division"
req GET /api/v1/recipients/0255000000 "$ADMIN"
is "$CODE" 400 "landline in the path: 400"
req GET /api/v1/recipients/01711999999 "$ADMIN"
is "$CODE" 404 "unknown number: 404"
req POST /api/v1/recipients "$ADMIN" --data-binary $'01711555004,20224510\n'
is "$CODE" 400 "short row: 400"
is "$(count "SELECT count(*) FROM recipients WHERE msisdn = '+8801711555004'")" 0 "nothing written"

# --- HTTP-level abuse -------------------------------------------------------------
req DELETE /api/v1/areas/202245 "$ADMIN"
is "$CODE" 405 "DELETE on a GET route: 405"
req GET /api/v1/nothing "$ADMIN"
is "$CODE" 404 "unknown route: 404"
req GET "/api/v1/audit?limit=abc" "$ADMIN"
is "$CODE" 400 "bad limit: 400"
head -c $((17 * 1024 * 1024)) /dev/zero | tr '\0' 'a' >"$SK_TMP/big"
req POST /api/v1/recipients "$ADMIN" --data-binary @"$SK_TMP/big"
is "$CODE" 413 "body over max_body: 413"
before=$(count 'SELECT count(*) FROM recipients')
req POST /api/v1/recipients "$ADMIN" -H 'Content-Type: text/csv' --data-binary $'\xff\xfe0\x001\x00'
is "$CODE" 400 "UTF-16 body: 400"
is "$(count 'SELECT count(*) FROM recipients')" "$before" "nothing written"

# --- audit log -----------------------------------------------------------------------
req GET /api/v1/audit "$AUD"
is "$CODE" 200 "auditor reads the audit log"
is "$(jqr '[.entries[].action] | join(",")')" \
    "token.create,areas.import,token.create,token.create,recipients.import,recipients.import" \
    "one audit entry per change, refused requests none"
req GET /api/v1/audit "$OFF"
is "$CODE" 403 "an official cannot read the audit log"

req GET /metrics ""
like "$BODY" 'sanket_http_requests_total\{route="recipients_import",status="200"\} 2' \
    "metrics count requests by route and status"
done_testing
