"""Baseline assessments: XLSForm questionnaires, rounds, answers compared across countries."""
