"""Train a generator (small or large) on gold step-by-step solutions. Seeded and resumable."""
from __future__ import annotations

import argparse
import math
import random
import time
from pathlib import Path

import torch
import torch.nn.functional as F

import common
import task
import vocab
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


def lm_loss(model: Llama, seqs: list[list[int]]) -> torch.Tensor:
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
    return F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=-100)


def lr_at(step: int, total: int, peak: float, warmup: int) -> float:
    if step < warmup:
        return peak * (step + 1) / warmup
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, total - warmup))))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", choices=list(common.SIZES), required=True)
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--test", type=Path, required=True, help="held-out JSONL whose problems are never trained on")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--init", type=Path, help="checkpoint whose weights start a new schedule (a second training phase)")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    common.seed_all(args.seed)
    exclude = {__import__("json").loads(l)["problem"] for l in args.test.read_text().splitlines() if l.strip()}
    model = Llama(common.config_for(args.size))
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01, betas=(0.9, 0.98))
    start, before = 0, 0
    if args.init and not args.out.exists():
        init, extra = common.load(args.init)
        model.load_state_dict(init.state_dict())
        before = extra.get("trained_sequences", 0)
    if args.out.exists():  # resume
        ck = torch.load(args.out)
        model.load_state_dict(ck["state"])
        opt.load_state_dict(ck["extra"]["opt"])
        start = ck["extra"]["step"]
        before = ck["extra"].get("sequences_before", 0)
    rng = random.Random(args.seed * 1000 + start)  # resumed runs continue with fresh data
    gen = batches(rng, exclude, args.batch)
    print(f"{args.size}: {model.param_count()} parameters, steps {start}..{args.steps}", flush=True)
    t0, tokens = time.time(), 0
    for step in range(start, args.steps):
        for g in opt.param_groups:
            g["lr"] = lr_at(step, args.steps, args.lr, 50)
        seqs = next(gen)
        loss = lm_loss(model, seqs)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        tokens += sum(len(s) for s in seqs)
        if (step + 1) % 25 == 0:
            print(f"step {step + 1} loss {loss.item():.4f} tok/s {tokens / (time.time() - t0):.0f}", flush=True)
        if (step + 1) % 100 == 0 or step + 1 == args.steps:
            common.save(model, args.out, {"opt": opt.state_dict(), "step": step + 1,
                                          "trained_sequences": before + (step + 1) * args.batch,
                                          "sequences_before": before})


if __name__ == "__main__":
    main()
