"""Train the likelihood-feature PRM: the small generator's backbone, its LM head kept, and a 2-class
head read at the step tags that sees the hidden state and the backbone's log-likelihood of the steps.

Why: every PRM trained by train_prm.py with a hidden-state head alone learned which problems are hard
but ranked a right and a wrong solution of the same problem at chance (50-51%), so it could not steer
a search. The generator's own likelihood of a solution ranks them right about 90% of the time, but
only in its own format; the PRM reads steps joined by the step tag instead of a blank line.

Phase 1 teaches the backbone the tag format: an LM loss on gold solutions written with tags, starting
from the generator's weights and the tag's embedding from the one of a newline.
Phase 2 freezes the backbone and fits the heads on checker-labelled solutions: samples from the small
generator (the same seeded pool train_prm.py draws, prm_data.py), gold ones, and gold ones with one error put in.
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


def lm_phase(model: Llama, problems, steps: int, lr: float, batch: int, rng: random.Random) -> None:
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    t0 = time.time()
    for step in range(steps):
        for gp in opt.param_groups:
            gp["lr"] = train_generator.lr_at(step, steps, lr, 20)
        chosen = [rng.choice(problems) for _ in range(batch)]
        loss = train_generator.lm_loss(model, [prm_data.prm_ids(p.text, task.solution_steps(p)) for p in chosen])
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if (step + 1) % 50 == 0:
            print(f"lm step {step + 1} loss {loss.item():.4f} {time.time() - t0:.0f}s", flush=True)


def head_phase(model: Llama, train, train_problems, steps: int, lr: float, batch: int, mix, rng: random.Random):
    heads = [p for m in (model.score, model.feature_head) for p in m.parameters()]
    for p in model.parameters():
        p.requires_grad_(False)
    for p in heads:
        p.requires_grad_(True)
    opt = torch.optim.AdamW(heads, lr=lr, weight_decay=0.0)
    t0 = time.time()
    for step in range(steps):
        for gp in opt.param_groups:
            gp["lr"] = train_generator.lr_at(step, steps, lr, 20)
        items = prm_data.mixed_batch(rng, batch, mix, train, train_problems)
        picked, labels = prm_data.prm_forward(model, items)
        loss = F.cross_entropy(picked, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if (step + 1) % 50 == 0:
            acc = (picked.argmax(-1) == labels).float().mean().item()
            print(f"head step {step + 1} loss {loss.item():.4f} acc {acc:.3f} {time.time() - t0:.0f}s", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--generator", type=Path, required=True, help="small generator checkpoint (backbone and samples)")
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
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    rng = common.seed_all(a.seed)
    problems, exclude, held, train, share = prm_data.labelled_data(a, rng)
    held_texts = {p.text for p in problems[:300]}
    gen_ck = torch.load(a.generator)
    cfg = dict(gen_ck["config"], num_labels=2, likelihood_features=1,
               step_tag_id=vocab.STEP_TAG_ID, solution_start_id=vocab.ASSISTANT_ID)
    model = Llama(LlamaConfig(**cfg))
    model.load_state_dict(gen_ck["state"], strict=False)
    with torch.no_grad():  # the tag stands where the generator wrote a blank line
        model.embed_tokens.weight[vocab.STEP_TAG_ID] = model.embed_tokens.weight[vocab.IDS["\n"]]
    lm_rng = random.Random(a.seed * 1000 + 1)
    lm_problems = problems[300:] + prm_data.training_problems(lm_rng, exclude | held_texts, 20000)
    lm_phase(model, lm_problems, a.lm_steps, a.lm_lr, a.batch, lm_rng)
    head_phase(model, train, problems[300:], a.head_steps, a.head_lr, a.batch,
               [float(x) for x in a.mix.split(",")], random.Random(a.seed * 1000 + 2))
    model.eval()
    held_out = prm_data.evaluate(model, held)
    print(f"held-out {json.dumps(held_out)}", flush=True)
    extra = {"parameters": model.param_count(), "lm_steps": a.lm_steps, "head_steps": a.head_steps,
             "trained_solutions": (a.lm_steps + a.head_steps) * a.batch, "sampled_pool": len(train),
             "share_of_correct_steps_in_samples": share, "mix": a.mix, "held_out": held_out}
    common.save(model, a.out, extra)


if __name__ == "__main__":
    main()
