"""Greedy accuracy per level (and pass@k by sampling) of a generator checkpoint on the held-out set."""
from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

import torch

import common
import task
import vocab
from sampling import generate


def accuracy(model, rows, temperature=0.0, samples=1, seed=0, batch=100):
    g = torch.Generator().manual_seed(seed)
    hit, tot = defaultdict(int), defaultdict(int)
    for i in range(0, len(rows), batch):
        chunk = rows[i:i + batch]
        prompts = [vocab.prompt_ids(r["problem"]) for r in chunk for _ in range(samples)]
        outs = generate(model, prompts, temperature=temperature, generator=g)
        for j, r in enumerate(chunk):
            preds = [task.extract_answer(vocab.decode(o)) for o in outs[j * samples:(j + 1) * samples]]
            ok = any(p is not None and str(p) == r["answer"] for p in preds)
            hit[r["level"]] += ok
            tot[r["level"]] += 1
    per = {lvl: hit[lvl] / tot[lvl] for lvl in sorted(tot)}
    return sum(hit.values()) / sum(tot.values()), per


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("checkpoint", type=Path)
    ap.add_argument("--test", type=Path, required=True)
    ap.add_argument("--limit", type=int, default=500)
    ap.add_argument("--pass-k", type=int, default=0)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    model, extra = common.load(a.checkpoint)
    rows = [json.loads(l) for l in a.test.read_text().splitlines() if l.strip()][: a.limit]
    overall, per = accuracy(model, rows)
    result = {"parameters": model.param_count(), "trained_sequences": extra.get("trained_sequences"),
              "training_tokens": extra.get("tokens"), "training_flops": extra.get("training_flops"),
              "selected_step": extra.get("step"), "recipe": extra.get("recipe"), "dev_greedy": extra.get("dev_greedy"),
              "problems": len(rows), "greedy_accuracy": overall, "greedy_accuracy_per_level": per}
    if a.pass_k:
        po, pp = accuracy(model, rows, temperature=0.8, samples=a.pass_k)
        result[f"pass@{a.pass_k}"] = po
        result[f"pass@{a.pass_k}_per_level"] = pp
    print(json.dumps(result, indent=1))
    if a.out:
        common.write_json(a.out, result)


if __name__ == "__main__":
    main()
