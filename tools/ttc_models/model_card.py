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
    "with `bash tools/train_models.sh` (seeded; about 1.5 h on 2 cores with Debian's python3-torch).",
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
lines += [
    f"| `prm` | the large generator's backbone with a 2-class head read at `<extra_0>` after each step (Qwen2.5-Math-PRM convention) | "
    f"{prm.get('parameters', 0):,} | {prm['trained_solutions']:,} solutions sampled from the small generator (T = 0.8) plus gold ones, "
    f"{prm['share_of_correct_steps']:.0%} of steps correct | held-out step accuracy {prm['held_out_step_accuracy']:.1%} | |",
    "",
    "Both generators saw the same data with the same recipe (AdamW, cosine schedule, the same steps and",
    "batch size); the large one has about 8x the parameters. Files per folder: `model.onnx`,",
    "`config.json` (Hugging Face field names), `tokenizer.json` (character level, as a BPE with no",
    "merges), `tokenizer_config.json` (special tokens and chat template), and `eval.json` /",
    "`training.json` with the figures above.",
    "",
]
(root / "README.md").write_text("\n".join(lines))
print("\n".join(lines))
