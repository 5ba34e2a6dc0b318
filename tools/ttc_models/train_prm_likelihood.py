"""Train the likelihood-feature PRM: a generator's backbone, its LM head kept, and a 2-class head read at
the step tags that sees the hidden state and the backbone's log-likelihood of the steps.

Why: every PRM trained by train_prm.py with a hidden-state head alone learned which problems are hard
but ranked a right and a wrong solution of the same problem at chance (50-51%), so it could not steer
a search. A generator's own likelihood of a solution ranks them right most of the time, but only in
its own format; the PRM reads steps joined by the step tag instead of a blank line.

The backbone (--backbone) is the large generator: like the study's PRM, which is much larger than the
1B policy it steers, it checks arithmetic the small generator gets wrong. The labelled samples come
from the small generator (--generator), whose errors the search has to catch.

Phase 1 teaches the backbone the tag format: an LM loss on gold solutions written with tags, starting
from the generator's weights and the tag's embedding from the one of a newline.
Phase 2 freezes the backbone and fits the heads on checker-labelled solutions: samples from the small
generator (the same seeded pool train_prm.py draws, prm_data.py), gold ones, and gold ones with one error put in.
Seeded and resumable: the sample pool, and a checkpoint every 100 steps of either phase, are written beside --out.
"""
from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import torch
import torch.nn.functional as F

import common
import task
import prm_data
import train_generator
import vocab
from model import Llama, LlamaConfig


def resume(model: Llama, opt, part: Path, phase: str) -> tuple[int, int]:
    """Loads the phase's last checkpoint, if any; returns the step to continue from and the tokens so far."""
    if not part.exists():
        return 0, 0
    ck = torch.load(part)
    if ck["extra"]["phase"] != phase:
        return 0, 0
    model.load_state_dict(ck["state"])
    opt.load_state_dict(ck["extra"]["opt"])
    print(f"{phase}: resumed at step {ck['extra']['step']}", flush=True)
    return ck["extra"]["step"], ck["extra"]["tokens"]


def lm_phase(model: Llama, problems, steps: int, lr: float, batch: int, seed: int, part: Path) -> int:
    """Returns the tokens trained on."""
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    if part.exists() and torch.load(part)["extra"]["phase"] == "head":
        return torch.load(part)["extra"]["lm_tokens"]
    start, tokens = resume(model, opt, part, "lm")
    rng = random.Random(seed + start)  # a resumed run draws fresh problems
    t0 = time.time()
    for step in range(start, steps):
        for gp in opt.param_groups:
            gp["lr"] = train_generator.lr_at(step, steps, lr, 20)
        chosen = [rng.choice(problems) for _ in range(batch)]
        seqs = [prm_data.prm_ids(p.text, task.solution_steps(p)) for p in chosen]
        tokens += sum(len(x) for x in seqs)
        loss = train_generator.lm_loss(model, seqs)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if (step + 1) % 50 == 0:
            print(f"lm step {step + 1} loss {loss.item():.4f} {time.time() - t0:.0f}s", flush=True)
        if (step + 1) % 100 == 0 or step + 1 == steps:
            common.save(model, part, {"phase": "lm", "step": step + 1, "opt": opt.state_dict(), "tokens": tokens})
    return tokens


def head_phase(model: Llama, train, train_problems, steps: int, lr: float, batch: int, mix, seed: int, part: Path,
               lm_tokens: int) -> int:
    """Returns the tokens the heads were fit on (a forward pass of the frozen backbone each)."""
    heads = [p for m in (model.score, model.feature_head) for p in m.parameters()]
    for p in model.parameters():
        p.requires_grad_(False)
    for p in heads:
        p.requires_grad_(True)
    opt = torch.optim.AdamW(heads, lr=lr, weight_decay=0.0)
    start, tokens = resume(model, opt, part, "head")
    rng = random.Random(seed + start)
    t0 = time.time()
    for step in range(start, steps):
        for gp in opt.param_groups:
            gp["lr"] = train_generator.lr_at(step, steps, lr, 20)
        items = prm_data.mixed_batch(rng, batch, mix, train, train_problems)
        tokens += sum(len(prm_data.prm_ids(q, st)) for q, st, _ in items)
        picked, labels = prm_data.prm_forward(model, items)
        loss = F.cross_entropy(picked, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if (step + 1) % 50 == 0:
            acc = (picked.argmax(-1) == labels).float().mean().item()
            print(f"head step {step + 1} loss {loss.item():.4f} acc {acc:.3f} {time.time() - t0:.0f}s", flush=True)
        if (step + 1) % 100 == 0 or step + 1 == steps:
            common.save(model, part, {"phase": "head", "step": step + 1, "opt": opt.state_dict(), "tokens": tokens,
                                      "lm_tokens": lm_tokens})
    return tokens


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--generator", type=Path, required=True, help="generator whose samples are labelled (the small one)")
    ap.add_argument("--backbone", type=Path, help="checkpoint the PRM starts from (default: --generator)")
    ap.add_argument("--test", type=Path, required=True)
    ap.add_argument("--problems", type=int, default=2000)
    ap.add_argument("--per-problem", type=int, default=4)
    ap.add_argument("--temperature", type=float, default=0.8)
    ap.add_argument("--lm-steps", type=int, default=400)
    ap.add_argument("--lm-lr", type=float, default=5e-4)
    ap.add_argument("--head-steps", type=int, default=600)
    ap.add_argument("--head-lr", type=float, default=1e-2)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--mix", default="0.5,0.15,0.35", help="shares of sampled, gold and one-error solutions")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    rng = common.seed_all(a.seed)
    problems, exclude, held, train, share = prm_data.labelled_data(a, rng)
    held_texts = {p.text for p in problems[:300]}
    backbone = a.backbone or a.generator
    gen_ck = torch.load(backbone)
    cfg = dict(gen_ck["config"], num_labels=2, likelihood_features=1,
               step_tag_id=vocab.STEP_TAG_ID, solution_start_id=vocab.ASSISTANT_ID)
    model = Llama(LlamaConfig(**cfg))
    model.load_state_dict(gen_ck["state"], strict=False)
    with torch.no_grad():  # the tag stands where the generator wrote a blank line
        model.embed_tokens.weight[vocab.STEP_TAG_ID] = model.embed_tokens.weight[vocab.IDS["\n"]]
    lm_rng = random.Random(a.seed * 1000 + 1)
    lm_problems = problems[300:] + prm_data.training_problems(lm_rng, exclude | held_texts, 20000)
    part = a.out.with_suffix(".part.pt")
    t0 = time.time()
    lm_tokens = lm_phase(model, lm_problems, a.lm_steps, a.lm_lr, a.batch, a.seed * 1000 + 1, part)
    head_tokens = head_phase(model, train, problems[300:], a.head_steps, a.head_lr, a.batch,
                             [float(x) for x in a.mix.split(",")], a.seed * 1000 + 2, part, lm_tokens)
    model.eval()
    held_out = prm_data.evaluate(model, held)
    print(f"held-out {json.dumps(held_out)}", flush=True)
    gen_extra = gen_ck.get("extra", {})
    params = model.param_count()
    extra = {"parameters": model.param_count(), "backbone": str(backbone.name), "sampler": str(a.generator.name),
             "lm_steps": a.lm_steps, "head_steps": a.head_steps,
             "trained_solutions": (a.lm_steps + a.head_steps) * a.batch, "sampled_pool": len(train),
             "share_of_correct_steps_in_samples": share, "mix": a.mix, "held_out": held_out,
             "backbone_training_tokens": gen_extra.get("tokens", 0), "backbone_training_flops": gen_extra.get("training_flops", 0),
             "prm_training_tokens": lm_tokens + head_tokens,
             # LM phase: forward and backward through everything; head phase: a forward pass of the frozen backbone.
             "prm_training_flops": 6 * params * lm_tokens + 2 * params * head_tokens,
             "seconds_this_run": round(time.time() - t0, 1)}
    common.save(model, a.out, extra)


if __name__ == "__main__":
    main()
