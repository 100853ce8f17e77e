"""The domain layer: every business rule of Ouderlink. Never imports strawberry."""
