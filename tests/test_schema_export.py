"""schema.graphql at the repository root is what `schema:schema` prints."""

from __future__ import annotations

from pathlib import Path

from schema import schema

EXPORTED = Path(__file__).resolve().parent.parent / "schema.graphql"


def test_the_exported_schema_is_up_to_date():
    assert EXPORTED.read_text().strip() == schema.as_str().strip(), (
        "schema.graphql is stale: run `.venv/bin/python -m tools.export_schema`"
    )


def test_the_contract_entry_points_keep_their_names():
    printed = schema.as_str()
    for name in (
        "node(id: ID!): Node",
        "viewer: Viewer",
        "about: About!",
        "login(input: LoginInput!): LoginResult!",
        "logout: Boolean!",
        "changePassword(input: ChangePasswordInput!): ChangePasswordResult!",
        "firstName: String!",
        "lastName: String!",
        "birthDate: Date!",
    ):
        assert name in printed, name
