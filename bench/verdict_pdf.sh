#!/usr/bin/env bash
# Verdict and inspection PDFs against their baselines, in one run (docs/benchmarks.md, "Verdict and
# report PDFs"): the demo's evidence bundle verified alone, with --html, with --pdf (en, zh-CN), a
# verdict PDF verified; a 200-image inspection report (every item non-conforming, imported from a
# generated COCO file over the demo lot) rendered as HTML and as PDF. Median of 3 runs each.
#   bench/verdict_pdf.sh [LADING_BIN]
set -euo pipefail
L=${1:-${LADING_BIN:-target/release/lading}}
L=$(realpath "$L")
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cd "$W"
"$L" --json demo --keep demo >/dev/null
B=demo/trust/evidence.lading P=demo/trust/policy.json AT=2026-12-05T13:00:00Z
python3 - <<'PY'
import json, os
imgs = sorted(os.listdir("demo/inspection/lot"))
json.dump([{"image_id": os.path.splitext(n)[0], "category_id": i % 3, "bbox": [8 + i % 20, 10, 20, 14], "score": 0.9}
           for i, n in enumerate(imgs)], open("coco200.json", "w"))
PY
(cd demo/inspection && "$L" inspect import --coco ../../coco200.json --model-sha256 "$(sha256sum surface-detector.onnx | cut -d' ' -f1)" \
    --images lot --profile detector.toml --lot lot.toml --lot-id LOT-BENCH-200 --full --max-defects major=0,critical=0 \
    --out ../../r200.json >/dev/null)
median() {
    local name=$1; shift; local ts=()
    for _ in 1 2 3; do
        local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N); ts+=("$(echo "$e - $s" | bc)")
    done
    last=$(printf '%s\n' "${ts[@]}" | sort -n | sed -n 2p)
    printf '%-40s %8.2f s   (runs: %s)\n' "$name" "$last" "${ts[*]}"
}
# The ratio of the last median to a baseline median, in the same run.
ratio() { printf '%-40s %8.1f x %s\n' "  ratio" "$(echo "$last / $1" | bc -l)" "$2"; }
median "verify (baseline)" "$L" verify $B --policy $P --at $AT
base_verify=$last
median "verify --html" "$L" verify $B --policy $P --at $AT --html v.html
median "verify --pdf (en)" "$L" verify $B --policy $P --at $AT --pdf v-en.pdf
median "verify --pdf --lang zh-CN" "$L" verify $B --policy $P --at $AT --pdf v-zh.pdf --lang zh-CN
ratio "$base_verify" "verify --pdf zh-CN / verify"
median "verify v-zh.pdf (the PDF verified)" "$L" verify v-zh.pdf --policy $P
median "inspect render --out, 200 images (baseline)" "$L" inspect render r200.json --images demo/inspection/lot --out r.html
base_render=$last
median "inspect render --pdf, 200 images" "$L" inspect render r200.json --images demo/inspection/lot --pdf r.pdf --lang zh-CN
ratio "$base_render" "200-image PDF / HTML"
ls -l v-en.pdf v-zh.pdf r.pdf r.html | awk '{print $5, $9}'
