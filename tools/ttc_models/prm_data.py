"""What both PRM trainers share: the PRM's input layout, the labelled data (a sampled pool from the
small generator, gold and one-error solutions) and the held-out metrics.

Step labels come from the checker (`task.step_labels`): a step is right when its arithmetic is right
and it builds on the right previous result.
"""
from __future__ import annotations

import json
import random

import torch

import common
import task
import vocab
from model import Llama
from sampling import generate


def prm_ids(problem: str, steps: list[str]) -> list[int]:
    ids = vocab.prompt_ids(problem)
    for s in steps:
        ids += vocab.encode(s) + [vocab.STEP_TAG_ID]
    return ids


def labelled_data(a, rng: random.Random):
    """Training problems and the sampled pool split into held-out and training solutions.

    Reads a.test, a.problems, a.generator (the model sampled), a.per_problem, a.temperature, a.seed; the pool is cached
    beside a.out. Returns (problems, test problems, held-out, training solutions, share of right steps).
    """
    exclude = {json.loads(line)["problem"] for line in a.test.read_text().splitlines() if line.strip()}
    problems = training_problems(rng, exclude, a.problems)
    pool_file = a.out.with_suffix(".samples.json")
    if pool_file.exists():
        pool = [tuple(x) for x in json.loads(pool_file.read_text())]
    else:
        gen_model, _ = common.load(a.generator)
        pool = sample_pool(gen_model, problems, a.per_problem, a.temperature, a.seed)
        pool_file.write_text(json.dumps(pool))
    # Hold out whole problems (the first 300), not single solutions, so the figure is honest.
    held_texts = {p.text for p in problems[:300]}
    held = [x for x in pool if x[0] in held_texts]
    train = [x for x in pool if x[0] not in held_texts]
    share = sum(sum(ls) for _, _, ls in train) / sum(len(ls) for _, _, ls in train)
    print(f"{len(train)} sampled training solutions, {share:.2%} of their steps correct; {len(held)} held out", flush=True)
    return problems, exclude, held, train, share


def mixed_batch(rng: random.Random, size: int, shares, train, problems) -> list:
    """Labelled solutions in the given shares: sampled ones from `train`, gold and one-error ones of `problems`."""
    out = []
    for _ in range(size):
        r = rng.random()
        if r < shares[0]:
            out.append(rng.choice(train))
        else:
            p = rng.choice(problems)
            steps = task.solution_steps(p) if r < shares[0] + shares[1] else task.corrupted_steps(p, rng)
            out.append((p.text, steps, task.step_labels(p, steps)))
    return out


def training_problems(rng: random.Random, exclude: set[str], count: int) -> list[task.Problem]:
    out = []
    while len(out) < count:
        p = task.make_problem(rng, rng.randint(1, 5))
        if p.text not in exclude:
            out.append(p)
    return out


def sample_pool(gen_model, problems, per: int, temperature: float, seed: int):
    """Solutions sampled from the generator, labelled by the checker: [(problem, steps, labels)]."""
    g = torch.Generator().manual_seed(seed)
    data = []
    for i in range(0, len(problems), 128):
        chunk = problems[i:i + 128]
        outs = generate(gen_model, [vocab.prompt_ids(p.text) for p in chunk for _ in range(per)],
                        max_new=320, temperature=temperature, generator=g)
        for j, p in enumerate(chunk):
            for o in outs[j * per:(j + 1) * per]:
                steps = [s for s in vocab.decode(o).split(task.STEP_SEPARATOR) if s.strip()]
                if steps:
                    data.append((p.text, steps, task.step_labels(p, steps)))
        print(f"sampled {min(i + 128, len(problems))}/{len(problems)}", flush=True)
    return data


def prm_forward(model: Llama, items):
    seqs = [prm_ids(q, s) for q, s, _ in items]
    ids, mask, pos = common.pad_batch(seqs)
    logits, _ = model(ids, mask, pos)
    picked = logits[ids == vocab.STEP_TAG_ID]
    labels = torch.tensor([lab for _, _, ls in items for lab in ls])
    return picked, labels


@torch.no_grad()
def evaluate(model: Llama, items) -> dict:
    """Step accuracy, and how well the last step's score separates right from wrong solutions."""
    model.eval()
    hits, total, last = 0, 0, []
    for i in range(0, len(items), 64):
        chunk = items[i:i + 64]
        picked, labels = prm_forward(model, chunk)
        hits += (picked.argmax(-1) == labels).sum().item()
        total += len(labels)
        probs = torch.softmax(picked, -1)[:, 1].tolist()
        k = 0
        for _, steps, ls in chunk:
            k += len(steps)
            last.append((probs[k - 1], ls[-1]))
    pos = [p for p, lab in last if lab == 1]
    neg = [p for p, lab in last if lab == 0]
    # AUC of the last-step score: the chance a right solution outscores a wrong one. Across problems
    # this also rewards knowing which problems are hard; the pairwise figure compares right and
    # wrong solutions of the same problem only, which is what Best-of-N and search need.
    auc = sum((p > q) + 0.5 * (p == q) for p in pos for q in neg) / max(1, len(pos) * len(neg))
    by_problem: dict[str, list] = {}
    for (q, _, _), (p, lab) in zip(items, last):
        by_problem.setdefault(q, []).append((p, lab))
    wins = pairs = 0
    for scored in by_problem.values():
        for p, lab in scored:
            for p2, lab2 in scored:
                if lab == 1 and lab2 == 0:
                    wins += (p > p2) + 0.5 * (p == p2)
                    pairs += 1
    correct_share = sum(sum(ls) for _, _, ls in items) / sum(len(ls) for _, _, ls in items)
    model.train()
    return {"step_accuracy": hits / total, "majority_class_accuracy": max(correct_share, 1 - correct_share),
            "last_step_auc": auc, "same_problem_pairwise_accuracy": wins / max(1, pairs), "same_problem_pairs": pairs,
            "solutions": len(items)}
