"""Plot the generators' training curves (dev loss, dev greedy accuracy per level) against steps and FLOPs.

Reads <models>/generator-{small,large}/curve.jsonl (written by train_generator.py) and writes
<models>/training-curves-steps.png and <models>/training-curves-flops.png.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

STYLE = {"small": "--", "large": "-"}
LEVEL_COLORS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e"]


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def plot(curves: dict, x_key: str, x_label: str, out: Path, params: dict) -> None:
    fig, (ax_loss, ax_all, ax_lvl) = plt.subplots(1, 3, figsize=(17, 5))
    for size, rows in curves.items():
        rows = [r for r in rows if r["step"] > 0] if x_key == "flops" else rows
        xs = [r[x_key] for r in rows]
        label = f"{size} ({params[size] / 1e6:.2f}M params)"
        ax_loss.plot(xs, [r["dev_loss"] for r in rows], STYLE[size], color="k", label=label)
        ax_all.plot(xs, [100 * r["dev_greedy"] for r in rows], STYLE[size], color="k", label=label)
        for i, level in enumerate(sorted(rows[-1]["dev_greedy_per_level"], key=int)):
            ax_lvl.plot(xs, [100 * r["dev_greedy_per_level"][level] for r in rows], STYLE[size],
                        color=LEVEL_COLORS[i], label=f"{size} L{level}")
    ax_loss.set_yscale("log")
    ax_loss.set_ylabel("dev loss per solution token (nats)")
    ax_all.set_ylabel("dev greedy accuracy, all levels (%)")
    ax_lvl.set_ylabel("dev greedy accuracy per level (%)")
    for ax in (ax_loss, ax_all, ax_lvl):
        ax.set_xlabel(x_label)
        if x_key == "flops":
            ax.set_xscale("log")
        ax.grid(alpha=0.3)
    ax_loss.legend()
    ax_all.legend()
    ax_lvl.legend(ncol=2, fontsize=8)
    fig.suptitle("Generators on the dev split (250 problems, 50 per level): small dashed, large solid")
    fig.tight_layout()
    fig.savefig(out, dpi=80)
    print(f"wrote {out}")


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "models")
    curves = {s: read(root / f"generator-{s}" / "curve.jsonl") for s in ("small", "large")}
    params = {s: json.loads((root / f"generator-{s}" / "eval.json").read_text())["parameters"] for s in curves}
    plot(curves, "step", "training steps (batch 32)", root / "training-curves-steps.png", params)
    plot(curves, "flops", "training FLOPs (6 x parameters x tokens)", root / "training-curves-flops.png", params)


if __name__ == "__main__":
    main()
