"""Write the held-out synthetic set in the MATH-500 shape (problem, solution, answer, level, unique_id)."""
import argparse
import json
from pathlib import Path

import task

ap = argparse.ArgumentParser()
ap.add_argument("--count", type=int, default=500)
ap.add_argument("--seed", type=int, default=20241216)
ap.add_argument("--out", type=Path, required=True)
a = ap.parse_args()
a.out.parent.mkdir(parents=True, exist_ok=True)
with a.out.open("w") as f:
    for i, p in enumerate(task.dataset(a.seed, a.count)):
        f.write(json.dumps({"problem": p.text, "solution": task.solution(p), "answer": str(p.answer),
                            "level": p.level, "unique_id": f"synthetic/test/{i:04d}.json"}) + "\n")
