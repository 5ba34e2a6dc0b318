"""Batched sampling with a KV cache (used for evaluation and for the PRM's training data)."""
from __future__ import annotations

import torch

import vocab
from model import Llama


@torch.no_grad()
def generate(model: Llama, prompts: list[list[int]], max_new: int = 320, temperature: float = 0.0,
             generator: torch.Generator | None = None) -> list[list[int]]:
    """Left-pads the prompts, decodes until end-of-sequence; returns the new tokens of each.

    Finished rows leave the batch (with their cache), so a batch of mixed lengths costs about
    what its rows need, not what its longest row needs.
    """
    model.eval()
    b, t = len(prompts), max(len(p) for p in prompts)
    ids = torch.full((b, t), vocab.PAD_ID, dtype=torch.long)
    mask = torch.zeros((b, t), dtype=torch.long)
    for i, p in enumerate(prompts):
        ids[i, t - len(p):] = torch.tensor(p)
        mask[i, t - len(p):] = 1
    pos = (mask.cumsum(1) - 1).clamp(min=0)
    logits, past = model(ids, mask, pos)
    out = torch.full((b, max_new), vocab.EOS_ID, dtype=torch.long)
    rows = torch.arange(b)  # original index of each live row
    next_pos = pos[:, -1:] + 1
    for step in range(max_new):
        last = logits[:, -1, :]
        if temperature > 0:
            probs = torch.softmax(last / temperature, dim=-1)
            tok = torch.multinomial(probs, 1, generator=generator).squeeze(1)
        else:
            tok = last.argmax(-1)
        out[rows, step] = tok
        live = tok != vocab.EOS_ID
        if not live.any():
            break
        if not live.all():
            keep = live.nonzero().squeeze(1)
            rows, tok, mask, next_pos = rows[keep], tok[keep], mask[keep], next_pos[keep]
            past = [p[keep] for p in past]
        mask = torch.cat([mask, torch.ones((len(rows), 1), dtype=torch.long)], dim=1)
        logits, past = model(tok.unsqueeze(1), mask, next_pos, past)
        next_pos = next_pos + 1
    result = []
    for row in out.tolist():
        end = row.index(vocab.EOS_ID) if vocab.EOS_ID in row else len(row)
        result.append(row[:end])
    return result
