"""Write schema.graphql from schema:schema. Run: `python -m tools.export_schema`."""

from __future__ import annotations

from pathlib import Path

from schema import schema

TARGET = Path(__file__).resolve().parent.parent / "schema.graphql"


def main() -> None:
    TARGET.write_text(schema.as_str().strip() + "\n")
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
