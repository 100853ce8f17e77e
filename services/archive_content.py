"""What goes into a child's archive: the rows (timeline, diary, messages, agenda history,
credits) and the media files, and the readable `index.html` (plain, escaped HTML)."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date, datetime

from models import (
    Absence,
    Child,
    Conversation,
    CreditLedgerEntry,
    CreditType,
    DiaryEntry,
    DiaryMedia,
    MediaFile,
    MediaStatus,
    Message,
    MessageAttachment,
    RequestedDay,
    TimelineItem,
    TimelineItemChild,
    TimelineMedia,
    User,
)
from services.media import clean_filename


@dataclass
class Content:
    child: Child
    timeline: list[tuple[datetime, str, str, list[int]]] = field(default_factory=list)
    diary: list[tuple[date, str, str, list[int]]] = field(default_factory=list)
    messages: list[tuple[datetime, str, str, list[int]]] = field(default_factory=list)
    days: list[RequestedDay] = field(default_factory=list)
    absences: list[Absence] = field(default_factory=list)
    credits: list[tuple[datetime, str, str, int, str]] = field(default_factory=list)
    media: dict[int, MediaFile] = field(default_factory=dict)

    def file_name(self, media_id: int) -> str:
        m = self.media[media_id]
        return f"media/{m.id}-{clean_filename(m.filename, f'bestand-{m.id}')}"


async def _names(user_ids: set[int]) -> dict[int, str]:
    rows = await User.filter(id__in=user_ids).values_list("id", "first_name", "last_name")
    return {uid: f"{first} {last}".strip() for uid, first, last in rows}


def _grouped(pairs) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for owner, media_id in pairs:
        out.setdefault(owner, []).append(media_id)
    return out


async def gather(child: Child) -> Content:
    """Everything of the child, oldest first, with a handful of queries."""
    content = Content(child)
    item_ids = await TimelineItemChild.filter(child_id=child.id).values_list("item_id", flat=True)
    items = await TimelineItem.filter(id__in=item_ids).order_by("posted_at", "id")
    item_media = _grouped(
        await TimelineMedia.filter(item_id__in=item_ids)
        .order_by("position")
        .values_list("item_id", "media_id")
    )
    entries = await DiaryEntry.filter(child_id=child.id).order_by("date", "id")
    entry_media = _grouped(
        await DiaryMedia.filter(entry_id__in=[e.id for e in entries])
        .order_by("position")
        .values_list("entry_id", "media_id")
    )
    conversation_ids = await Conversation.filter(child_id=child.id).values_list("id", flat=True)
    messages = await Message.filter(conversation_id__in=conversation_ids).order_by("sent_at", "id")
    message_media = _grouped(
        await MessageAttachment.filter(message_id__in=[m.id for m in messages]).values_list(
            "message_id", "media_id"
        )
    )
    authors = {i.author_id for i in items} | {e.author_id for e in entries}  # type: ignore[attr-defined]
    authors |= {m.author_id for m in messages}  # type: ignore[attr-defined]
    names = await _names({a for a in authors if a is not None})
    wanted = {
        m
        for ids in (*item_media.values(), *entry_media.values(), *message_media.values())
        for m in ids
    }
    content.media = {
        m.id: m
        for m in await MediaFile.filter(
            id__in=wanted,
            status=MediaStatus.READY,
            organisation_id=child.organisation_id,  # type: ignore[attr-defined]
        )
    }
    keep = content.media.keys()
    content.timeline = [
        (
            i.posted_at,
            names.get(i.author_id, ""),
            i.caption,  # type: ignore[attr-defined]
            [m for m in item_media.get(i.id, []) if m in keep],
        )
        for i in items
    ]
    content.diary = [
        (
            e.date,
            names.get(e.author_id, ""),
            e.text,  # type: ignore[attr-defined]
            [m for m in entry_media.get(e.id, []) if m in keep],
        )
        for e in entries
    ]
    content.messages = [
        (
            m.sent_at,
            names.get(m.author_id, ""),
            m.body,  # type: ignore[attr-defined]
            [a for a in message_media.get(m.id, []) if a in keep],
        )
        for m in messages
    ]
    content.days = await RequestedDay.filter(child_id=child.id).order_by("date", "id")
    content.absences = await Absence.filter(child_id=child.id).order_by("date", "id")
    types = dict(
        await CreditType.filter(organisation_id=child.organisation_id).values_list("id", "name")  # type: ignore[attr-defined]
    )
    content.credits = [
        (e.created_at, types.get(e.credit_type_id, ""), e.kind.value, e.minutes, e.note)  # type: ignore[attr-defined]
        for e in await CreditLedgerEntry.filter(child_id=child.id).order_by("created_at", "id")
    ]
    return content


_STYLE = (
    "body{font-family:sans-serif;max-width:50em;margin:2em auto;line-height:1.4}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em}"
    ".meta{color:#666;font-size:small}"
)


def _files(content: Content, media_ids: list[int]) -> str:
    e = html.escape
    links = [
        f'<a href="{e(content.file_name(m), quote=True)}">{e(content.media[m].filename)}</a>'
        for m in media_ids
    ]
    return f"<p>{' · '.join(links)}</p>" if links else ""


def index_html(content: Content, generated_at: datetime) -> str:
    """The archive's readable index page; every value escaped."""
    e = html.escape
    c = content.child
    out = [
        '<!doctype html><html lang="nl"><head><meta charset="utf-8">',
        f"<title>{e(c.first_name)} {e(c.last_name)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{e(c.first_name)} {e(c.last_name)}</h1>",
        f'<p class="meta">Geboren / born {c.birth_date.isoformat()} · '
        f"gemaakt / made {generated_at.isoformat(timespec='minutes')}</p>",
        "<h2>Tijdlijn / Timeline</h2>",
    ]
    for at, author, caption, media in content.timeline:
        out += [
            f'<article><p class="meta">{at.isoformat(timespec="minutes")} · {e(author)}</p>',
            f"<p>{e(caption)}</p>{_files(content, media)}</article>",
        ]
    out.append("<h2>Dagboek / Diary</h2>")
    for day, author, text, media in content.diary:
        out += [
            f'<article><p class="meta">{day.isoformat()} · {e(author)}</p>',
            f"<p>{e(text)}</p>{_files(content, media)}</article>",
        ]
    out.append("<h2>Berichten / Messages</h2>")
    for at, author, body, media in content.messages:
        out += [
            f'<article><p class="meta">{at.isoformat(timespec="minutes")} · {e(author)}</p>',
            f"<p>{e(body)}</p>{_files(content, media)}</article>",
        ]
    out.append(
        "<h2>Agenda</h2><table><tr><th>Datum</th><th>Tijd</th><th>Soort</th>"
        "<th>Status</th><th>Reden</th></tr>"
    )
    for d in content.days:
        out.append(
            f"<tr><td>{d.date.isoformat()}</td><td>{e(str(d.start_time))}–{e(str(d.end_time))}"
            f"</td><td>{e(d.kind.value)}</td><td>{e(d.status.value)}</td>"
            f"<td>{e(d.decision_reason)}</td></tr>"
        )
    out.append(
        "</table><h3>Afwezig / Absent</h3><table><tr><th>Datum</th><th>Dagdeel</th>"
        "<th>Reden</th><th>Opmerking</th></tr>"
    )
    for a in content.absences:
        out.append(
            f"<tr><td>{a.date.isoformat()}</td><td>{e(a.day_part.value)}</td>"
            f"<td>{e(a.reason.value)}</td><td>{e(a.remark)}</td></tr>"
        )
    out.append(
        "</table><h2>Tegoed / Credits</h2><table><tr><th>Moment</th><th>Tegoed</th>"
        "<th>Boeking</th><th>Minuten</th><th>Notitie</th></tr>"
    )
    for at, kind_name, kind, minutes, note in content.credits:
        out.append(
            f"<tr><td>{at.isoformat(timespec='minutes')}</td><td>{e(kind_name)}</td>"
            f"<td>{e(kind)}</td><td>{minutes}</td><td>{e(note)}</td></tr>"
        )
    out.append("</table></body></html>")
    return "\n".join(out)
