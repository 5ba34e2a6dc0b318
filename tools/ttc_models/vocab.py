"""Character-level vocabulary, written as a Hugging Face tokenizer.json (BPE with no merges)."""
from __future__ import annotations

import json
from pathlib import Path

PAD, BOS, EOS, USER, ASSISTANT, STEP_TAG = "<|pad|>", "<|begin|>", "<|end|>", "<|user|>", "<|assistant|>", "<extra_0>"
SPECIALS = [PAD, BOS, EOS, USER, ASSISTANT, STEP_TAG]
CHARS = ["\n"] + [chr(c) for c in range(32, 127)]
TOKENS = SPECIALS + CHARS
IDS = {t: i for i, t in enumerate(TOKENS)}
VOCAB_SIZE = len(TOKENS)
PAD_ID, BOS_ID, EOS_ID, USER_ID, ASSISTANT_ID, STEP_TAG_ID = (IDS[s] for s in SPECIALS)

# The prompt layout the models were trained on; the C# chat template must render exactly this.
CHAT_TEMPLATE = (
    "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}<|user|>{{ message['content'] }}"
    "{% elif message['role'] == 'assistant' %}<|assistant|>{{ message['content'] }}{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)


def encode(text: str) -> list[int]:
    return [IDS[c] for c in text]


def decode(ids) -> str:
    return "".join(TOKENS[i] for i in ids if i >= len(SPECIALS))


def prompt_ids(problem: str) -> list[int]:
    return [BOS_ID, USER_ID] + encode(problem) + [ASSISTANT_ID]


def write_tokenizer(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    added = [{"id": IDS[s], "content": s, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True} for s in SPECIALS]
    tok = {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
        "normalizer": None, "pre_tokenizer": None, "post_processor": None, "decoder": None,
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False,
                  "vocab": {t: i for i, t in enumerate(TOKENS)}, "merges": []},
    }
    (folder / "tokenizer.json").write_text(json.dumps(tok, ensure_ascii=False, indent=1))
    cfg = {"bos_token": BOS, "eos_token": EOS, "pad_token": PAD, "add_bos_token": False,
           "model_max_length": 512, "tokenizer_class": "PreTrainedTokenizerFast", "chat_template": CHAT_TEMPLATE}
    (folder / "tokenizer_config.json").write_text(json.dumps(cfg, indent=1))
