"""A small Llama (RMSNorm, rotary positions, SwiGLU, grouped-query attention) with a KV cache."""
from __future__ import annotations

import math
from dataclasses import dataclass, asdict

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class LlamaConfig:
    vocab_size: int
    hidden_size: int
    num_hidden_layers: int
    num_attention_heads: int
    num_key_value_heads: int
    intermediate_size: int
    max_position_embeddings: int = 512
    rope_theta: float = 10000.0
    rms_norm_eps: float = 1e-5
    num_labels: int = 0  # 2 for a PRM head read at the step-tag positions
    # A PRM head that also reads the backbone's own log-likelihood of each step's tokens
    # (see likelihood_features); 0 turns it off. The ids mark the step tag and where the solution starts.
    likelihood_features: int = 0
    step_tag_id: int = -1
    solution_start_id: int = -1

    @property
    def head_dim(self) -> int:
        return self.hidden_size // self.num_attention_heads

    def to_dict(self) -> dict:
        return asdict(self)


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


class Attention(nn.Module):
    def __init__(self, c: LlamaConfig):
        super().__init__()
        self.c = c
        d, hd = c.hidden_size, c.head_dim
        self.q_proj = nn.Linear(d, c.num_attention_heads * hd, bias=False)
        self.k_proj = nn.Linear(d, c.num_key_value_heads * hd, bias=False)
        self.v_proj = nn.Linear(d, c.num_key_value_heads * hd, bias=False)
        self.o_proj = nn.Linear(c.num_attention_heads * hd, d, bias=False)

    def forward(self, x, cos, sin, mask, past_k=None, past_v=None):
        b, t, _ = x.shape
        c, hd = self.c, self.c.head_dim
        q = self.q_proj(x).view(b, t, c.num_attention_heads, hd).transpose(1, 2)
        k = self.k_proj(x).view(b, t, c.num_key_value_heads, hd).transpose(1, 2)
        v = self.v_proj(x).view(b, t, c.num_key_value_heads, hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if past_k is not None:
            k = torch.cat([past_k, k], dim=2)
            v = torch.cat([past_v, v], dim=2)
        present = (k, v)
        # Grouped-query attention without copying K and V per query head: the query heads that share
        # a KV head are stacked along the time axis instead. Same result as repeating K and V, but the
        # exported graph no longer expands the whole cache every decode step.
        g, rep, total = c.num_key_value_heads, c.num_attention_heads // c.num_key_value_heads, k.shape[2]
        qg = q.reshape(b, g, rep * t, hd)
        att = (qg @ k.transpose(-1, -2)) / math.sqrt(hd)
        att = att.view(b, g, rep, t, total) + mask.unsqueeze(2)
        out = F.softmax(att, dim=-1).view(b, g, rep * t, total) @ v
        return self.o_proj(out.view(b, c.num_attention_heads, t, hd).transpose(1, 2).reshape(b, t, -1)), present


class Block(nn.Module):
    def __init__(self, c: LlamaConfig):
        super().__init__()
        self.input_layernorm = RMSNorm(c.hidden_size, c.rms_norm_eps)
        self.self_attn = Attention(c)
        self.post_attention_layernorm = RMSNorm(c.hidden_size, c.rms_norm_eps)
        self.gate_proj = nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
        self.up_proj = nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
        self.down_proj = nn.Linear(c.intermediate_size, c.hidden_size, bias=False)

    def forward(self, x, cos, sin, mask, past_k=None, past_v=None):
        h, present = self.self_attn(self.input_layernorm(x), cos, sin, mask, past_k, past_v)
        x = x + h
        y = self.post_attention_layernorm(x)
        return x + self.down_proj(F.silu(self.gate_proj(y)) * self.up_proj(y)), present


class Llama(nn.Module):
    def __init__(self, c: LlamaConfig):
        super().__init__()
        self.c = c
        self.embed_tokens = nn.Embedding(c.vocab_size, c.hidden_size)
        self.layers = nn.ModuleList(Block(c) for _ in range(c.num_hidden_layers))
        self.norm = RMSNorm(c.hidden_size, c.rms_norm_eps)
        self.lm_head = nn.Linear(c.hidden_size, c.vocab_size, bias=False)
        self.score = nn.Linear(c.hidden_size, c.num_labels, bias=False) if c.num_labels else None
        self.feature_head = nn.Linear(FEATURES, c.num_labels) if c.num_labels and c.likelihood_features else None
        inv = 1.0 / (c.rope_theta ** (torch.arange(0, c.head_dim, 2).float() / c.head_dim))
        self.register_buffer("inv_freq", inv, persistent=False)
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)

    def param_count(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward(self, input_ids, attention_mask, position_ids, past=None, hidden=False):
        """Returns (logits or PRM logits, presents). attention_mask covers past + current tokens.

        With hidden=True it returns the final normalized hidden states instead of the head's output
        (training a PRM with an LM loss beside its head needs both heads on the same states).
        """
        b, t = input_ids.shape
        x = self.embed_tokens(input_ids)
        freqs = position_ids.unsqueeze(-1).float() * self.inv_freq
        emb = torch.cat([freqs, freqs], dim=-1).unsqueeze(1)
        cos, sin = emb.cos(), emb.sin()
        total = attention_mask.shape[1]
        past_len = total - t
        qi = torch.arange(t).unsqueeze(1) + past_len
        kj = torch.arange(total).unsqueeze(0)
        allowed = (kj <= qi).unsqueeze(0).unsqueeze(0) & (attention_mask[:, None, None, :] > 0)
        mask = torch.zeros(allowed.shape, dtype=x.dtype).masked_fill(~allowed, -1e9)
        presents = []
        for i, layer in enumerate(self.layers):
            pk, pv = (past[2 * i], past[2 * i + 1]) if past is not None else (None, None)
            x, pr = layer(x, cos, sin, mask, pk, pv)
            presents.extend(pr)
        x = self.norm(x)
        if hidden:
            return x, presents
        if self.feature_head is not None:
            f = likelihood_features(self.lm_head(x), input_ids, attention_mask, self.c)
            return self.score(x) + self.feature_head(f), presents
        head = self.score if self.score is not None else self.lm_head
        return head(x), presents


FEATURES = 4


def likelihood_features(lm_logits, input_ids, attention_mask, c: LlamaConfig):
    """Per position: how likely the backbone found the solution so far and the current step.

    A step's written tokens are scored by the LM head (log p of each token given the ones before it),
    then summed and minimised over the solution up to here and over the current step up to here:
    [cumulative sum / 10, cumulative min, step sum / 10, step min]. A hidden-state head alone learned
    which problems are hard but not whether a step's arithmetic is right; a wrong digit is one the
    backbone did not expect, and these features hand that to the head directly.
    Only full sequences are scored (no KV cache), as the PRM is run.
    """
    lp = torch.log_softmax(lm_logits[:, :-1], dim=-1).gather(-1, input_ids[:, 1:, None]).squeeze(-1)
    lp = F.pad(lp.clamp(min=-20.0), (1, 0))
    tag = input_ids == c.step_tag_id
    started = torch.cumsum((input_ids == c.solution_start_id).long(), dim=1) > 0
    counted = started & ~tag & (input_ids != c.solution_start_id) & (attention_mask > 0)
    lpc = lp * counted
    seg = torch.cumsum(tag.long(), dim=1) - tag.long()
    t = input_ids.shape[1]
    causal = torch.arange(t)[None, :] <= torch.arange(t)[:, None]  # [t, s]: s at or before t
    upto = causal[None] & counted[:, None, :]
    same = upto & (seg[:, :, None] == seg[:, None, :])
    zeros = torch.zeros_like(lpc)[:, None, :]
    cum_min = torch.where(upto, lpc[:, None, :], zeros).amin(-1)
    step_min = torch.where(same, lpc[:, None, :], zeros).amin(-1)
    cum_sum = torch.cumsum(lpc, dim=1)
    step_sum = (same.float() * lpc[:, None, :]).sum(-1)
    return torch.stack([cum_sum / 10, cum_min, step_sum / 10, step_min], dim=-1)


def prm_state_width(c: LlamaConfig) -> int:
    """Floats a likelihood-feature PRM carries from one scoring call to the next (see prm_step)."""
    return 5 + c.vocab_size


def prm_step(m: Llama, input_ids, attention_mask, position_ids, past, state):
    """Scores new tokens after a KV cache, as forward() scores the whole sequence at once.

    The new tokens are right-padded (attention_mask's last t columns), the past left-padded. `state`
    [b, prm_state_width] is what the features need from before the new tokens: the solution's
    cumulative log-likelihood sum and min, the open step's sum and min (zero after a step tag), whether
    the solution has started, and the LM's log-probabilities for the first new token. Returns the PRM
    logits [b, t, 2], the presents, and the state after every new position [b, t, width], so a caller
    can resume after any prefix. With an empty past and a zero state it equals forward().
    """
    c = m.c
    x, presents = m(input_ids, attention_mask, position_ids, past, hidden=True)
    lm = torch.log_softmax(m.lm_head(x), dim=-1)
    b, t = input_ids.shape
    new_mask = attention_mask[:, -t:] > 0
    prev = torch.cat([state[:, None, 5:], lm[:, :-1]], dim=1)
    lp = prev.gather(-1, input_ids[..., None]).squeeze(-1).clamp(min=-20.0)
    tag = input_ids == c.step_tag_id
    is_start = input_ids == c.solution_start_id
    started = (torch.cumsum(is_start.long(), dim=1) > 0) | (state[:, None, 4] > 0.5)
    counted = started & ~tag & ~is_start & new_mask
    lpc = lp * counted
    seg = torch.cumsum(tag.long(), dim=1) - tag.long()
    causal = torch.arange(t)[None, :] <= torch.arange(t)[:, None]
    upto = causal[None] & counted[:, None, :]
    same = upto & (seg[:, :, None] == seg[:, None, :])
    zeros = torch.zeros_like(lpc)[:, None, :]
    carried = (seg == 0).float()  # positions still in the step that was open before the new tokens
    cum_sum = state[:, None, 0] + torch.cumsum(lpc, dim=1)
    cum_min = torch.minimum(state[:, None, 1], torch.where(upto, lpc[:, None, :], zeros).amin(-1))
    step_sum = carried * state[:, None, 2] + (same.float() * lpc[:, None, :]).sum(-1)
    step_min = torch.minimum(carried * state[:, None, 3], torch.where(same, lpc[:, None, :], zeros).amin(-1))
    f = torch.stack([cum_sum / 10, cum_min, step_sum / 10, step_min], dim=-1)
    logits = m.score(x) + m.feature_head(f)
    open_ = (~tag).float()
    after = torch.cat([torch.stack([cum_sum, cum_min, step_sum * open_, step_min * open_, started.float()], dim=-1), lm], dim=-1)
    return logits, presents, after
