"""Shared pieces of the training scripts: model sizes, batching, checkpoints."""
from __future__ import annotations

import json
import random
from pathlib import Path

import torch

import vocab
from model import Llama, LlamaConfig

SIZES = {
    # The large generator has about 12.6x the parameters of the small one (the study compares 1B with 8B
    # and 3B with 70B: 8x and 23x). The small one is too small for the top levels' carries and borrows.
    "small": dict(hidden_size=48, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, intermediate_size=128),
    "large": dict(hidden_size=128, num_hidden_layers=4, num_attention_heads=4, num_key_value_heads=2, intermediate_size=352),
}


def recipe(size: str, steps: int) -> dict:
    """One training recipe for every size: peak lr 3e-3 at width 64, scaled as 1/width (Adam's rule for
    hidden weights when width grows), 100 warmup steps, cosine cooldown to 2% of the peak at the end."""
    return {"lr": 3e-3 * 64 / SIZES[size]["hidden_size"], "warmup": 100, "floor": 0.02, "steps": steps}


def config_for(size: str, num_labels: int = 0) -> LlamaConfig:
    return LlamaConfig(vocab_size=vocab.VOCAB_SIZE, num_labels=num_labels, **SIZES[size])


def pad_batch(seqs: list[list[int]], pad: int = vocab.PAD_ID):
    """Right-padded ids, attention mask and position ids."""
    t = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), t), pad, dtype=torch.long)
    mask = torch.zeros((len(seqs), t), dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s)
        mask[i, : len(s)] = 1
    pos = torch.arange(t).unsqueeze(0).expand(len(seqs), t).contiguous()
    return ids, mask, pos


def save(model: Llama, path: Path, extra: dict | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"config": model.c.to_dict(), "state": model.state_dict(), "extra": extra or {}}, path)


def load(path: Path) -> tuple[Llama, dict]:
    ck = torch.load(path)
    m = Llama(LlamaConfig(**ck["config"]))
    m.load_state_dict(ck["state"], strict=False)
    return m, ck.get("extra", {})


def seed_all(seed: int) -> random.Random:
    torch.manual_seed(seed)
    return random.Random(seed)


def write_json(path: Path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=1))
