"""Write models/README.md from the evaluation and training records beside the models."""
import json
import sys
from pathlib import Path

import task

root = Path(sys.argv[1] if len(sys.argv) > 1 else "models")
gens = {s: json.loads((root / f"generator-{s}" / "eval.json").read_text()) for s in ("small", "large")}
prm = json.loads((root / "prm" / "training.json").read_text())
prm_cfg = json.loads((root / "prm" / "config.json").read_text())
lines = [
    "# Shipped models",
    "",
    "Tiny models trained here from scratch (no model hub is reachable), exported to ONNX in the",
    "Hugging Face Optimum decoder layout, so the same loader runs real exported models. Rebuild them",
    "with `bash tools/train_models.sh` (seeded; about 3 h on 2 cores with Debian's python3-torch).",
    "",
    "## The task",
    "",
    "`synthetic-test.jsonl` is the held-out set (500 problems, 100 per level, never trained on), in",
    "the MATH-500 shape. Level L has L operations (`+`, `-`, `*`) on operands up to "
    + ", ".join(f"{v} (L{k})" for k, v in task.OPERAND_MAX.items()) + "; solutions are written as the",
    "real system prompt asks of Llama: `## Step k: a op b = c.` steps separated by a blank line, ending",
    "`Therefore, the final answer is: $\\boxed{N}$. I hope it is correct.` Every step is checkable, so",
    "PRM labels are automatic: a step is correct when its arithmetic is right and it builds on the",
    "correct previous result (after the first error, no step is correct).",
    "",
    "## Models",
    "",
    "| folder | architecture | parameters | training data | greedy accuracy (250 held-out problems) | per level L1..L5 |",
    "|---|---|---:|---|---:|---|",
]
for s, e in gens.items():
    cfg = json.loads((root / f"generator-{s}" / "config.json").read_text())
    arch = f"Llama: {cfg['num_hidden_layers']} layers, hidden {cfg['hidden_size']}, {cfg['num_attention_heads']} heads ({cfg['num_key_value_heads']} KV), SwiGLU {cfg['intermediate_size']}"
    per = " / ".join(f"{v:.0%}" for v in e["greedy_accuracy_per_level"].values())
    lines.append(f"| `generator-{s}` | {arch} | {e['parameters']:,} | {e['trained_sequences']:,} gold solutions | {e['greedy_accuracy']:.1%} | {per} |")
held = prm.get("held_out", {})
lines += [
    f"| `prm` | the small generator's backbone and LM head, with a 2-class head read at `<extra_0>` after each step (Qwen2.5-Math-PRM convention) "
    f"that sees the hidden state and the backbone's log-likelihood of the step and of the solution so far | "
    f"{prm.get('parameters', 0):,} | {prm['lm_steps']} LM steps on gold solutions written with step tags, then {prm['head_steps']} head steps on "
    f"{prm['mix']} shares of samples from the small generator (T = 0.8, a pool of {prm['sampled_pool']:,}, "
    f"{prm['share_of_correct_steps_in_samples']:.0%} of their steps correct), gold ones and gold ones with one error put in; {prm['trained_solutions']:,} solutions in all | "
    f"held-out step accuracy {held.get('step_accuracy', 0):.1%} (always guessing the majority class: {held.get('majority_class_accuracy', 0):.1%}); "
    f"last-step AUC {held.get('last_step_auc', 0):.3f} on {held.get('solutions', 0):,} sampled solutions of held-out problems; a right solution "
    f"outscores a wrong one of the same problem in {held.get('same_problem_pairwise_accuracy', 0):.1%} of {held.get('same_problem_pairs', 0)} pairs (50% is chance) | |",
    "",
    "Both generators saw the same amount of data from the same distribution with the same recipe (AdamW,",
    "two cosine phases: 1200 steps at peak lr 2e-3, then 1000 at 1e-3, batch 32); the large one has",
    "about 8x the parameters, yet it is still the weaker one after the same number of steps. A third",
    "phase with the same recipe for both (1000 steps at peak lr 5e-4, seed 9) was tried and not shipped:",
    "the small generator rose to 92.8% greedy (L5: 70%), no longer the deliberately imperfect model the",
    "search needs headroom on, while the large one, checked at step 200 of that phase, had fallen to",
    "46.4%; the run was stopped there.",
    "",
    "**How the PRM checks a step.** Its head reads two things at each step tag: the backbone's hidden",
    "state there, and four numbers the graph computes from the backbone's own LM head: the",
    "log-likelihood of the step's written tokens (sum and least likely token) and of the whole solution",
    "so far (sum and minimum). A wrong digit is one the backbone did not expect, so these features carry",
    "the arithmetic check straight to the head. Training has two phases: 400 LM steps on gold solutions",
    "written with `<extra_0>` between steps (the tag's embedding starts from a newline's, since the",
    "generator wrote a blank line there), then the backbone is frozen and the heads are fit on",
    "checker-labelled solutions. The ONNX graph takes the full sequence (no KV cache), like any PRM here.",
    "Held-out figures come from 300 training-distribution problems whose solutions the PRM never saw.",
    "",
    "What did not work, for the record (`train_prm.py`, a head on the hidden state alone): with step",
    "labels, per-digit labels on each result, an LM loss beside the head, a tag embedding started from",
    "`.`, or a same-problem Bradley-Terry loss, every run reached 77-80% step accuracy and 0.86-0.90",
    "last-step AUC by learning which problems are hard, but ranked a right and a wrong solution of the",
    "same problem at chance (40-59% pairwise), so search could not follow it. Files per folder: `model.onnx`,",
    "`config.json` (Hugging Face field names), `tokenizer.json` (character level, as a BPE with no",
    "merges), `tokenizer_config.json` (special tokens and chat template), and `eval.json` /",
    "`training.json` with the figures above. Grouped-query attention is exported without copying K and V",
    "per query head (the query heads that share a KV head are stacked instead), which gives the same",
    "outputs as the usual expand and decodes faster at large batches (see the README's benchmarks).",
    "",
    "How the shipped files were made: phase 1 of the generators is the run shipped before (its weights",
    "were read back from the ONNX files by `recover_checkpoint.py`, which checks that exporting them again",
    "gives identical initializers); phase 2 and the PRM ran here with the commands in",
    "`tools/train_models.sh`, each on one core. The large generator's phase 2 was restarted once from its",
    "step-100 checkpoint, so after step 100 it drew fresh problems of the same distribution rather than",
    "the small one's. The PRM's backbone is the phase-2 small generator read back the same way.",
    "",
]
(root / "README.md").write_text("\n".join(lines))
print("\n".join(lines))
