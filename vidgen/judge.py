"""Judging a clip a batch made (`make --check`): every checker, one verdict, one exit code."""

from __future__ import annotations

from pathlib import Path

from vidgen.errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE


def judge(clip: Path, report_folder: Path | None = None) -> dict:
    """Run every checker on a clip; the score is the mean of the per-check scores (1 = clean).

    With `report_folder`, the clip's page is written there and the index brought up to date,
    so a batch killed at any point leaves a report of what it finished.
    """
    if report_folder is not None:
        from vidgen.report import report_one

        report = report_one(str(clip), report_folder)
    else:
        from checkers.runner import check_clip

        report = check_clip(str(clip))
    scores = [result.score for result in report.checks.values()]
    return {
        "verdict": report.verdict,
        "score": round(sum(scores) / len(scores), 4) if scores else 0.0,
        "events": len(report.events),
        "error": report.error,
    }


def verdict_text(check: dict) -> str:
    text = f"{check['verdict']} (score {check['score']}, {check['events']} events)"
    return text + (f": {check['error']}" if check.get("error") else "")


def check_exit(check: dict) -> int:
    return {"pass": EXIT_OK, "fail": EXIT_FINDINGS}.get(check["verdict"], EXIT_USAGE)
