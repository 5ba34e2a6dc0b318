"""Write models/README.md from the training and evaluation records beside the models.

Reads generator-{small,large}/{config,eval}.json and curve.jsonl, prm/training.json, and, where they
exist, the CLI's eval/heldout*/summary.json (the search results on the held-out set).
"""
import json
import sys
from pathlib import Path

import task

root = Path(sys.argv[1] if len(sys.argv) > 1 else "models")
SIZES = ("small", "large")
gens = {s: json.loads((root / f"generator-{s}" / "eval.json").read_text()) for s in SIZES}
cfgs = {s: json.loads((root / f"generator-{s}" / "config.json").read_text()) for s in SIZES}
curves = {s: [json.loads(line) for line in (root / f"generator-{s}" / "curve.jsonl").read_text().splitlines() if line.strip()]
          for s in SIZES}
prm = json.loads((root / "prm" / "training.json").read_text())
held = prm.get("held_out", {})
small, large = gens["small"], gens["large"]
ratio = large["parameters"] / small["parameters"]


def pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def levels(per: dict) -> str:
    return " / ".join(f"{100 * v:.0f}%" for _, v in sorted(per.items(), key=lambda kv: int(kv[0])))


def arch(c: dict) -> str:
    return (f"Llama: {c['num_hidden_layers']} layers, hidden {c['hidden_size']}, {c['num_attention_heads']} heads "
            f"({c['num_key_value_heads']} KV), SwiGLU {c['intermediate_size']}")


def tail(rows: list[dict], k: int = 4) -> str:
    last = rows[-k:]
    return (f"{min(r['dev_greedy'] for r in last):.1%}-{max(r['dev_greedy'] for r in last):.1%} over steps "
            f"{last[0]['step']}-{last[-1]['step']}")


level_rows = "\n".join(f"| {lvl} | {task.OPERATIONS[lvl]} | {task.OPERAND_MAX[lvl]} |" for lvl in sorted(task.OPERAND_MAX))
lines = [
    "# Shipped models",
    "",
    "Tiny models trained here from scratch (no model hub is reachable), exported to ONNX in the",
    "Hugging Face Optimum decoder layout, so the same loader runs real exported models. Rebuild them",
    "with `bash tools/train_models.sh` (seeded, resumable; it lists how long each stage took). The shipped",
    "weights were trained on this project's 2-core CPU machine (AMD EPYC, AVX2, no GPU), each stage on one",
    "core with Debian's python3-torch 1.13, while the other core served .NET builds and tests.",
    "",
    "## The task",
    "",
    "`synthetic-test.jsonl` is the held-out set (500 problems, 100 per level, seeded, never trained on and",
    "never used to select anything), in the MATH-500 shape. A level's problems chain `+`, `-` and `*` (a",
    f"multiplier up to {task.MULTIPLIER_MAX}, only while the product stays under {task.VALUE_CAP}) left to right:",
    "",
    "| level | operations | operands up to |",
    "|---:|---:|---:|",
    level_rows,
    "",
    "Solutions are written as the real system prompt asks of Llama: `## Step k: a op b = c.` steps",
    "separated by a blank line, ending `Therefore, the final answer is: $\\boxed{N}$. I hope it is correct.`",
    "Every step is checkable, so PRM labels are automatic: a step is correct when its arithmetic is right",
    "and it builds on the correct previous result (after the first error, no step is correct). Training",
    "curves and checkpoint selection use a separate dev split (250 problems, 50 per level, another seed,",
    "disjoint from the held-out set; `tools/train_models.sh` writes it); training draws fresh problems and",
    "skips both sets' problems.",
    "",
    "**Why levels 4 and 5 changed (the setting in which capacity binds).** On the original levels (L4: 4",
    "operations on operands up to 20, L5: 5 up to 25) even a 61k-parameter model trained with this recipe",
    "reached 89.6% dev greedy accuracy (L4 88%, L5 70%) at step 4000 of a 6000-step run, and its remaining",
    "errors were nearly all a wrong tens digit after a carry or a borrow (`202 - 9 = 113`, `40 - 21 = 29`):",
    "the task did not reward size. Levels 4 and 5 now chain 5 and 6 operations on operands up to 50 and",
    "99, so running values reach three digits and most steps carry or borrow across digits, while levels",
    "1-3 are unchanged. Writing the result's digits most significant first, a model has to work out the",
    "carries before writing the first digit; a 2-layer model of width 48 cannot hold that for two- and",
    "three-digit operands, a 4-layer model of width 128 can.",
    "",
    "## Models",
    "",
    f"The large generator has {ratio:.1f}x the small one's parameters (the study compares Llama 3.2 1B with",
    "3.1 8B, 8x, and 3B with 70B, 23x). Training FLOPs are 6 x parameters x training tokens (prompt and",
    "solution tokens of every training sequence).",
    "",
    "| folder | architecture | parameters | training | training tokens | training FLOPs | selected on dev | held-out greedy (500) | L1..L5 |",
    "|---|---|---:|---|---:|---:|---|---:|---|",
]
for s in SIZES:
    e, r = gens[s], gens[s]["recipe"]
    lines.append(
        f"| `generator-{s}` | {arch(cfgs[s])} | {e['parameters']:,} | {r['steps']} steps of batch 32, peak lr {r['lr']:.2g} "
        f"| {e['training_tokens'] / 1e6:.1f}M | {e['training_flops']:.2e} | step {e['selected_step']} ({e['dev_greedy']:.1%} dev greedy) "
        f"| {pct(e['greedy_accuracy'])} | {levels(e['greedy_accuracy_per_level'])} |")
prm_backbone_tokens = prm.get("backbone_training_tokens", 0)
prm_tokens = prm_backbone_tokens + prm.get("prm_training_tokens", 0)
lines += [
    f"| `prm` | the large generator's backbone and LM head, with a 2-class head read at `<extra_0>` after each step "
    f"(Qwen2.5-Math-PRM convention) that sees the hidden state and the backbone's log-likelihood of the step and of "
    f"the solution so far | {prm['parameters']:,} | the large generator, then {prm['lm_steps']} LM steps on gold solutions "
    f"written with step tags, then {prm['head_steps']} head steps (backbone frozen) | {prm_tokens / 1e6:.1f}M "
    f"| {prm.get('prm_training_flops', 0) + large['training_flops']:.2e} | | same-problem pairwise "
    f"{pct(held.get('same_problem_pairwise_accuracy', 0))} | |",
    "",
    "**One recipe for both sizes** (`common.recipe`): AdamW (betas 0.9, 0.98, weight decay 0.01), batch",
    "32, gradient clipping at 1.0, 100 warmup steps, then a cosine cooldown to 2% of the peak at the last",
    "step, the peak learning rate scaled with width as 3e-3 x 64 / width (Adam's rule for hidden weights;",
    f"{small['recipe']['lr']:.1e} for the small model, {large['recipe']['lr']:.1e} for the large), both run for the same steps on",
    "the same stream of training problems (seed 7). The dev split is measured every 250 steps; the",
    "checkpoint with the best dev greedy accuracy ships.",
    "",
    "## Training curves",
    "",
    "Dev loss per solution token and dev greedy accuracy per level, against steps and against training",
    "FLOPs (`generator-*/curve.jsonl` has every point):",
    "",
    "![against steps](training-curves-steps.png)",
    "",
    "![against training FLOPs](training-curves-flops.png)",
    "",
    f"Over the last evaluations the small generator stays at {tail(curves['small'])} dev greedy, the large at",
    f"{tail(curves['large'])}.",
    "",
]
# The README's held-out runs (ttc eval): eval/heldout, and eval/heldout-256 for the n = 256 rows when present.
evals = [p for p in (root.parent / "eval" / "heldout" / "summary.json", root.parent / "eval" / "heldout-256" / "summary.json") if p.exists()]
if evals:
    rows = [r for p in evals for r in json.loads(p.read_text())["rows"]]
    lines += [
        "## Search on the held-out set",
        "",
        "From `ttc eval` runs on the first 100 held-out problems, 20 per level (`eval/heldout`, and",
        "`eval/heldout-256` for n = 256; the README has the commands). FLOPs per problem are 2 x generator",
        f"parameters x generated tokens plus 2 x PRM parameters ({prm['parameters']:,}) x PRM tokens.",
        "",
        "| generator | strategy | n | accuracy | L1..L5 | gen tokens / problem | PRM tokens / problem | FLOPs / problem |",
        "|---|---|---:|---:|---|---:|---:|---:|",
    ]
    for r in rows:
        per = {k: v["accuracy"] for k, v in r["accuracyPerDifficulty"].items()}
        lines.append(f"| {r['generator']} | {r['strategy']} | {r['n']} | {pct(r['accuracy'])} | {levels(per)} "
                     f"| {r['generatedTokensPerProblem']:.0f} | {r['prmTokensPerProblem']:.0f} | {r['flopsPerProblem']:.2e} |")
    lines.append("")
lines += [
    "## The PRM",
    "",
    f"Held-out figures come from {held.get('solutions', 0):,} solutions the small generator sampled (T = 0.8) for 300",
    "training-distribution problems whose solutions the PRM never saw: step accuracy",
    f"{pct(held.get('step_accuracy', 0))} (always guessing the majority class: {pct(held.get('majority_class_accuracy', 0))}), last-step AUC",
    f"{held.get('last_step_auc', 0):.3f}, and **a right solution outscores a wrong one of the same problem in",
    f"{pct(held.get('same_problem_pairwise_accuracy', 0))} of {held.get('same_problem_pairs', 0):,} pairs** (50% is chance; the PRM shipped with",
    "the earlier models, on the 0.43M generator's backbone, scored 97.6% on that generator's samples). The",
    f"head was fit on a mix ({prm['mix']}) of the small generator's samples (a pool of {prm['sampled_pool']:,},",
    f"{prm['share_of_correct_steps_in_samples']:.0%} of their steps correct), gold solutions and gold ones with one error put in.",
    "",
    "The PRM is built on the large generator, as the study's PRM (8B) is much larger than the 1B policy it",
    "steers: a verifier on the small generator's own backbone would inherit the small generator's blind",
    "spot, the very carries it gets wrong.",
    "",
    "**How the PRM checks a step.** Its head reads two things at each step tag: the backbone's hidden",
    "state there, and four numbers the graph computes from the backbone's own LM head: the",
    "log-likelihood of the step's written tokens (sum and least likely token) and of the whole solution",
    "so far (sum and minimum). A wrong digit is one the backbone did not expect, so these features carry",
    "the arithmetic check straight to the head. Training has two phases: LM steps on gold solutions",
    "written with `<extra_0>` between steps (the tag's embedding starts from a newline's, since the",
    "generator wrote a blank line there), then the backbone is frozen and the heads are fit on",
    "checker-labelled solutions. The ONNX graph has a KV cache and carries the features' running sums and",
    "minima in `prm_state` (the state after each token comes back in `prm_states`), so a beam's solution,",
    "scored again one step longer, costs only the new step (`export_onnx.py --prm --full` writes the",
    "whole-sequence layout of the same weights; `tests/Ttc.Inference.Tests/Fixtures/prm-full` is that file).",
    "",
    "What did not work, for the record (`train_prm.py`, a head on the hidden state alone, tried with the",
    "earlier models): with step labels, per-digit labels on each result, an LM loss beside the head, a tag",
    "embedding started from `.`, or a same-problem Bradley-Terry loss, every run reached 77-80% step",
    "accuracy and 0.86-0.90 last-step AUC by learning which problems are hard, but ranked a right and a",
    "wrong solution of the same problem at chance (40-59% pairwise), so search could not follow it.",
    "",
    "## Files",
    "",
    "Per folder: `model.onnx`, `config.json` (Hugging Face field names), `tokenizer.json` (character",
    "level, as a BPE with no merges), `tokenizer_config.json` (special tokens and chat template), and",
    "`eval.json` / `training.json` with the figures above; the generators also keep `curve.jsonl`.",
    "Grouped-query attention is exported without copying K and V per query head (the query heads that",
    "share a KV head are stacked instead), which gives the same outputs as the usual expand and decodes",
    "faster at large batches (see the README's benchmarks).",
    "",
]
(root / "README.md").write_text("\n".join(lines))
print("\n".join(lines))
