"""Demo data for Ouderlink: `python -m demo` fills a database with two organisations."""

from demo.seed import DEMO_LOGINS, DemoLogin, DemoSummary, format_logins, reset_demo, seed

__all__ = ["DEMO_LOGINS", "DemoLogin", "DemoSummary", "format_logins", "reset_demo", "seed"]
