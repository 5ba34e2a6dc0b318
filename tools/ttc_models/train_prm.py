"""Train a hidden-state PRM: a 2-class head read at the step-tag positions (the Qwen2.5-Math-PRM convention).

Not what ships: every PRM this script made ranked a right and a wrong solution of the same problem at
chance (see models/README.md). The shipped PRM comes from train_prm_likelihood.py, and shares this
script's data, labels and held-out metrics (prm_data.py).

Three kinds of labelled solutions feed it: samples from the small generator on training problems
(the errors search actually meets), gold solutions, and gold solutions with one error put in
(`task.corrupted_steps`), which are free to make and cover arithmetic facts the samples miss.
The backbone starts from a trained generator so the head learns on top of its arithmetic.
Seeded and resumable: the sample pool and a checkpoint are written beside --out.
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
import train_generator
import vocab
from model import Llama, LlamaConfig
from prm_data import evaluate, labelled_data, mixed_batch, prm_forward, prm_ids


def digit_labels(p: task.Problem, steps: list[str], labels: list[int]) -> list[list[int]]:
    """Per character of each step: whether the result written so far is still right (-100: no label).

    Only the digits of a step's result (or of the boxed answer) get labels, and only while every
    earlier step is right and the step copied its operands correctly. They teach the head to compare
    each digit with the one it expects, which the sparse step labels alone teach slowly.
    `labels` are the steps' own labels (`task.step_labels`), which say where the first error is.
    """
    out, v, ok = [], p.start, True
    for i, st in enumerate(steps):
        lab = [-100] * len(st)
        body = st.strip()
        off = st.index(body) if body else 0
        want, m, group = None, None, 0
        if ok and i < len(p.ops):
            op, b = p.ops[i]
            m = task.STEP_RE.match(body)
            if m and int(m.group(1)) == i + 1 and int(m.group(2)) == v and m.group(3) == op and int(m.group(4)) == b:
                want, group = str(task.apply(v, op, b)), 5
        elif ok and i == len(p.ops):
            m = task.BOXED_RE.search(body)
            if m:
                want, group = str(v), 1
        if want is not None:
            got = m.group(group)
            for j in range(len(got)):
                lab[off + m.start(group) + j] = int(want.startswith(got[: j + 1]) and (j + 1 < len(got) or got == want))
        out.append(lab)
        if i < len(p.ops):
            v = task.apply(v, *p.ops[i])
        ok = labels[i] == 1
    return out


def dense_forward(model: Llama, items, lookup: dict[str, task.Problem]):
    """Head logits and labels at every labelled position (step tags, result digits, each step's last
    character), the tag mask, and the LM loss on right solutions when the model keeps its LM head."""
    seqs, labs = [], []
    for q, steps, ls in items:
        ids = vocab.prompt_ids(q)
        lab = [-100] * len(ids)
        for st, dl, sl in zip(steps, digit_labels(lookup[q], steps, ls), ls):
            if dl:
                dl[-1] = sl  # the step's last character is next to its tag: one hop for the verdict
            ids += vocab.encode(st) + [vocab.STEP_TAG_ID]
            lab += dl + [sl]
        seqs.append(ids)
        labs.append(lab)
    ids, mask, pos = common.pad_batch(seqs)
    labels = torch.full(ids.shape, -100, dtype=torch.long)
    for i, lab in enumerate(labs):
        labels[i, : len(lab)] = torch.tensor(lab)
    states, _ = model(ids, mask, pos, hidden=True)
    lm = None
    if model.lm_head is not None:
        # Keep the backbone's arithmetic: an LM loss on the solutions that are right throughout.
        targets = ids[:, 1:].clone()
        targets[(mask[:, 1:] == 0) | (targets == vocab.STEP_TAG_ID)] = -100
        for i, (_, _, ls) in enumerate(items):
            if not all(ls):
                targets[i] = -100
        logits_lm = model.lm_head(states)[:, :-1]
        lm = F.cross_entropy(logits_lm.reshape(-1, logits_lm.shape[-1]), targets.reshape(-1), ignore_index=-100)
    return model.score(states), labels, ids == vocab.STEP_TAG_ID, lm


def pair_loss(model: Llama, pairs) -> torch.Tensor:
    """Bradley-Terry loss on solutions of the same problem, compared at one tag each.

    Both sides share the problem, so what makes a problem hard cancels out and only the
    difference between the solutions is left to learn from.
    """
    items = [(q, good) for q, good, _, _, _ in pairs] + [(q, bad) for q, _, _, bad, _ in pairs]
    ids, mask, pos = common.pad_batch([prm_ids(q, st) for q, st in items])
    logits, _ = model(ids, mask, pos)
    margin = logits[..., 1] - logits[..., 0]
    tags = [(ids[i] == vocab.STEP_TAG_ID).nonzero().squeeze(1) for i in range(len(items))]
    n = len(pairs)
    diff = torch.stack([margin[i, tags[i][gk]] - margin[n + i, tags[n + i][bk]]
                        for i, (_, _, gk, _, bk) in enumerate(pairs)])
    return F.softplus(-diff).mean()


def make_pairs(rng: random.Random, count: int, problems, by_problem) -> list:
    """Half one-error copies of gold solutions (compared at the first wrong step), half a right and a
    wrong sample of the same problem (compared at their last steps)."""
    out = []
    while len(out) < count:
        if rng.random() < 0.5 and by_problem:
            right, wrong = rng.choice(by_problem)
            g, b = rng.choice(right), rng.choice(wrong)
            out.append((g[0], g[1], len(g[1]) - 1, b[1], len(b[1]) - 1))
        else:
            p = rng.choice(problems)
            bad = task.corrupted_steps(p, rng)
            first = task.step_labels(p, bad).index(0)
            out.append((p.text, task.solution_steps(p), first, bad, first))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--generator", type=Path, required=True, help="checkpoint that writes the samples (small)")
    ap.add_argument("--backbone", type=Path, required=True, help="checkpoint the PRM starts from")
    ap.add_argument("--test", type=Path, required=True)
    ap.add_argument("--problems", type=int, default=6000)
    ap.add_argument("--per-problem", type=int, default=4)
    ap.add_argument("--temperature", type=float, default=0.8)
    ap.add_argument("--mix", default="0.5,0.15,0.35", help="shares of sampled, gold and corrupted solutions per batch")
    ap.add_argument("--steps", type=int, default=6000)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--dense", type=float, default=0.0, help="weight of the per-digit labels (0: step labels only)")
    ap.add_argument("--lm", type=float, default=0.0, help="weight of an LM loss on right solutions (with --dense)")
    ap.add_argument("--tag-init", default="", help="character whose embedding the step tag starts from")
    ap.add_argument("--pairwise", type=float, default=0.0, help="weight of a same-problem pairwise loss (0: none)")
    ap.add_argument("--pairs", type=int, default=16, help="pairs per step with --pairwise")
    ap.add_argument("--eval-every", type=int, default=1000)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    rng = common.seed_all(a.seed)
    problems, exclude, held, train, share = labelled_data(a, rng)
    train_problems = problems[300:]

    ck = torch.load(a.backbone)
    model = Llama(LlamaConfig(**dict(ck["config"], num_labels=2)))
    model.load_state_dict(ck["state"], strict=False)
    if not (a.dense and a.lm):
        model.lm_head = None  # the PRM reads only the 2-class head (export drops an LM head kept for training)
    if a.tag_init:
        with torch.no_grad():  # the tag token is new to the backbone: start it from a character it knows
            model.embed_tokens.weight[vocab.STEP_TAG_ID] = model.embed_tokens.weight[vocab.IDS[a.tag_init]]
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=0.01)
    start = 0
    if a.out.exists():  # resume
        ck = torch.load(a.out)
        model.load_state_dict(ck["state"])
        opt.load_state_dict(ck["extra"]["opt"])
        start = ck["extra"]["step"]
    lookup = {p.text: p for p in problems}
    groups: dict[str, tuple[list, list]] = {}
    for x in train:
        groups.setdefault(x[0], ([], []))[0 if all(x[2]) else 1].append(x)
    by_problem = [g for g in groups.values() if g[0] and g[1]]
    shares = [float(x) for x in a.mix.split(",")]
    brng = random.Random(a.seed * 1000 + start)
    t0 = time.time()
    for step in range(start, a.steps):
        for gp in opt.param_groups:
            gp["lr"] = train_generator.lr_at(step, a.steps, a.lr, 50)
        batch = mixed_batch(brng, a.batch, shares, train, train_problems)
        batch.sort(key=lambda x: len(x[1]))
        if a.dense:
            logits, dense, tags, lm = dense_forward(model, batch, lookup)
            picked, labels = logits[tags], dense[tags]
            digits = (dense != -100) & ~tags
            loss = F.cross_entropy(picked, labels) + a.dense * F.cross_entropy(logits[digits], dense[digits])
            if lm is not None:
                loss = loss + a.lm * lm
        else:
            picked, labels = prm_forward(model, batch)
            loss = F.cross_entropy(picked, labels)
        if a.pairwise:
            loss = loss + a.pairwise * pair_loss(model, make_pairs(brng, a.pairs, train_problems, by_problem))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if (step + 1) % 50 == 0:
            acc = (picked.argmax(-1) == labels).float().mean().item()
            print(f"step {step + 1} loss {loss.item():.4f} acc {acc:.3f} {time.time() - t0:.0f}s", flush=True)
        evaluate_now = (step + 1) % a.eval_every == 0 or step + 1 == a.steps
        if (step + 1) % 250 == 0 or evaluate_now:
            shipped = model.param_count() - (model.lm_head.weight.numel() if model.lm_head is not None else 0)
            extra = {"opt": opt.state_dict(), "step": step + 1, "parameters": shipped,
                     "trained_solutions": (step + 1) * a.batch, "sampled_pool": len(train),
                     "share_of_correct_steps_in_samples": share, "mix": a.mix}
            if evaluate_now:
                extra["held_out"] = evaluate(model, held)
                print(f"held-out {json.dumps(extra['held_out'])}", flush=True)
            common.save(model, a.out, extra)


if __name__ == "__main__":
    main()
