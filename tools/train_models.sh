#!/usr/bin/env bash
# Rebuilds the shipped tiny models from scratch (seeded): about 3 h on 2 cores.
# Needs Debian's python3-torch, python3-onnx and libopenblas0-pthread on /usr/bin/python3.
#   STAGE=all|generators|prm|export  WORK=/tmp/ttc-train  bash tools/train_models.sh
#
# Generators train in two phases with the same recipe for both sizes: 1200 steps at peak lr 2e-3,
# then 1000 more from those weights at peak lr 1e-3 on fresh data (seed 8). The PRM starts from the
# phase-2 small generator: 400 LM steps teach its backbone the step-tag format on gold solutions, then
# its 2-class head, which reads the hidden state and the backbone's log-likelihood of each step, is fit
# on the generator's samples plus gold and one-error solutions (train_prm_likelihood.py says why).
# OpenBLAS picks Haswell kernels where OPENBLAS_CORETYPE=Haswell is set; on an AVX-512 machine
# OPENBLAS_CORETYPE=SkylakeX is about 3x faster for the same results (checked against float64).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-/tmp/ttc-train}
stage=${STAGE:-all}
py=/usr/bin/python3
test_set="$root/models/synthetic-test.jsonl"
mkdir -p "$work"
cd "$root/tools/ttc_models"
[ -f "$test_set" ] || $py make_testset.py --out "$test_set"
# The development split (policy fitting for compute_optimal; disjoint from the held-out set).
dev_set="$root/models/synthetic-dev.jsonl"
[ -f "$dev_set" ] || $py make_testset.py --seed 20250611 --count 300 --split dev --exclude "$test_set" --out "$dev_set"
if [[ $stage == all || $stage == generators ]]; then
  for size in small large; do
    $py train_generator.py --size $size --steps 1200 --lr 2e-3 --seed 7 --test "$test_set" --out "$work/$size-phase1.pt" | tee "$work/$size-phase1.log"
    $py train_generator.py --size $size --steps 1000 --lr 1e-3 --seed 8 --test "$test_set" --init "$work/$size-phase1.pt" \
      --out "$work/$size.pt" | tee "$work/$size.log"
  done
fi
if [[ $stage == all || $stage == prm ]]; then
  $py train_prm_likelihood.py --generator "$work/small.pt" --test "$test_set" --problems 2000 \
    --lm-steps 400 --head-steps 600 --out "$work/prm.pt" | tee "$work/prm.log"
fi
if [[ $stage == all || $stage == export ]]; then
  for size in small large; do
    $py export_onnx.py "$work/$size.pt" --out "$root/models/generator-$size"
    $py evaluate.py "$work/$size.pt" --test "$test_set" --limit 250 --out "$root/models/generator-$size/eval.json"
  done
  $py export_onnx.py "$work/prm.pt" --prm --out "$root/models/prm"
  $py -c "import json,torch; e=torch.load('$work/prm.pt')['extra']; e.pop('opt', None); print(json.dumps(e, indent=1))" \
    > "$root/models/prm/training.json"
  $py model_card.py "$root/models"
fi
