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
    "with `bash tools/train_models.sh` (seeded; about 3.5 h on 2 cores with Debian's python3-torch).",
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
    f"| `prm` | the small generator's backbone with a 2-class head read at `<extra_0>` after each step (Qwen2.5-Math-PRM convention) | "
    f"{prm.get('parameters', 0):,} | {prm['trained_solutions']:,} solutions: {prm['mix']} shares of samples from the small generator "
    f"(T = 0.8, a pool of {prm['sampled_pool']:,}, {prm['share_of_correct_steps_in_samples']:.0%} of their steps correct), gold ones and gold ones with one error put in | "
    f"held-out step accuracy {held.get('step_accuracy', 0):.1%} (always guessing the majority class: {held.get('majority_class_accuracy', 0):.1%}); "
    f"last-step AUC {held.get('last_step_auc', 0):.3f} on {held.get('solutions', 0):,} sampled solutions of held-out problems, but a right solution "
    f"outscores a wrong one of the same problem in only {held.get('same_problem_pairwise_accuracy', 0):.1%} of {held.get('same_problem_pairs', 0)} pairs (50% is chance) | |",
    "",
    "Both generators saw the same amount of data from the same distribution with the same recipe (AdamW,",
    "two cosine phases: 1200 steps at peak lr 2e-3, then 1000 at 1e-3, batch 32); the large one has",
    "about 8x the parameters. The PRM is as small as the small generator because a 3M PRM on the",
    "large backbone trained at 5.7 s a step on one core here, too slow for the time there was; one-error solutions (a wrong result,",
    "a mis-copied operand or operator, a boxed answer that is not the last result) make up for the",
    "errors the samples rarely show. Besides the step labels, each digit of a step's result is labelled",
    "(is it still the right number?), the step's last character carries the step label, and an LM loss on",
    "right solutions keeps the backbone's arithmetic; the step tag's embedding starts from the one of `.`.",
    "**This PRM does not check arithmetic.** Its high AUC comes from knowing which problems are hard: between",
    "solutions of the same problem it is at chance, so it cannot steer a search (see the README's results).",
    "Step labels alone did no better (50.6% same-problem pairwise accuracy after 2250 steps). Files per folder: `model.onnx`,",
    "`config.json` (Hugging Face field names), `tokenizer.json` (character level, as a BPE with no",
    "merges), `tokenizer_config.json` (special tokens and chat template), and `eval.json` /",
    "`training.json` with the figures above.",
    "",
    "How the shipped files were made: phase 1 is the run shipped before (its weights were read back from",
    "the ONNX files by `recover_checkpoint.py`, which checks that exporting them again gives identical",
    "initializers); phase 2 and the PRM ran here with the commands in `tools/train_models.sh`, each",
    "on one core. The large generator's phase 2 was restarted once from its step-100 checkpoint, so",
    "after step 100 it drew fresh problems of the same distribution rather than the small one's.",
    "",
]
(root / "README.md").write_text("\n".join(lines))
print("\n".join(lines))
