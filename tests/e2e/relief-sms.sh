#!/usr/bin/env bash
# relief-sms.sh: relief receipts by SMS, end to end through real Kannel.
# A VGF distribution of 30 kg rice reaches four beneficiaries of union
# 20224510; their replies go through the real fakesmsc, smsbox (with
# mo-recode) and the sms-service get-url that `sanket kannel-config`
# writes:
#   - a Bangla reply in UCS-2, "পেয়েছি <code in Bangla digits>": in full;
#   - "RCV <code> 22" from an English speaker: short by 8 kg;
#   - "NO <code> nobody came": disputed, a grievance opened;
#   - someone else's code: refused, recorded, the owner's entitlement
#     untouched; the same receipt twice: one chain entry.
# Each gets its answer at fakesmsc in the right language; the union's
# report and chain show exactly this.
set -u
. "$top_srcdir/tests/lib/common.sh"

sk_need_kannel_suite

U=20224510
require "Kannel starts (bearerbox, smsbox, fakesmsc)" sk_start_kannel
sk_conf_set kannel rate 200
sk_conf_set kannel window 8
require "sanketd starts" sk_start_sanketd
require "admin token" sk_admin_token

sk_req POST /api/v1/areas --data-binary @"$top_srcdir/etc/sample/areas.csv"
require "sample areas imported" test "$CODE" = 200
cat >"$SK_TMP/recipients.csv" <<'EOF'
msisdn,union,lang,channel,programmes
01711000001,20224510,bn,sms,VGF
01711000002,20224510,en,sms,VGF
01711000003,20224510,bn,sms,VGF
01711000004,20224510,bn,sms,VGF
01711000005,20224510,bn,sms,GR
EOF
sk_req POST /api/v1/recipients --data-binary @"$SK_TMP/recipients.csv"
is "$CODE:$(sk_jq .created)" "200:5" "5 recipients imported"

jq -n --arg u "$U" --argjson at "$(($(date +%s) + 86400))" \
    '{union: $u, programme: "VGF", item: "rice", unit: "kg", quantity: 30,
      place: "Union Parishad office", at: $at}' >"$SK_TMP/dist.json"
sk_req POST /api/v1/distributions -H 'Content-Type: application/json' \
    --data-binary @"$SK_TMP/dist.json"
is "$CODE:$(sk_jq .entitlements)" "201:4" "distribution: 4 VGF beneficiaries"
D=$(sk_jq .id)

code_of() {
	sk_db "SELECT code FROM entitlements WHERE distribution_id = $D AND msisdn = '$1'"
}
C1=$(code_of +8801711000001)
C2=$(code_of +8801711000002)
C3=$(code_of +8801711000003)
C4=$(code_of +8801711000004)
for n in 1 2 3 4; do
	ok "the notice reaches 0171100000$n" sk_wait_mt "880171100000$n" 1 30
done
like "$(sk_mt_last 8801711000002)" "$C2" "the English notice carries its own code"

bn_digits() {
	printf '%s' "$1" | sed 'y/0123456789/০১২৩৪৫৬৭৮৯/'
}
state() {
	sk_db "SELECT state || ':' || coalesce(received_qty, '-') FROM entitlements
	    WHERE distribution_id = $D AND msisdn = '$1'"
}

# 1. Bangla, UCS-2, Bangla digits: received in full.
require "MO: পেয়েছি <code> (UCS-2)" sk_mo_ucs2 8801711000001 "পেয়েছি $(bn_digits "$C1")"
ok "answer 1 arrives" sk_wait_mt 8801711000001 2
like "$(sk_mt_last 8801711000001)" "পুরোপুরি" "answer in Bangla: received in full"
is "$(state +8801711000001)" "received:30" "entitlement 1: received, 30"

# 2. English, short.
require "MO: RCV <code> 22" sk_mo 8801711000002 "RCV $C2 22"
ok "answer 2 arrives" sk_wait_mt 8801711000002 2
like "$(sk_mt_last 8801711000002)" "22 kg received of 30 kg" "answer in English names the shortfall"
is "$(state +8801711000002)" "short:22" "entitlement 2: short, 22"

# 3. Dispute.
require "MO: NO <code> nobody came" sk_mo 8801711000003 "NO $C3 nobody came"
ok "answer 3 arrives" sk_wait_mt 8801711000003 2
G=$(sk_db "SELECT id FROM grievances WHERE entitlement_id = (SELECT id FROM entitlements WHERE distribution_id = $D AND msisdn = '+8801711000003')")
ok "a grievance is opened for the dispute" test -n "$G"
like "$(sk_mt_last 8801711000003)" "$(bn_digits "$G")" "the Bangla answer gives the complaint number"
is "$(state +8801711000003)" "disputed:-" "entitlement 3: disputed"

# 4. Someone else's code: refused, recorded; the owner's stays pending.
require "MO: 01711000005 sends 4's code" sk_mo 8801711000005 "RCV $C4"
ok "answer 4 arrives" sk_wait_mt 8801711000005 1
like "$(sk_mt_last 8801711000005)" "মেলেনি" "answer: the code does not match this number"
is "$(state +8801711000004)" "pending:-" "the owner's entitlement is untouched"
is "$(sk_db "SELECT reason FROM code_attempts WHERE msisdn = '+8801711000005'")" \
    "not_owner" "the attempt is recorded as not_owner"

# 5. The same receipt again, after the dedupe window would not apply: a
#    different wording, same meaning: idempotent.
require "MO: RCV <code> again" sk_mo 8801711000001 "rcv $C1"
ok "answer 5 arrives" sk_wait_mt 8801711000001 3
like "$(sk_mt_last 8801711000001)" "আগেই" "answer: already recorded"
is "$(sk_db "SELECT count(*) FROM receipts WHERE union_code = '$U'")" 3 \
    "the chain has 3 entries (received, short, disputed), no repeat"

# The union's report and chain.
sk_req GET "/api/v1/unions/$U/relief"
is "$(sk_jq '.distributions[0] | [.entitled, .received_full, .received_short, .shortfall, .disputed, .pending] | map(tostring) | join(" ")')" \
    "4 1 1 8 1 1" "report: 4 entitled, 1 full, 1 short (8 kg), 1 disputed, 1 pending"
is "$(sk_jq '.distributions[0].by_channel.sms')" 3 "report: 3 receipts by SMS"
sk_req GET "/api/v1/unions/$U/receipts/verify"
is "$CODE:$(sk_jq .ok):$(sk_jq .entries)" "200:true:3" "the chain verifies: 3 entries"

# What the inbound list says.
sk_req GET "/api/v1/inbound?from=01711000002"
is "$(sk_jq '.inbound[0] | .intent + " " + .arg')" "received $C2 22" \
    "inbound: intent received, arg code and quantity"
like "$(sk_jq '.inbound[0].outcome')" "short" "inbound: the outcome says short"

done_testing
