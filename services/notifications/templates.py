"""Texts of notifications in Dutch and English: a subject/title, a short body, and the mail
around it as plain text and HTML (every value is escaped in the HTML part)."""

from __future__ import annotations

import html
from dataclasses import dataclass

import settings

# kind -> locale -> (title, body); bodies and titles are str.format templates.
TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "message.added": {
        "nl": ("Nieuw bericht", "Er is een nieuw bericht in het gesprek over {child}."),
        "en": ("New message", "There is a new message in the conversation about {child}."),
    },
    "diary_entry.added": {
        "nl": ("Nieuw dagboekverslag", "Er staat een nieuw dagboekverslag over {child} klaar."),
        "en": ("New diary entry", "There is a new diary entry about {child}."),
    },
    "timeline.item_added": {
        "nl": ("Nieuwe foto's", "Er zijn nieuwe foto's of video's van {child}."),
        "en": ("New photos", "There are new photos or videos of {child}."),
    },
    "news.published": {
        "nl": ("Nieuws", "Nieuw bericht van je locatie: {title}"),
        "en": ("News", "News from your location: {title}"),
    },
    "newsletter.published": {
        "nl": ("Nieuwsbrief", "Er is een nieuwe nieuwsbrief: {title}"),
        "en": ("Newsletter", "There is a new newsletter: {title}"),
    },
    "document.added": {
        "nl": ("Nieuw document", "Er staat een nieuw document voor je klaar: {title}"),
        "en": ("New document", "A new document is ready for you: {title}"),
    },
    "day_request.decided": {
        "nl": (
            "Je aanvraag is beoordeeld",
            "Je aanvraag voor {child} is beoordeeld: {approved} dag(en) goedgekeurd, {other} niet.",
        ),
        "en": (
            "Your request was reviewed",
            "Your request for {child} was reviewed: {approved} day(s) approved, {other} not.",
        ),
    },
    "day_request.expired": {
        "nl": (
            "Je aanvraag is vervallen",
            "Je aanvraag voor {child} is niet op tijd beoordeeld en is vervallen.",
        ),
        "en": (
            "Your request expired",
            "Your request for {child} was not reviewed in time and has expired.",
        ),
    },
    "invitation": {
        "nl": (
            "Welkom bij {organisation}",
            "Je bent uitgenodigd voor de ouderapp van {organisation}. Kies via de link hieronder "
            "een wachtwoord; de link is {days} dagen geldig en werkt één keer.",
        ),
        "en": (
            "Welcome to {organisation}",
            "You are invited to the parent app of {organisation}. Choose a password through the "
            "link below; it is valid for {days} days and works once.",
        ),
    },
    "password_reset": {
        "nl": (
            "Nieuw wachtwoord instellen",
            "Je vroeg om een nieuw wachtwoord voor {organisation}. Kies het via de link "
            "hieronder; de link is {minutes} minuten geldig en werkt één keer. Vroeg je dit "
            "niet? Dan kun je deze mail negeren.",
        ),
        "en": (
            "Set a new password",
            "You asked for a new password for {organisation}. Choose it through the link below; "
            "it is valid for {minutes} minutes and works once. Did you not ask for this? Then "
            "you can ignore this mail.",
        ),
    },
}

_LINK = {"nl": "Openen", "en": "Open"}
_GREETING = {"nl": "Hallo {name},", "en": "Hello {name},"}
_FOOTER = {
    "nl": "Je krijgt deze mail van Ouderlink. Meldingen stel je in de app in onder "
    "Instellingen > Meldingen.",
    "en": "You receive this mail from Ouderlink. Choose your notifications in the app under "
    "Settings > Notifications.",
}


class _Safe(dict):
    def __missing__(self, key: str) -> str:
        return ""


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str
    url: str
    text: str
    html: str


def link(path: str) -> str:
    return f"{settings.APP_URL.rstrip('/')}{path}"


def render(kind: str, locale: str, params: dict[str, str], url: str, name: str = "") -> Rendered:
    """The notification of `kind` in the user's language (Dutch unless it starts with en)."""
    lang = "en" if (locale or "").lower().startswith("en") else "nl"
    title_t, body_t = TEXTS[kind][lang]
    values = _Safe(params)
    title, body = title_t.format_map(values), body_t.format_map(values)
    greeting = (
        _GREETING[lang].replace("{name}", name) if name else _GREETING[lang].replace(" {name}", "")
    )
    text = f"{greeting}\n\n{body}\n\n{_LINK[lang]}: {url}\n\n-- \n{_FOOTER[lang]}\n"
    e = html.escape
    page = (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{e(title)}</title></head><body>"
        f"<p>{e(greeting)}</p><p>{e(body)}</p>"
        f'<p><a href="{e(url, quote=True)}">{e(_LINK[lang])}</a></p>'
        f'<hr><p style="color:#666;font-size:small">{e(_FOOTER[lang])}</p>'
        "</body></html>"
    )
    return Rendered(title, body, url, text, page)
