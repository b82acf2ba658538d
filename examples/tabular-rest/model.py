"""Churn model: a logistic regression over five customer fields, pure Python.

Served by Gantry's REST server (catwalk style): Model().predict(instance) -> {"label", "probability"}.
The weights are weights/churn-logistic.json, made by train.py.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
WEIGHTS_FILE = "churn-logistic.json"


def weights_path() -> Path:
    # In an image the baked weights sit under $GANTRY_WEIGHTS; run from the repository they are in weights/.
    mounted = os.environ.get("GANTRY_WEIGHTS")
    if mounted:
        for candidate in (Path(mounted) / WEIGHTS_FILE, Path(mounted) / "weights" / WEIGHTS_FILE):
            if candidate.is_file():
                return candidate
    return HERE / "weights" / WEIGHTS_FILE


FEATURES = ["tenure_months", "monthly_charges", "support_calls", "contract=one_year",
            "contract=two_year", "paperless_billing"]


def encode(instance: dict[str, Any]) -> list[float]:
    """Feature vector in the order of FEATURES (train.py trains on the same encoding)."""
    return [
        float(instance["tenure_months"]),
        float(instance["monthly_charges"]),
        float(instance["support_calls"]),
        1.0 if instance["contract"] == "one_year" else 0.0,
        1.0 if instance["contract"] == "two_year" else 0.0,
        1.0 if instance["paperless_billing"] else 0.0,
    ]


class Model:
    def __init__(self) -> None:
        weights = json.loads(weights_path().read_text(encoding="utf-8"))
        self.labels: list[str] = weights["labels"]
        self.means: list[float] = weights["means"]
        self.stds: list[float] = weights["stds"]
        self.coefficients: list[float] = weights["coefficients"]
        self.intercept: float = weights["intercept"]
        self.threshold: float = weights["threshold"]

    def predict(self, instance: dict[str, Any]) -> dict[str, Any]:
        z = self.intercept + sum(
            w * (x - m) / s for w, x, m, s in zip(self.coefficients, encode(instance), self.means, self.stds)
        )
        churn = 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))
        label = self.labels[1] if churn >= self.threshold else self.labels[0]
        return {"label": label, "probability": round(churn if label == self.labels[1] else 1 - churn, 6)}

    def load_test_data(self) -> list[dict[str, Any]]:
        rows = (HERE / "data" / "test.jsonl").read_text(encoding="utf-8").splitlines()
        return [json.loads(row)["input"]["instance"] for row in rows if row.strip()]
