#!/usr/bin/env bash
# The release-build figures of docs/benchmarks.md's sections on signing keys (SoftHSM2 against key
# files), certificates and time stamps (lading bench pki beside openssl speed), SCITT (receipts and
# registrations beside tlog proofs and raw submissions) and verdict PDFs, each beside its baseline
# in the same run. Usage: bench/release_figures.sh [target/release/lading]
# Needs softhsm2 (softhsm2-util), wrk and the interop venv (scripts/test makes it).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
L=$(realpath "${1:-$ROOT/target/release/lading}")
W=$(mktemp -d /tmp/lading-release-figures.XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"
echo "== machine"; nproc; grep -m1 "model name" /proc/cpuinfo; uptime
echo "== SoftHSM2 token"
export SOFTHSM2_CONF="$W/softhsm2.conf"
mkdir tokens; echo "directories.tokendir = $W/tokens" > "$SOFTHSM2_CONF"
softhsm2-util --init-token --free --label bench --so-pin 87654321 --pin 123456 >/dev/null
for m in /usr/lib/softhsm/libsofthsm2.so /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so; do
    [ -f "$m" ] && export LADING_PKCS11_MODULE="$m"
done
printf '123456' > pin; chmod 600 pin; export LADING_PKCS11_PIN_FILE="$W/pin"
"$L" key generate --alg ed25519 --pkcs11 'pkcs11:token=bench;object=e' --out te >/dev/null
"$L" key generate --alg p256 --pkcs11 'pkcs11:token=bench;object=a' --out ta >/dev/null
"$L" key generate --out fe >/dev/null
"$L" key generate --alg p256 --out fp >/dev/null
echo "== lading bench sign (release)"
"$L" bench sign --seconds 3 --key fe.key --key 'pkcs11:token=bench;object=e' --key fp.key --key 'pkcs11:token=bench;object=a'
echo "== lading bench sign --checkpoint (release)"
"$L" bench sign --checkpoint --seconds 3 --key fe.key --key 'pkcs11:token=bench;object=e'
echo "== openssl speed (same run)"
openssl speed -seconds 2 ed25519 ecdsap256 2>/dev/null | tail -5
echo "== lading bench pki (release)"
"$L" bench pki
echo "== lading bench log (release; tlog proofs and COSE receipts)"
"$L" bench log --seconds 3
echo "== SCRAPI registrations vs raw submissions (release)"
bash "$ROOT/bench/scitt_register.sh" "$L" 10 8
echo "== verdict PDFs (release)"
cd "$ROOT" && bash bench/verdict_pdf.sh "$L"
