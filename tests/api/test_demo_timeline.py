"""The demo data renders through the API: photo posts with real, downloadable pictures."""

from __future__ import annotations

from demo import seed
from demo.data import PASSWORD
from services import auth, clock
from tests.api.test_home_query import HOME


async def test_the_demo_parent_sees_photo_posts_with_working_pictures(db, gql, client):
    # given
    await seed(today=clock.today())
    granted = await auth.login(
        organisation_slug="hoera",
        email="ouder@hoera.example",
        password=PASSWORD,
        client_address="198.51.100.9",
    )
    headers = {"Authorization": f"Bearer {granted.token}"}
    # when
    result = await gql(HOME, token=granted.token)
    # then
    assert "errors" not in result, result
    children = result["data"]["viewer"]["children"]["edges"]
    posts = [
        edge["node"]
        for child in children
        for edge in child["node"]["timeline"]["edges"]
        if edge["node"]["__typename"] == "PhotoPost"
    ]
    assert posts and all(post["media"] for post in posts)
    first = posts[0]["media"][0]
    assert (first["width"], first["height"]) == (640, 480)
    full = await client.get(first["url"], headers=headers)
    thumbnail = await client.get(first["thumbnailUrl"], headers=headers)
    assert full.status_code == thumbnail.status_code == 200
    assert full.content[:3] == thumbnail.content[:3] == b"\xff\xd8\xff"
    assert len(thumbnail.content) < len(full.content)
    assert all(child["node"]["placements"] for child in children)
