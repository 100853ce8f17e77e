"""query viewer.archiveJobs, node(id:) of an ArchiveJob, and GET of its signed ZIP address"""

from __future__ import annotations

import io
import zipfile
from urllib.parse import urlparse

from schema.ids import to_global_id
from services import archives, auth
from tests import factories

JOBS = "{ viewer { archiveJobs { id status progress size downloadUrl } } }"
NODE = "query($id: ID!) { node(id: $id) { ... on ArchiveJob { id status } } }"


async def built_job(t):
    principal = await auth.authenticate(await factories.token_for(t.parent))
    job = await archives.request_archive(principal, t.child.id)
    await archives.build_queued()
    return job


async def test_the_requester_sees_the_finished_job_and_downloads_the_zip(db, gql, client):
    # given
    t = await factories.tenant()
    job = await built_job(t)
    token = await factories.token_for(t.parent)
    # when
    result = await gql(JOBS, token=token)
    # then
    [row] = result["data"]["viewer"]["archiveJobs"]
    assert row["status"] == "DONE" and row["progress"] == 100 and row["size"] > 0
    response = await client.get(urlparse(row["downloadUrl"]).path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert "attachment" in response.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
        assert "Sam" in zf.read("index.html").decode()
    node = await gql(NODE, {"id": to_global_id("ArchiveJob", job.id)}, token=token)
    assert node["data"]["node"]["status"] == "DONE"


async def test_another_user_neither_lists_nor_fetches_it(db, gql):
    # given
    t = await factories.tenant()
    job = await built_job(t)
    token = await factories.token_for(t.other_parent)
    # when
    jobs = await gql(JOBS, token=token)
    node = await gql(NODE, {"id": to_global_id("ArchiveJob", job.id)}, token=token)
    # then
    assert jobs["data"]["viewer"]["archiveJobs"] == []
    assert node["data"]["node"] is None


async def test_a_tampered_address_is_refused(db, client):
    t = await factories.tenant()
    await built_job(t)
    response = await client.get("/archives/abc.def")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "DOWNLOAD_URL_INVALID"
