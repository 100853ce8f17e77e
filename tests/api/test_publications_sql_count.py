"""No N+1 on the parent's location screens: news, newsletters and documents with their files
take the same number of SQL statements for 1 item as for 20."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from models import DocumentKind
from services import clock, documents, news, newsletters
from services.documents import NewDocument
from tests import factories
from tests.publication_samples import principal_of, ready_file
from tests.sql_counter import count_sql

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

SCREEN = """
{ viewer {
  locations { name openingHours { weekday opens } }
  news(first: 20) { edges { node { title isRead readCount hasAttachments location { name }
                                   attachments { filename downloadUrl } } } }
  newsletters(first: 20) { edges { node { title html hasAttachments location { name }
                                          attachments { downloadUrl } } } }
  documents(first: 20) { edges { node { title amountFormatted file { downloadUrl } } } }
} }"""


async def fill(slug: str, n: int):
    """A tenant whose parent has `n` news items, newsletters and invoices, each with files."""
    clock.set_clock(lambda: NOW)
    t = await factories.tenant(slug)
    planner = await principal_of(t.planner)
    for i in range(n):
        clock.set_clock(lambda i=i: NOW - timedelta(minutes=n - i))
        files = [(await ready_file(t.planner)).id for _ in range(2)]
        where = t.location.id if i % 2 == 0 else None
        await news.publish(
            planner, title=f"n{i}", body="x", location_id=where, attachment_ids=files
        )
        await newsletters.publish(
            planner, title=f"b{i}", html="<p>x</p>", location_id=where, attachment_ids=files[:1]
        )
        await documents.upload(planner, NewDocument(
            t.parent.id, DocumentKind.INVOICE, f"d{i}", files[0], number=f"F{i}",
            period_start=date(2026, 10, 1), period_end=date(2026, 10, 31), amount_cents=100 * i,
        ))  # fmt: skip
    clock.set_clock(lambda: NOW)
    return await factories.token_for(t.parent)


async def statements(gql, token: str) -> int:
    with count_sql() as log:
        result = await gql(SCREEN, token=token)
    assert "errors" not in result, result["errors"]
    return log.count


async def test_twenty_items_take_as_many_statements_as_one(db, gql):
    # given
    one = await fill("hoera", 1)
    many = await fill("zonnestraal", 20)
    # when
    few = await statements(gql, one)
    lots = await statements(gql, many)
    # then
    assert lots == few, f"{few} statements for 1 item, {lots} for 20"
