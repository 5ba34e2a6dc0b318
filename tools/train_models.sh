#!/usr/bin/env bash
# Rebuilds the shipped tiny models from scratch (seeded, resumable): about 4.5 h of one core of the
# 2-core machine per the figures below (the two generators can run at once, one per core; the other
# core was busy with .NET builds and tests, or the other generator, throughout).
# Needs Debian's python3-torch, python3-onnx, python3-matplotlib and libopenblas0-pthread on /usr/bin/python3.
#   STAGE=all|data|small|large|prm|export  WORK=/tmp/ttc-train  bash tools/train_models.sh
#
# Stages, wall clock measured for the shipped models on one core of this 2-core machine (shared):
#   data    the dev split (250 problems, 50 per level, disjoint from the held-out set): seconds
#   small   generator-small, 60,720 parameters, 4000 steps of batch 32: 67 min
#   large   generator-large, 764,544 parameters, 4000 steps of batch 32: 2 h 40 min (4 s per step
#           beside the small run and the builds)
#   prm     the PRM on the large generator's backbone, fit on the small generator's samples: 31 min
#   export  ONNX export, greedy accuracy on the 500 held-out problems, curves, model card: ~5 min
# Both generators use one recipe (common.recipe): AdamW, 100 warmup steps, cosine cooldown to 2% of
# the peak, peak lr 3e-3 x 64 / width; each keeps the checkpoint with the best dev greedy accuracy.
# Every stage checkpoints at least every 100 steps and continues from there when run again.
# OpenBLAS picks its kernels itself; on an AVX-512 machine OPENBLAS_CORETYPE=SkylakeX was about 3x
# faster for the same results (checked against float64). This machine has no AVX-512 (AMD EPYC, AVX2).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-/tmp/ttc-train}
stage=${STAGE:-all}
py=/usr/bin/python3
test_set="$root/models/synthetic-test.jsonl"
dev_set="$root/models/synthetic-dev.jsonl"  # the development split: model selection here, policy fitting in ttc fit-policy
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
mkdir -p "$work"
cd "$root/tools/ttc_models"
timed() { local name=$1; shift; local t0=$SECONDS; "$@"; echo "stage $name: $((SECONDS - t0)) s" | tee -a "$work/stages.log"; }
[ -f "$test_set" ] || $py make_testset.py --out "$test_set"
if [[ $stage == all || $stage == data || ! -f $dev_set ]]; then
  $py make_testset.py --count 250 --seed 31337 --exclude "$test_set" --name dev --out "$dev_set"
fi
generator() {  # size
  # The shipped runs were planned for 3000 steps and extended to 4000 at step 1300 (the large one was
  # learning slowly on the new levels); both sizes follow that same schedule and data stream: a cosine
  # over 3000 steps up to step 1300, then over 4000 from the step-1300 checkpoint.
  local run=($py train_generator.py --size "$1" --seed 7 --test "$test_set" --dev "$dev_set" --out "$work/$1.pt")
  "${run[@]}" --steps 3000 --stop 1300 >> "$work/$1.log" 2>&1
  "${run[@]}" --steps 4000 >> "$work/$1.log" 2>&1
}
if [[ $stage == all || $stage == small ]]; then timed small generator small; fi
if [[ $stage == all || $stage == large ]]; then timed large generator large; fi
if [[ $stage == all || $stage == prm ]]; then
  timed prm $py train_prm_likelihood.py --generator "$work/small.pt" --backbone "$work/large.pt" --test "$test_set" \
    --problems 2000 --lm-steps 300 --head-steps 600 --out "$work/prm.pt" >> "$work/prm.log" 2>&1
fi
if [[ $stage == all || $stage == export ]]; then
  for size in small large; do
    $py export_onnx.py "$work/$size.pt" --layout fused --out "$root/models/generator-$size"
    $py export_onnx.py "$work/$size.pt" --out "$root/tests/Ttc.Inference.Tests/Fixtures/optimum/generator-$size"
    $py evaluate.py "$work/$size.pt" --test "$test_set" --limit 500 --out "$root/models/generator-$size/eval.json"
    cp "$work/$size.curve.jsonl" "$root/models/generator-$size/curve.jsonl"
  done
  $py export_onnx.py "$work/prm.pt" --prm --out "$root/models/prm"
  # The same PRM without a KV cache (scored from scratch): the reference the incremental one is tested against.
  $py export_onnx.py "$work/prm.pt" --prm --full --out "$root/tests/Ttc.Inference.Tests/Fixtures/prm-full"
  $py -c "import json,torch; e=torch.load('$work/prm.pt')['extra']; e.pop('opt', None); print(json.dumps(e, indent=1))" \
    > "$root/models/prm/training.json"
  $py plot_curves.py "$root/models"
  $py model_card.py "$root/models"
fi
