"""The demo data through the parent's screens: my location, news, newsletters, documents."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from demo import seed
from demo.data import PASSWORD
from services import auth, clock
from services.sanitise import sanitise_html

TODAY = date(2026, 11, 30)
NOON = datetime.combine(TODAY, time(12, 0), tzinfo=ZoneInfo("Europe/Amsterdam"))

SCREENS = """
{ viewer {
  locations { name phone email address { formatted } openingHours { weekday closed opens } }
  news(first: 20) { edges { node { title body publishedAt isRead hasAttachments location { name }
                                   attachments { filename downloadUrl } } } }
  newsletters { edges { node { title html location { name } } } }
  documents(first: 50) { edges { node { kind title number amountCents amountFormatted status
                                        signedOn year file { filename downloadUrl } } } }
} }"""


async def login(email: str) -> str:
    granted = await auth.login(
        organisation_slug="hoera", email=email, password=PASSWORD, client_address="192.0.2.1"
    )
    return granted.token


async def test_the_demo_parent_sees_location_news_newsletters_and_documents(db, client, gql):
    # given
    clock.set_clock(lambda: NOON)
    await seed(today=TODAY)
    token = await login("ouder@hoera.example")
    # when
    result = await gql(SCREENS, token=token)
    # then
    assert "errors" not in result, result.get("errors")
    viewer = result["data"]["viewer"]
    assert [loc["name"] for loc in viewer["locations"]] == ["Hoera De Boomgaard"]
    assert viewer["locations"][0]["openingHours"][0] == {
        "weekday": "MONDAY", "closed": False, "opens": "07:00:00",
    }  # fmt: skip

    news = [e["node"] for e in viewer["news"]["edges"]]
    titles = [n["title"] for n in news]
    assert titles[0] == "Sluitingsdagen rond de feestdagen"
    assert "Sinterklaas op bezoek" not in titles  # the draft
    assert "Herfstvakantieprogramma BSO Klavertje Vier" not in titles  # another location
    assert [n["publishedAt"] for n in news] == sorted(
        (n["publishedAt"] for n in news), reverse=True
    )
    assert news[0]["hasAttachments"] is True
    assert any(n["isRead"] for n in news)
    pdf = await client.get(
        news[0]["attachments"][0]["downloadUrl"], headers={"Authorization": f"Bearer {token}"}
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")

    letters = [e["node"] for e in viewer["newsletters"]["edges"]]
    assert [n["title"] for n in letters] == ["Nieuwsbrief Hoera – najaar"]
    assert letters[0]["html"] == sanitise_html(letters[0]["html"])
    assert "<h2>" in letters[0]["html"] and 'rel="noopener noreferrer"' in letters[0]["html"]

    docs = [e["node"] for e in viewer["documents"]["edges"]]
    kinds = {d["kind"] for d in docs}
    assert {"INVOICE", "CONTRACT", "ANNUAL_STATEMENT"} <= kinds
    invoices = [d for d in docs if d["kind"] == "INVOICE"]
    assert all(d["number"] and d["amountFormatted"].startswith("€ ") for d in invoices)
    assert {d["status"] for d in invoices} <= {"OPEN", "PAID"}
    assert all(d["signedOn"] for d in docs if d["kind"] == "CONTRACT")
    assert all(d["year"] == 2025 for d in docs if d["kind"] == "ANNUAL_STATEMENT")
    download = await client.get(
        docs[0]["file"]["downloadUrl"], headers={"Authorization": f"Bearer {token}"}
    )
    assert download.status_code == 200 and download.content.startswith(b"%PDF-")
