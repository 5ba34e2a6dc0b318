"""Write the held-out synthetic set in the MATH-500 shape (problem, solution, answer, level, unique_id)."""
import argparse
import json
from pathlib import Path

import task

ap = argparse.ArgumentParser()
ap.add_argument("--count", type=int, default=500)
ap.add_argument("--seed", type=int, default=20241216)
ap.add_argument("--out", type=Path, required=True)
ap.add_argument("--split", default="test", help="the name in the unique ids (synthetic/SPLIT/NNNN.json)")
ap.add_argument("--exclude", type=Path, help="a JSONL set whose problems must not appear (the dev split leaves out the held-out ones)")
a = ap.parse_args()
excluded = {json.loads(line)["problem"] for line in a.exclude.open()} if a.exclude else set()
a.out.parent.mkdir(parents=True, exist_ok=True)
with a.out.open("w") as f:
    for i, p in enumerate(task.dataset(a.seed, a.count, exclude=excluded)):
        f.write(json.dumps({"problem": p.text, "solution": task.solution(p), "answer": str(p.answer),
                            "level": p.level, "unique_id": f"synthetic/{a.split}/{i:04d}.json"}) + "\n")
