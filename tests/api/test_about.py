"""query about"""

from __future__ import annotations

import settings


async def test_about_names_server_and_api_version_without_login(db, gql):
    result = await gql("{ about { serverVersion apiVersion buildDate } }")
    assert result["data"]["about"] == {
        "serverVersion": settings.SERVER_VERSION,
        "apiVersion": settings.API_VERSION,
        "buildDate": settings.BUILD_DATE,
    }
