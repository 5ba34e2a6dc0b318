"""Train a generator (small or large) on gold step-by-step solutions. Seeded and resumable.

One recipe for every size (common.recipe): AdamW, linear warmup, cosine cooldown to a floor, peak
learning rate scaled as 1/width. Every --eval-every steps the dev split is measured (loss per
assistant token on its gold solutions, greedy accuracy per level) and a row goes to <out>.curve.jsonl
with the step, training tokens and training FLOPs (6 x parameters x tokens). The checkpoint with the
best dev greedy accuracy is kept as <out> (selection on dev, never on the held-out set, whose problems
are only read to be excluded from training); <out>.last.pt is what a resumed run continues from.
"""
from __future__ import annotations

import argparse
import json
import math
import random
import time
from pathlib import Path

import torch
import torch.nn.functional as F

import common
import task
import vocab
from evaluate import accuracy
from model import Llama


def batches(rng: random.Random, exclude: set[str], batch: int):
    """Endless level-homogeneous batches (so padding stays small)."""
    while True:
        level = rng.randint(1, 5)
        probs = []
        while len(probs) < batch:
            p = task.make_problem(rng, level)
            if p.text not in exclude:
                probs.append(p)
        yield [vocab.prompt_ids(p.text) + vocab.encode(task.solution(p)) + [vocab.EOS_ID] for p in probs]


def lm_loss(model: Llama, seqs: list[list[int]], reduction: str = "mean") -> torch.Tensor:
    """Next-token loss on the assistant turn, through the LM head (also of a PRM that keeps one)."""
    ids, mask, pos = common.pad_batch(seqs)
    states, _ = model(ids, mask, pos, hidden=True)
    logits = model.lm_head(states)
    targets = ids[:, 1:].clone()
    # Learn the assistant turn only: mask the prompt and the padding.
    for i, s in enumerate(seqs):
        a = s.index(vocab.ASSISTANT_ID)
        targets[i, :a] = -100
    targets[mask[:, 1:] == 0] = -100
    return F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=-100,
                           reduction=reduction)


def lr_at(step: int, total: int, peak: float, warmup: int, floor: float = 0.1) -> float:
    """Linear warmup, then cosine from the peak down to floor x peak at the last step."""
    if step < warmup:
        return peak * (step + 1) / warmup
    return peak * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, total - warmup))))


@torch.no_grad()
def dev_metrics(model: Llama, rows: list[dict]) -> dict:
    """Dev loss per assistant token (gold solutions) and greedy accuracy, overall and per level."""
    model.eval()
    total, count = 0.0, 0
    for i in range(0, len(rows), 100):
        seqs = [vocab.prompt_ids(r["problem"]) + vocab.encode(r["solution"]) + [vocab.EOS_ID] for r in rows[i:i + 100]]
        total += lm_loss(model, seqs, reduction="sum").item()
        count += sum(len(s) - s.index(vocab.ASSISTANT_ID) - 1 for s in seqs)
    overall, per = accuracy(model, rows)
    model.train()
    return {"dev_loss": total / count, "dev_greedy": overall, "dev_greedy_per_level": per}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", choices=list(common.SIZES), required=True)
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, help="peak learning rate (default: the recipe's, scaled to width)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--test", type=Path, required=True, help="held-out JSONL whose problems are never trained on")
    ap.add_argument("--dev", type=Path, required=True, help="dev JSONL: never trained on, used for curves and selection")
    ap.add_argument("--dev-limit", type=int, default=250)
    ap.add_argument("--eval-every", type=int, default=250)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--stop", type=int, help="stop after this step (its checkpoint saved); a later run with other --steps "
                    "continues from there on the new schedule, as the shipped generators were extended from 3000 to 4000 steps")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    common.seed_all(args.seed)
    read = lambda f: [json.loads(line) for line in f.read_text().splitlines() if line.strip()]
    dev = read(args.dev)[: args.dev_limit]
    exclude = {r["problem"] for r in read(args.test)} | {r["problem"] for r in read(args.dev)}
    recipe = common.recipe(args.size, args.steps)
    if args.lr:
        recipe["lr"] = args.lr
    model = Llama(common.config_for(args.size))
    params = model.param_count()
    opt = torch.optim.AdamW(model.parameters(), lr=recipe["lr"], weight_decay=0.01, betas=(0.9, 0.98))
    last, curve = args.out.with_suffix(".last.pt"), args.out.with_suffix(".curve.jsonl")
    start, tokens, best, elapsed = 0, 0, -1.0, 0.0
    if last.exists():  # resume
        ck = torch.load(last)
        model.load_state_dict(ck["state"])
        opt.load_state_dict(ck["extra"]["opt"])
        start, tokens, best, elapsed = (ck["extra"][k] for k in ("step", "tokens", "best_dev_greedy", "seconds"))
        rows = [r for r in read(curve) if r["step"] <= start] if curve.exists() else []
        curve.write_text("".join(json.dumps(r) + "\n" for r in rows))
    elif curve.exists():
        curve.unlink()
    rng = random.Random(args.seed * 1000 + start)  # resumed runs continue with fresh data
    gen = batches(rng, exclude, args.batch)
    print(f"{args.size}: {params} parameters, steps {start}..{args.steps}, recipe {recipe}", flush=True)

    def record(step: int) -> None:
        nonlocal best
        m = dev_metrics(model, dev)
        row = {"step": step, "tokens": tokens, "flops": 6 * params * tokens, "seconds": round(elapsed, 1), **m}
        with curve.open("a") as f:
            f.write(json.dumps(row) + "\n")
        print(f"dev step {step}: loss {m['dev_loss']:.4f} greedy {m['dev_greedy']:.3f} "
              + " ".join(f"L{k}:{v:.2f}" for k, v in m["dev_greedy_per_level"].items()), flush=True)
        extra = {"step": step, "tokens": tokens, "trained_sequences": step * args.batch, "training_flops": 6 * params * tokens,
                 "recipe": recipe, "batch": args.batch, "seconds": round(elapsed, 1), **m}
        if m["dev_greedy"] > best:
            best = m["dev_greedy"]
            common.save(model, args.out, extra)

    if start == 0:
        record(0)
    t0 = time.time()
    for step in range(start, min(args.steps, args.stop or args.steps)):
        for g in opt.param_groups:
            g["lr"] = lr_at(step, args.steps, recipe["lr"], recipe["warmup"], recipe["floor"])
        seqs = next(gen)
        loss = lm_loss(model, seqs)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        tokens += sum(len(s) for s in seqs)
        done = step + 1
        if done % 50 == 0:
            now = time.time()
            elapsed, t0 = elapsed + now - t0, now
            print(f"step {done} loss {loss.item():.4f} lr {opt.param_groups[0]['lr']:.2e} {elapsed:.0f}s", flush=True)
        if done % args.eval_every == 0 or done == args.steps:
            record(done)
        if done % 100 == 0 or done == args.steps or done == args.stop:
            common.save(model, last, {"opt": opt.state_dict(), "step": done, "tokens": tokens, "best_dev_greedy": best,
                                      "seconds": round(elapsed + time.time() - t0, 1)})


if __name__ == "__main__":
    main()
