"""Synthetic step-by-step arithmetic task with five difficulty levels.

Every step is machine-checkable, so process-reward labels are automatic: a step is
correct when its arithmetic is right and it builds on the correct previous result.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass

STEP_SEPARATOR = "\n\n"
# Operations per level and the largest operand of each. Levels 1-3 are the original task; levels 4 and 5
# are longer chains on two-digit operands, so running values reach three digits and most steps carry
# or borrow across digits: what a 61k-parameter model could not learn to do reliably (a small model
# trained on the original levels 4-5, with 4-5 operations on operands up to 20-25, reached 90% on them).
OPERATIONS = {1: 1, 2: 2, 3: 3, 4: 5, 5: 6}
OPERAND_MAX = {1: 9, 2: 12, 3: 15, 4: 50, 5: 99}
MULTIPLIER_MAX = 9
VALUE_CAP = 200
FINAL_TEMPLATE = "Therefore, the final answer is: $\\boxed{{{answer}}}$. I hope it is correct."

STEP_RE = re.compile(r"^## Step (\d+): (-?\d+) ([+\-*]) (-?\d+) = (-?\d+)\.$")
BOXED_RE = re.compile(r"\\boxed\{(-?\d+)\}")


@dataclass(frozen=True)
class Problem:
    text: str
    level: int
    ops: tuple  # ((op, operand), ...) applied left to right to `start`
    start: int

    def values(self) -> list[int]:
        """Running values after each operation."""
        out, v = [], self.start
        for op, b in self.ops:
            v = apply(v, op, b)
            out.append(v)
        return out

    @property
    def answer(self) -> int:
        return self.values()[-1]


def apply(a: int, op: str, b: int) -> int:
    return a + b if op == "+" else a - b if op == "-" else a * b


def make_problem(rng: random.Random, level: int) -> Problem:
    hi = OPERAND_MAX[level]
    v = rng.randint(1, hi)
    start, ops, expr, top_additive = v, [], str(v), False
    for _ in range(OPERATIONS[level]):
        choices = ["+", "-", "*"]
        if v * 2 > VALUE_CAP:
            choices.remove("*")
        op = rng.choice(choices)
        if op == "*":
            b = rng.randint(2, min(MULTIPLIER_MAX, VALUE_CAP // max(v, 1)))
        elif op == "-":
            if v < 1:
                op, b = "+", rng.randint(1, hi)
            else:
                b = rng.randint(1, min(hi, v))
        else:
            b = rng.randint(1, hi)
        if op == "*" and top_additive:
            expr = f"({expr})"
        expr = f"{expr} {op} {b}"
        top_additive = op in "+-"
        v = apply(v, op, b)
        ops.append((op, b))
    return Problem(text=f"Compute {expr}.", level=level, ops=tuple(ops), start=start)


def solution_steps(p: Problem) -> list[str]:
    steps, v = [], p.start
    for i, (op, b) in enumerate(p.ops, 1):
        nv = apply(v, op, b)
        steps.append(f"## Step {i}: {v} {op} {b} = {nv}.")
        v = nv
    steps.append(FINAL_TEMPLATE.format(answer=v))
    return steps


def solution(p: Problem) -> str:
    return STEP_SEPARATOR.join(solution_steps(p))


def extract_answer(text: str) -> int | None:
    m = BOXED_RE.findall(text)
    return int(m[-1]) if m else None


def step_labels(p: Problem, steps: list[str]) -> list[int]:
    """1 for a correct step, 0 otherwise; a step after an error is never correct."""
    labels, ok, v = [], True, p.start
    n_ops = len(p.ops)
    for i, s in enumerate(steps):
        s = s.strip()
        if i < n_ops:
            m = STEP_RE.match(s)
            op, b = p.ops[i]
            good = bool(m) and int(m.group(1)) == i + 1 and int(m.group(2)) == v \
                and m.group(3) == op and int(m.group(4)) == b and int(m.group(5)) == apply(v, op, b)
            v = apply(v, op, b)
        elif i == n_ops:
            good = s == FINAL_TEMPLATE.format(answer=v)
        else:
            good = False
        ok = ok and good
        labels.append(1 if ok else 0)
    return labels


def dataset(seed: int, count: int, levels=(1, 2, 3, 4, 5), exclude: set[str] | None = None) -> list[Problem]:
    rng = random.Random(seed)
    out, seen = [], set(exclude or ())
    while len(out) < count:
        level = levels[len(out) % len(levels)]
        p = make_problem(rng, level)
        if p.text in seen:
            continue
        seen.add(p.text)
        out.append(p)
    return out


def _near(rng: random.Random, c: int) -> int:
    """A plausible wrong result: off by a little, by ten, or with a digit changed."""
    kind = rng.random()
    if kind < 0.4:
        w = c + rng.choice([-3, -2, -1, 1, 2, 3])
    elif kind < 0.6:
        w = c + rng.choice([-20, -10, 10, 20])
    else:
        digits = list(str(abs(c)))
        i = rng.randrange(len(digits))
        digits[i] = str(rng.choice([d for d in range(10) if str(d) != digits[i]]))
        w = int("".join(digits)) * (1 if c >= 0 else -1)
    return w if w != c else c + 1


def corrupted_steps(p: Problem, rng: random.Random) -> list[str]:
    """A solution with one error, written the way a weak generator goes wrong.

    The error is a wrong result, a mis-copied operand or operator, or a boxed answer that is not the
    last result; later steps build on the wrong value with correct arithmetic, so only the checker's
    rule "no step after an error is correct" tells them apart from a right solution.
    """
    n = len(p.ops)
    where = rng.randrange(n + 1)
    steps, v = [], p.start
    for i, (op, b) in enumerate(p.ops):
        a = v
        if i == where:
            kind = rng.random()
            if kind < 0.7:
                c = _near(rng, apply(a, op, b))
            elif kind < 0.85:
                a = _near(rng, a)
                c = apply(a, op, b)
            elif kind < 0.95:
                b = _near(rng, b)
                c = apply(a, op, b)
            else:
                op = rng.choice([o for o in "+-*" if o != op])
                c = apply(a, op, b)
        else:
            c = apply(a, op, b)
        steps.append(f"## Step {i + 1}: {a} {op} {b} = {c}.")
        v = c
    answer = _near(rng, v) if where == n else v
    steps.append(FINAL_TEMPLATE.format(answer=answer))
    return steps
