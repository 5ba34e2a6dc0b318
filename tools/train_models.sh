#!/usr/bin/env bash
# Rebuilds the shipped tiny models from scratch (seeded): ~1.5 h on 2 cores.
# Needs Debian's python3-torch, python3-onnx and libopenblas0-pthread on /usr/bin/python3.
#   STAGE=all|generators|prm|export  WORK=/tmp/ttc-train  bash tools/train_models.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-/tmp/ttc-train}
stage=${STAGE:-all}
py=/usr/bin/python3
test_set="$root/models/synthetic-test.jsonl"
mkdir -p "$work"
cd "$root/tools/ttc_models"
[ -f "$test_set" ] || $py make_testset.py --out "$test_set"
if [[ $stage == all || $stage == generators ]]; then
  for size in small large; do
    $py train_generator.py --size $size --steps 1200 --test "$test_set" --out "$work/$size.pt" | tee "$work/$size.log"
  done
fi
if [[ $stage == all || $stage == prm ]]; then
  $py train_prm.py --generator "$work/small.pt" --backbone "$work/large.pt" --test "$test_set" --steps 200 --out "$work/prm.pt" | tee "$work/prm.log"
fi
if [[ $stage == all || $stage == export ]]; then
  for size in small large; do
    $py export_onnx.py "$work/$size.pt" --out "$root/models/generator-$size"
    $py evaluate.py "$work/$size.pt" --test "$test_set" --limit 250 --out "$root/models/generator-$size/eval.json"
  done
  $py export_onnx.py "$work/prm.pt" --prm --out "$root/models/prm"
  $py -c "import json,torch; e=torch.load('$work/prm.pt')['extra']; print(json.dumps(e, indent=1))" > "$root/models/prm/training.json"
  $py model_card.py "$root/models"
fi
