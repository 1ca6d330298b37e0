"""The jobs the RQ worker runs: importable by it as ``reports.tasks``."""

from __future__ import annotations

import calendar
import time
from typing import Any

#: How long a build takes: long for a request, nothing for a worker.
BUILD_SECONDS = 0.5


def build_report(month: str) -> dict[str, Any]:
    """Build the report of ``month`` (``YYYY-MM``): its days and weekdays."""
    year, number = (int(part) for part in month.split("-"))
    time.sleep(BUILD_SECONDS)  # stands for the slow queries of a real report
    weeks = calendar.monthcalendar(year, number)
    days = sum(1 for week in weeks for day in week if day)
    weekdays = sum(1 for week in weeks for day in week[:5] if day)
    return {"month": month, "days": days, "weekdays": weekdays}
