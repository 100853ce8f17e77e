"""Organisation figures for dashboards: aggregates computed in SQL, one module per figure.

Every function takes the organisation id first and answers for that organisation only.
Only counts, durations and the names of locations, groups, credit types and news items
leave here, never a child's or a parent's name. Bad input raises `FigureInputError`.
"""

from services.figures.errors import FigureInputError

__all__ = ["FigureInputError"]
