"""Plain HTTP endpoints next to GraphQL (media bytes). Parsing only; rules live in services."""
