"""How a figure is printed in the eval report (shared by its sections)."""

from __future__ import annotations

import math
from typing import Any


def fmt(value: Any) -> str:
    if isinstance(value, float):
        return "NaN" if math.isnan(value) else f"{value:.4g}"
    return str(value)
