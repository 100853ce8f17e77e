"""Bad input for a figure: a code and a message in Dutch and English."""

from __future__ import annotations


class FigureInputError(ValueError):
    def __init__(self, code: str, message_nl: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_nl = message_nl
        self.message_en = message_en
