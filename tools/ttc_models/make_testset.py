"""Write a synthetic set in the MATH-500 shape (problem, solution, answer, level, unique_id).

The held-out set (models/synthetic-test.jsonl) uses the default seed; the dev split that training
curves and checkpoint selection read uses another seed and --exclude the held-out set, so the two
never share a problem.
"""
import argparse
import json
from pathlib import Path

import task

ap = argparse.ArgumentParser()
ap.add_argument("--count", type=int, default=500)
ap.add_argument("--seed", type=int, default=20241216)
ap.add_argument("--exclude", type=Path, help="a JSONL whose problems must not appear")
ap.add_argument("--name", default="test")
ap.add_argument("--out", type=Path, required=True)
a = ap.parse_args()
exclude = {json.loads(line)["problem"] for line in a.exclude.read_text().splitlines() if line.strip()} if a.exclude else set()
a.out.parent.mkdir(parents=True, exist_ok=True)
with a.out.open("w") as f:
    for i, p in enumerate(task.dataset(a.seed, a.count, exclude=exclude)):
        f.write(json.dumps({"problem": p.text, "solution": task.solution(p), "answer": str(p.answer),
                            "level": p.level, "unique_id": f"synthetic/{a.name}/{i:04d}.json"}) + "\n")
