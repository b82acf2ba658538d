#!/usr/bin/env python3
"""Makes the churn data set and trains the model: python3 train.py (standard library only).

Deterministic: the same seed gives byte-identical data/*.jsonl and weights/churn-logistic.json, so a
changed file in a pull request always means a changed recipe. The customers are synthetic: their churn
follows a known logistic rule plus chance, so no model can be perfect and accuracy has headroom.
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path
from typing import Any

from model import FEATURES, encode

HERE = Path(__file__).resolve().parent
SEED = 20240611
TRAIN_ROWS = 600
TEST_ROWS = 200
CONTRACTS = ("monthly", "one_year", "two_year")
LABELS = ("stay", "churn")


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


def customer(rng: random.Random) -> tuple[dict[str, Any], str]:
    contract = rng.choices(CONTRACTS, weights=(0.55, 0.25, 0.20))[0]
    instance = {
        "tenure_months": rng.randint(1, 72),
        "monthly_charges": round(rng.uniform(20, 120), 2),
        "support_calls": min(10, int(rng.expovariate(0.5))),
        "contract": contract,
        "paperless_billing": rng.random() < 0.6,
    }
    # The hidden rule the data follows (the model must learn it from examples).
    z = (
        -0.6
        - 0.05 * (instance["tenure_months"] - 24)
        + 0.03 * (instance["monthly_charges"] - 70)
        + 0.5 * (instance["support_calls"] - 2)
        + {"monthly": 1.0, "one_year": -0.5, "two_year": -1.6}[contract]
        + (0.3 if instance["paperless_billing"] else 0.0)
    )
    return instance, LABELS[1] if rng.random() < sigmoid(z) else LABELS[0]


def train(rows: list[tuple[dict[str, Any], str]]) -> dict[str, Any]:
    xs = [encode(instance) for instance, _ in rows]
    ys = [1.0 if label == LABELS[1] else 0.0 for _, label in rows]
    n, width = len(xs), len(FEATURES)
    means = [sum(x[j] for x in xs) / n for j in range(width)]
    stds = [math.sqrt(sum((x[j] - means[j]) ** 2 for x in xs) / n) or 1.0 for j in range(width)]
    zs = [[(x[j] - means[j]) / stds[j] for j in range(width)] for x in xs]
    weights, bias, rate, l2 = [0.0] * width, 0.0, 0.5, 1e-3
    # Full-batch gradient descent on the log loss with a little L2: slow but exact and deterministic.
    for _ in range(1500):
        grad, grad_bias = [0.0] * width, 0.0
        for z, y in zip(zs, ys):
            error = sigmoid(bias + sum(w * v for w, v in zip(weights, z))) - y
            grad_bias += error
            for j in range(width):
                grad[j] += error * z[j]
        bias -= rate * grad_bias / n
        weights = [w - rate * (g / n + l2 * w) for w, g in zip(weights, grad)]
    return {
        "kind": "logistic_regression",
        "labels": list(LABELS),
        "features": FEATURES,
        "means": [round(m, 6) for m in means],
        "stds": [round(s, 6) for s in stds],
        "coefficients": [round(w, 6) for w in weights],
        "intercept": round(bias, 6),
        "threshold": 0.5,
        "seed": SEED,
        "training_rows": n,
    }


def write_jsonl(path: Path, rows: list[tuple[dict[str, Any], str]]) -> None:
    lines = [json.dumps({"input": {"instance": instance}, "label": label}) for instance, label in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    rng = random.Random(SEED)
    rows = [customer(rng) for _ in range(TRAIN_ROWS + TEST_ROWS)]
    train_rows, test_rows = rows[:TRAIN_ROWS], rows[TRAIN_ROWS:]
    (HERE / "data").mkdir(exist_ok=True)
    (HERE / "weights").mkdir(exist_ok=True)
    write_jsonl(HERE / "data" / "train.jsonl", train_rows)
    write_jsonl(HERE / "data" / "test.jsonl", test_rows)
    model = train(train_rows)
    (HERE / "weights" / "churn-logistic.json").write_text(json.dumps(model, indent=2) + "\n", encoding="utf-8")
    print(f"trained on {len(train_rows)} rows; {len(test_rows)} test rows in data/test.jsonl")


if __name__ == "__main__":
    main()
