"""The shipped working-day calendar (Sources/Domain/Calendar/holidays.json) against PyPI's
chinese-calendar, an independent transcription of the same State Council notices."""
import datetime as dt
import json
import pathlib

import pytest

chinese_calendar = pytest.importorskip("chinese_calendar")
DATA = pathlib.Path(__file__).resolve().parents[2] / "Sources/Domain/Calendar/holidays.json"


def test_every_shipped_day_agrees():
    years = json.loads(DATA.read_text(encoding="utf-8"))["years"]
    disagreements = []
    for year, arrangement in years.items():
        holidays = set()
        for first, last, _ in arrangement["holidays"]:
            d = dt.date.fromisoformat(first)
            while d <= dt.date.fromisoformat(last):
                holidays.add(d)
                d += dt.timedelta(days=1)
        workdays = {dt.date.fromisoformat(d) for d in arrangement["workdays"]}
        d = dt.date(int(year), 1, 1)
        while d.year == int(year):
            ours = d not in holidays and (d.weekday() < 5 or d in workdays)
            if ours != chinese_calendar.is_workday(d):
                disagreements.append(d.isoformat())
            d += dt.timedelta(days=1)
    # Consecutive years from 2020: a year left out would make working-day deadlines in it an error.
    first = min(int(y) for y in years)
    assert first == 2020 and sorted(int(y) for y in years) == list(range(first, first + len(years)))
    assert disagreements == []
