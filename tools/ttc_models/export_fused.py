"""The fused export layout: attention as ONNX Runtime's com.microsoft.GroupQueryAttention operator.

The layout ONNX Runtime GenAI's model builder produces for Llama and Qwen: inputs input_ids,
attention_mask and past_key_values.{i}.key/value of a fixed capacity (max_position_embeddings);
outputs logits and present.{i}.key/value of the same shape, so a caller can bind past and present to
one buffer that the operator updates in place. No position_ids: the operator applies the rotary
embedding itself (do_rotary with cos_cache/sin_cache) at positions it derives from seqlens_k, which the
graph computes from the attention mask (sum - 1), as total_sequence_length is the mask's width.

The operator's contract (onnxruntime contrib_ops/cpu/bert/group_query_attention*): rows are right
padded (row b's tokens at [0, seqlens_k[b] + 1) of its KV slot); a first prompt has
sequence_length == total_sequence_length and positions 0..S-1; otherwise new tokens continue at
seqlens_k[b] + 1 - S, and more than one new token on top of a past needs batch 1.

Like the model builder's graphs, the query, key and value projections are one MatMul whose packed
output the operator splits itself (key and value inputs empty), and each residual sum feeds its RMS norm
through com.microsoft.SkipSimplifiedLayerNormalization, which returns the norm and the sum in one node:
fewer, larger matrix products and fewer nodes per decode step (1.02-1.05x tokens/s at batch 64 on 2
cores). The first norm, on the embeddings, has no residual; ONNX Runtime fuses its plain form itself.

The operator needs head_size to be a multiple of 16 with rotary; a model whose head is smaller (the
small generator: 12) is exported with zero-padded heads: the rotary halves are kept apart ([x1, 0,
x2, 0]) so the pairs the operator rotates are the model's own, zero dimensions add nothing to q.k,
and the scale stays 1/sqrt(original head size). The results are the same function of the same weights.
"""
from __future__ import annotations

import math

import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.onnx import symbolic_opset9

from model import Llama


def padded_head(hd: int) -> int:
    return max(16, (hd + 15) // 16 * 16)


def _head_map(hd: int, dp: int) -> torch.Tensor:
    """New index of each of a head's hd dimensions in a dp-wide head (each rotary half keeps its place)."""
    h, hp = hd // 2, dp // 2
    return torch.tensor([t if t < h else hp + t - h for t in range(hd)])


def _pad_rows(w: torch.Tensor, heads: int, hd: int, dp: int) -> torch.Tensor:
    """A projection's [heads * hd, in] weight as [heads * dp, in], padded dimensions zero."""
    out = torch.zeros(heads * dp, w.shape[1])
    idx = _head_map(hd, dp)
    for h in range(heads):
        out[h * dp + idx] = w[h * hd:(h + 1) * hd]
    return out


def _pad_cols(w: torch.Tensor, heads: int, hd: int, dp: int) -> torch.Tensor:
    out = torch.zeros(w.shape[0], heads * dp)
    idx = _head_map(hd, dp)
    for h in range(heads):
        out[:, h * dp + idx] = w[:, h * hd:(h + 1) * hd]
    return out


def _rotate(x, cos, sin):
    """Non-interleaved rotary on [b, heads, s, d] with cos/sin [b, 1, s, d/2]."""
    h = x.shape[-1] // 2
    x1, x2 = x[..., :h], x[..., h:]
    return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)


class GroupQueryAttention(torch.autograd.Function):
    """Exports as com.microsoft.GroupQueryAttention; runs a reference of its CPU kernel in torch."""

    @staticmethod
    def forward(ctx, q, k, v, past_k, past_v, seqlens_k, total, cos_cache, sin_cache, heads: int, kv_heads: int, scale: float):
        b, s, _ = q.shape
        d = past_k.shape[-1]
        if k is None:  # packed: [q | k | v] along the hidden axis
            q, k, v = q.split([heads * d, kv_heads * d, kv_heads * d], dim=-1)
        q = q.view(b, s, heads, d).transpose(1, 2)
        k = k.view(b, s, kv_heads, d).transpose(1, 2)
        v = v.view(b, s, kv_heads, d).transpose(1, 2)
        first = s == int(total)
        present_k, present_v = past_k.clone(), past_v.clone()
        out = torch.zeros(b, heads, s, d)
        rep = heads // kv_heads
        for i in range(b):
            length = int(seqlens_k[i]) + 1
            past = 0 if first else length - s
            pos = torch.arange(past, past + s)
            cos, sin = cos_cache[pos][None, None], sin_cache[pos][None, None]
            qi, ki = _rotate(q[i:i + 1], cos, sin)[0], _rotate(k[i:i + 1], cos, sin)[0]
            present_k[i, :, past:past + s] = ki
            present_v[i, :, past:past + s] = v[i]
            keys = present_k[i, :, :length].repeat_interleave(rep, 0)
            values = present_v[i, :, :length].repeat_interleave(rep, 0)
            att = (qi @ keys.transpose(-1, -2)) * scale
            allowed = torch.arange(length)[None, :] <= (past + torch.arange(s))[:, None]
            att = att.masked_fill(~allowed, float("-inf"))
            out[i] = torch.nan_to_num(F.softmax(att, dim=-1)) @ values
        return out.transpose(1, 2).reshape(b, s, heads * d), present_k, present_v

    @staticmethod
    def symbolic(g, q, k, v, past_k, past_v, seqlens_k, total, cos_cache, sin_cache, heads, kv_heads, scale):
        if k is None:  # packed: the operator's key and value inputs stay empty
            k = v = symbolic_opset9.unused(g)
        return g.op("com.microsoft::GroupQueryAttention", q, k, v, past_k, past_v, seqlens_k, total, cos_cache, sin_cache,
                    num_heads_i=heads, kv_num_heads_i=kv_heads, scale_f=scale, do_rotary_i=1, rotary_interleaved_i=0,
                    outputs=3)


class SkipRmsNorm(torch.autograd.Function):
    """x + skip and its RMS norm; exports as com.microsoft.SkipSimplifiedLayerNormalization (outputs 0 and 3)."""

    @staticmethod
    def forward(ctx, x, skip, weight, eps: float):
        total = x + skip
        return weight * (total * torch.rsqrt(total.pow(2).mean(-1, keepdim=True) + eps)), total

    @staticmethod
    def symbolic(g, x, skip, weight, eps):
        out = g.op("com.microsoft::SkipSimplifiedLayerNormalization", x, skip, weight, epsilon_f=eps, outputs=4)
        return out[0], out[3]


class FusedDecoder(nn.Module):
    """The model's weights around GroupQueryAttention (heads zero-padded to a multiple of 16 if needed)."""

    def __init__(self, m: Llama):
        super().__init__()
        c = m.c
        self.m, self.c = m, c
        hd = c.head_dim
        self.dp = dp = padded_head(hd)
        self.scale = 1.0 / math.sqrt(hd)
        self.capacity = c.max_position_embeddings
        freqs = torch.arange(self.capacity).float()[:, None] * m.inv_freq[None, :]
        cos, sin = torch.ones(self.capacity, dp // 2), torch.zeros(self.capacity, dp // 2)
        cos[:, : hd // 2], sin[:, : hd // 2] = freqs.cos(), freqs.sin()
        self.register_buffer("cos_cache", cos)
        self.register_buffer("sin_cache", sin)
        self.qkv = nn.ParameterList(); self.o = nn.ParameterList()
        for layer in m.layers:
            a = layer.self_attn
            self.qkv.append(nn.Parameter(torch.cat([
                _pad_rows(a.q_proj.weight.data, c.num_attention_heads, hd, dp),
                _pad_rows(a.k_proj.weight.data, c.num_key_value_heads, hd, dp),
                _pad_rows(a.v_proj.weight.data, c.num_key_value_heads, hd, dp)])))
            self.o.append(nn.Parameter(_pad_cols(a.o_proj.weight.data, c.num_attention_heads, hd, dp)))

    def forward(self, input_ids, attention_mask, *past):
        c = self.c
        seqlens_k = (attention_mask.sum(1) - 1).to(torch.int32)
        total = torch._shape_as_tensor(attention_mask)[1].to(torch.int32)
        layers = self.m.layers
        x = self.m.embed_tokens(input_ids)
        h = layers[0].input_layernorm(x)
        presents = []
        for i, layer in enumerate(layers):
            att, pk, pv = GroupQueryAttention.apply(
                F.linear(h, self.qkv[i]), None, None, past[2 * i], past[2 * i + 1],
                seqlens_k, total, self.cos_cache, self.sin_cache, c.num_attention_heads, c.num_key_value_heads, self.scale)
            presents.extend([pk, pv])
            norm = layer.post_attention_layernorm
            y, x = SkipRmsNorm.apply(x, F.linear(att, self.o[i]), norm.weight, norm.eps)
            norm = layers[i + 1].input_layernorm if i + 1 < len(layers) else self.m.norm
            h, x = SkipRmsNorm.apply(x, layer.down_proj(F.silu(layer.gate_proj(y)) * layer.up_proj(y)), norm.weight, norm.eps)
        return (self.m.lm_head(h), *presents)

    def empty_cache(self, b: int) -> list[torch.Tensor]:
        shape = (b, self.c.num_key_value_heads, self.capacity, self.dp)
        return [torch.zeros(shape) for _ in range(2 * self.c.num_hidden_layers)]


def check(f: FusedDecoder) -> float:
    """Largest logit difference from the plain model over a right-padded prompt, a decode step and a continuation."""
    m, worst = f.m, 0.0
    prompts = [[1, 5, 9, 14, 20, 7], [1, 30, 31]]
    b, n = len(prompts), max(len(p) for p in prompts)
    ids, mask = torch.zeros(b, n, dtype=torch.long), torch.zeros(b, n, dtype=torch.long)
    for i, p in enumerate(prompts):
        ids[i, : len(p)], mask[i, : len(p)] = torch.tensor(p), 1
    with torch.no_grad():
        out = f(ids, mask, *f.empty_cache(b))
        cache = list(out[1:])
        step = torch.tensor([[11], [12]])
        lens = [len(p) for p in prompts]
        step_mask = torch.zeros(b, max(lens) + 1, dtype=torch.long)
        for i, length in enumerate(lens):
            step_mask[i, : length + 1] = 1
        out2 = f(step, step_mask, *cache)
        for i, p in enumerate(prompts):
            full = torch.tensor([p + [int(step[i])]])
            ref = m(full, torch.ones_like(full), torch.arange(full.shape[1])[None])[0][0]
            worst = max(worst, (ref[len(p) - 1] - out[0][i, len(p) - 1]).abs().max().item())
            worst = max(worst, (ref[len(p)] - out2[0][i, 0]).abs().max().item())
        # A batch-1 continuation of three tokens on row 0's cache.
        row = [c[:1] for c in out2[1:]]
        more = torch.tensor([[40, 41, 42]])
        out3 = f(more, torch.ones(1, lens[0] + 4, dtype=torch.long), *row)
        full = torch.tensor([prompts[0] + [11, 40, 41, 42]])
        ref = m(full, torch.ones_like(full), torch.arange(full.shape[1])[None])[0][0]
        worst = max(worst, (ref[-3:] - out3[0][0]).abs().max().item())
    return worst


def _drop_unused_outputs(path: str) -> None:
    """Names no node reads (the norms' mean and inverse deviation) become empty, so ONNX Runtime skips them."""
    model = onnx.load(path)
    read = {i for n in model.graph.node for i in n.input} | {o.name for o in model.graph.output}
    for n in model.graph.node:
        for j, name in enumerate(n.output):
            if n.op_type == "SkipSimplifiedLayerNormalization" and name not in read:
                n.output[j] = ""
    onnx.save(model, path)


def export(m: Llama, path: str) -> tuple[list[str], list[str], int]:
    """Writes the fused graph; returns its input and output names and the (padded) head size of its KV."""
    f = FusedDecoder(m).eval()
    worst = check(f)
    if worst > 1e-4:
        raise SystemExit(f"fused layout differs from the plain model by {worst:g}")
    c = m.c
    b, t = 2, 3
    ids = torch.randint(10, c.vocab_size, (b, t))
    mask = torch.ones((b, t), dtype=torch.long)
    names_in, names_out = ["input_ids", "attention_mask"], ["logits"]
    axes = {"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "total"}, "logits": {0: "batch", 1: "seq"}}
    for i in range(c.num_hidden_layers):
        for kind in ("key", "value"):
            names_in.append(f"past_key_values.{i}.{kind}")
            names_out.append(f"present.{i}.{kind}")
            axes[names_in[-1]] = {0: "batch"}
            axes[names_out[-1]] = {0: "batch"}
    torch.onnx.export(f, (ids, mask, *f.empty_cache(b)), path, input_names=names_in, output_names=names_out,
                      dynamic_axes=axes, opset_version=17, custom_opsets={"com.microsoft": 1}, do_constant_folding=True)
    _drop_unused_outputs(path)
    print(f"fused layout: head {c.head_dim} -> {f.dp}, capacity {f.capacity}, max logit difference {worst:.2e}")
    return names_in, names_out, f.dp
