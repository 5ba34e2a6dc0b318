"""Train the PRM: a 2-class head read at the step-tag positions (the Qwen2.5-Math-PRM convention).

The data is sampled from the small generator on training problems and labelled by the checker;
the backbone starts from a trained generator so the head learns on top of its arithmetic.
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
import vocab
from model import Llama, LlamaConfig
from sampling import generate


def prm_ids(problem: str, steps: list[str]) -> list[int]:
    ids = vocab.prompt_ids(problem)
    for s in steps:
        ids += vocab.encode(s) + [vocab.STEP_TAG_ID]
    return ids


def sample_data(gen_model, rng: random.Random, exclude: set[str], problems: int, per: int, seed: int):
    g = torch.Generator().manual_seed(seed)
    probs = []
    while len(probs) < problems:
        p = task.make_problem(rng, rng.randint(1, 5))
        if p.text not in exclude:
            probs.append(p)
    data = []
    for i in range(0, len(probs), 64):
        chunk = probs[i:i + 64]
        outs = generate(gen_model, [vocab.prompt_ids(p.text) for p in chunk for _ in range(per)], temperature=0.8, generator=g)
        for j, p in enumerate(chunk):
            for o in outs[j * per:(j + 1) * per]:
                steps = [s for s in vocab.decode(o).split(task.STEP_SEPARATOR) if s.strip()]
                if steps:
                    data.append((p.text, steps, task.step_labels(p, steps)))
            gold = task.solution_steps(p)
            data.append((p.text, gold, task.step_labels(p, gold)))
        print(f"sampled {min(i + 64, len(probs))}/{len(probs)}", flush=True)
    return data


def prm_loss(model: Llama, items) -> tuple[torch.Tensor, float]:
    seqs = [prm_ids(q, s) for q, s, _ in items]
    ids, mask, pos = common.pad_batch(seqs)
    logits, _ = model(ids, mask, pos)
    sel = ids == vocab.STEP_TAG_ID
    labels = torch.tensor([l for _, _, ls in items for l in ls])
    picked = logits[sel]
    loss = F.cross_entropy(picked, labels)
    acc = (picked.argmax(-1) == labels).float().mean().item()
    return loss, acc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--generator", type=Path, required=True, help="checkpoint that writes the samples (small)")
    ap.add_argument("--backbone", type=Path, required=True, help="checkpoint the PRM starts from")
    ap.add_argument("--test", type=Path, required=True)
    ap.add_argument("--problems", type=int, default=1600)
    ap.add_argument("--per-problem", type=int, default=4)
    ap.add_argument("--steps", type=int, default=400)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    torch.set_num_threads(2)
    rng = common.seed_all(a.seed)
    exclude = {json.loads(l)["problem"] for l in a.test.read_text().splitlines() if l.strip()}
    gen_model, _ = common.load(a.generator)
    data = sample_data(gen_model, rng, exclude, a.problems, a.per_problem, a.seed)
    rng.shuffle(data)
    held, train = data[:400], data[400:]
    pos_share = sum(sum(l) for _, _, l in train) / sum(len(l) for _, _, l in train)
    print(f"{len(train)} training solutions, {pos_share:.2%} of steps correct", flush=True)
    ck = torch.load(a.backbone)
    cfg = dict(ck["config"], num_labels=2)
    model = Llama(LlamaConfig(**cfg))
    model.load_state_dict(ck["state"], strict=False)
    model.lm_head = None  # the PRM reads only the 2-class head
    opt = torch.optim.AdamW([p for p in model.parameters()], lr=a.lr, weight_decay=0.01)
    t0 = time.time()
    for step in range(a.steps):
        for gp in opt.param_groups:
            gp["lr"] = a.lr * min(1.0, (step + 1) / 30) * (1 - 0.9 * step / a.steps)
        batch = rng.sample(train, a.batch)
        batch.sort(key=lambda x: len(x[1]))
        model.train()
        loss, acc = prm_loss(model, batch)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if (step + 1) % 25 == 0:
            print(f"step {step + 1} loss {loss.item():.4f} acc {acc:.3f} {time.time() - t0:.0f}s", flush=True)
    model.eval()
    with torch.no_grad():
        accs = [prm_loss(model, held[i:i + 50])[1] for i in range(0, len(held), 50)]
    held_acc = sum(accs) / len(accs)
    print(f"held-out step accuracy {held_acc:.3f}", flush=True)
    common.save(model, a.out, {"parameters": model.param_count(), "trained_solutions": len(train), "held_out_step_accuracy": held_acc,
                               "share_of_correct_steps": pos_share})


if __name__ == "__main__":
    main()
