"""GET /healthz and /readyz"""

from __future__ import annotations


async def test_healthz_says_the_process_is_up(client):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_checks_database_and_broadcast(client):
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broadcast": "ok"}
