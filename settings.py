"""Settings, read once from the environment (and an optional `.env` file) into constants."""

from __future__ import annotations

from pathlib import Path

from starlette.config import Config
from starlette.datastructures import CommaSeparatedStrings, Secret

ROOT = Path(__file__).resolve().parent
config = Config(ROOT / ".env" if (ROOT / ".env").exists() else None)

DEFAULT_SECRET = "dev-only-secret-change-me"

# "development" (GraphiQL, readable errors), "production" (masked errors, real secret) or "test".
ENVIRONMENT: str = config("OUDERLINK_ENV", default="development")
DEBUG: bool = ENVIRONMENT != "production"

DATABASE_URL: str = config(
    "DATABASE_URL", default=f"sqlite://{ROOT / 'data' / 'ouderlink.sqlite3'}"
)
REDIS_URL: str = config("REDIS_URL", default="")
MEDIA_ROOT: Path = Path(config("MEDIA_ROOT", default=str(ROOT / "data" / "media")))
SECRET_KEY: Secret = config("SECRET_KEY", cast=Secret, default=DEFAULT_SECRET)
ALLOWED_ORIGINS: CommaSeparatedStrings = config(
    "ALLOWED_ORIGINS",
    cast=CommaSeparatedStrings,
    default="http://localhost:3000,http://127.0.0.1:3000,http://localhost:8000,http://127.0.0.1:8000",
)
HOST: str = config("HOST", default="127.0.0.1")
PORT: int = config("PORT", cast=int, default=8000)
PUBLIC_URL: str = config("PUBLIC_URL", default=f"http://{HOST}:{PORT}")

SESSION_TTL_HOURS: int = config("SESSION_TTL_HOURS", cast=int, default=24 * 30)
LOGIN_MAX_FAILURES_PER_ACCOUNT: int = config("LOGIN_MAX_FAILURES_PER_ACCOUNT", cast=int, default=5)
LOGIN_MAX_FAILURES_PER_ADDRESS: int = config("LOGIN_MAX_FAILURES_PER_ADDRESS", cast=int, default=20)
LOGIN_THROTTLE_WINDOW_MINUTES: int = config("LOGIN_THROTTLE_WINDOW_MINUTES", cast=int, default=15)

INTROSPECTION: bool = config("INTROSPECTION", cast=bool, default=True)
MAX_QUERY_DEPTH: int = config("MAX_QUERY_DEPTH", cast=int, default=12)
MAX_ALIASES: int = config("MAX_ALIASES", cast=int, default=30)
MAX_TOKENS: int = config("MAX_TOKENS", cast=int, default=2000)
MAX_PAGE_SIZE: int = config("MAX_PAGE_SIZE", cast=int, default=100)
# Query cost and budgets (README "Cost limits and persisted queries"): a query costing more
# than MAX_QUERY_COST is refused before it runs; every caller (token, user, or address when
# anonymous) has a leaky bucket of RATE_BUDGET_CAPACITY points refilling at
# RATE_BUDGET_RESTORE_RATE points a second (shared through Redis when REDIS_URL is set).
MAX_QUERY_COST: int = config("MAX_QUERY_COST", cast=int, default=10000)
RATE_BUDGET_CAPACITY: int = config("RATE_BUDGET_CAPACITY", cast=int, default=20000)
RATE_BUDGET_RESTORE_RATE: float = config("RATE_BUDGET_RESTORE_RATE", cast=float, default=500.0)
# Automatic persisted queries: kept this long in Redis, or the last APQ_CACHE_SIZE in-process.
APQ_TTL_SECONDS: int = config("APQ_TTL_SECONDS", cast=int, default=7 * 24 * 3600)
APQ_CACHE_SIZE: int = config("APQ_CACHE_SIZE", cast=int, default=1000)
# Queries over GET may be cached this long by the client (Cache-Control: private).
GET_CACHE_MAX_AGE_SECONDS: int = config("GET_CACHE_MAX_AGE_SECONDS", cast=int, default=30)
# Result cache (README "Performance"): a parent's answer to a document of cacheable fields
# only, reused while the organisation's newest event id stays the same, at most
# RESULT_CACHE_SECONDS (below MEDIA_DOWNLOAD_TTL_SECONDS: cached answers carry signed URLs),
# the newest RESULT_CACHE_ENTRIES answers and RESULT_CACHE_BYTES of JSON per process.
RESULT_CACHE: bool = config("RESULT_CACHE", cast=bool, default=True)
RESULT_CACHE_SECONDS: float = config("RESULT_CACHE_SECONDS", cast=float, default=30.0)
RESULT_CACHE_ENTRIES: int = config("RESULT_CACHE_ENTRIES", cast=int, default=2000)
RESULT_CACHE_BYTES: int = config("RESULT_CACHE_BYTES", cast=int, default=64 * 1024 * 1024)
# Those documents executed by a plan compiled once per document, not field by field through
# graphql-core (schema.compiled_query); false: graphql-core executes every query.
COMPILED_QUERIES: bool = config("COMPILED_QUERIES", cast=bool, default=True)

# Media: upload limits per kind, signed URL lifetimes, image processing.
MEDIA_MAX_PHOTO_BYTES: int = config("MEDIA_MAX_PHOTO_BYTES", cast=int, default=20 * 1024 * 1024)
MEDIA_MAX_VIDEO_BYTES: int = config("MEDIA_MAX_VIDEO_BYTES", cast=int, default=200 * 1024 * 1024)
MEDIA_MAX_DOCUMENT_BYTES: int = config(
    "MEDIA_MAX_DOCUMENT_BYTES", cast=int, default=20 * 1024 * 1024
)
MEDIA_MAX_IMAGE_PIXELS: int = config("MEDIA_MAX_IMAGE_PIXELS", cast=int, default=50_000_000)
MEDIA_THUMBNAIL_PX: int = config("MEDIA_THUMBNAIL_PX", cast=int, default=480)
MEDIA_UPLOAD_TTL_SECONDS: int = config("MEDIA_UPLOAD_TTL_SECONDS", cast=int, default=15 * 60)
MEDIA_DOWNLOAD_TTL_SECONDS: int = config("MEDIA_DOWNLOAD_TTL_SECONDS", cast=int, default=5 * 60)

# Live events: a subscriber more than BROADCAST_QUEUE_SIZE events behind is disconnected.
# Agenda: how often the background task expires pending days whose moment passed (0: never).
EXPIRY_INTERVAL_SECONDS: float = config("EXPIRY_INTERVAL_SECONDS", cast=float, default=60.0)

BROADCAST_QUEUE_SIZE: int = config("BROADCAST_QUEUE_SIZE", cast=int, default=1000)
# Every channel name starts with this, so deployments (or test runs) sharing a Redis never mix.
BROADCAST_CHANNEL_PREFIX: str = config("BROADCAST_CHANNEL_PREFIX", default="ouderlink:")
# Redis CLIENT SETNAME of this process's connections (the process id is appended).
BROADCAST_CLIENT_NAME: str = config("BROADCAST_CLIENT_NAME", default="ouderlink")
# Other keys this process keeps in Redis (query budgets, persisted queries) start with this.
REDIS_KEY_PREFIX: str = config("REDIS_KEY_PREFIX", default=BROADCAST_CHANNEL_PREFIX)
# How often events whose publication failed (Redis down) are published again.
RELAY_INTERVAL_SECONDS: float = config("RELAY_INTERVAL_SECONDS", cast=float, default=30.0)
# ...but only events older than this: younger ones are still being published by their request.
RELAY_GRACE_SECONDS: float = config("RELAY_GRACE_SECONDS", cast=float, default=5.0)
# How often a live subscription re-checks its session (revocations: expiry is exact) and its
# scope, and looks for missed events (each subscription at its own moment, spread out).
LIVE_POLL_SECONDS: float = config("LIVE_POLL_SECONDS", cast=float, default=300.0)
# Each process reads its organisations' new events at least this often, also without a
# broadcast wake-up (one query per organisation with live subscribers, see subscriptions/feed).
LIVE_FEED_POLL_SECONDS: float = config("LIVE_FEED_POLL_SECONDS", cast=float, default=5.0)
# WebSocket limits.
WS_KEEPALIVE_SECONDS: float = config("WS_KEEPALIVE_SECONDS", cast=float, default=15.0)
# A graphql-transport-ws connection that leaves a server ping unanswered this long is closed
# (1011; subscriptions/keepalive.py).
WS_KEEPALIVE_TIMEOUT_SECONDS: float = config(
    "WS_KEEPALIVE_TIMEOUT_SECONDS", cast=float, default=20.0
)
WS_INIT_TIMEOUT_SECONDS: float = config("WS_INIT_TIMEOUT_SECONDS", cast=float, default=5.0)
WS_MAX_SUBSCRIPTIONS: int = config("WS_MAX_SUBSCRIPTIONS", cast=int, default=20)
# permessage-deflate for WebSockets started by `python server.py` (about 40 KB more server
# memory per connection; with `uvicorn` directly: --ws-per-message-deflate true/false).
WS_PER_MESSAGE_DEFLATE: bool = config("WS_PER_MESSAGE_DEFLATE", cast=bool, default=False)
# The cyclic garbage collector's thresholds for server processes ("" leaves Python's 700,10,10);
# start-up objects are frozen out of it (services/gc_tuning.py).
GC_THRESHOLDS: str = config("GC_THRESHOLDS", default="50000,10,10")
# Every so many seconds, a full collection, after which every surviving object is frozen
# out of the collector (long-lived connections are not walked again); 0: never (the default:
# services/gc_tuning.py says why).
GC_REFREEZE_SECONDS: float = config("GC_REFREEZE_SECONDS", cast=float, default=0)
# Messages: plain text of at most this many characters, at most this many attachments.
MESSAGE_MAX_LENGTH: int = config("MESSAGE_MAX_LENGTH", cast=int, default=4000)
MESSAGE_MAX_ATTACHMENTS: int = config("MESSAGE_MAX_ATTACHMENTS", cast=int, default=10)
# Notifications (e-mail over SMTP, Web Push with VAPID), invitations, password reset, archives.
NOTIFICATIONS_WORKER: bool = config("NOTIFICATIONS_WORKER", cast=bool, default=True)
NOTIFICATIONS_POLL_SECONDS: float = config("NOTIFICATIONS_POLL_SECONDS", cast=float, default=5.0)
NOTIFICATIONS_MAX_ATTEMPTS: int = config("NOTIFICATIONS_MAX_ATTEMPTS", cast=int, default=8)
NOTIFICATIONS_RETRY_BASE_SECONDS: float = config(
    "NOTIFICATIONS_RETRY_BASE_SECONDS", cast=float, default=30.0
)
NOTIFICATIONS_CLAIM_SECONDS: int = config("NOTIFICATIONS_CLAIM_SECONDS", cast=int, default=300)
# Where links in mails and pushes point to (the parent app); PUBLIC_URL by default.
APP_URL: str = config("APP_URL", default=PUBLIC_URL)
SMTP_HOST: str = config("SMTP_HOST", default="127.0.0.1")
SMTP_PORT: int = config("SMTP_PORT", cast=int, default=25)
# "none", "starttls" or "tls" (implicit TLS, usually port 465).
SMTP_SECURITY: str = config("SMTP_SECURITY", default="none")
SMTP_USER: str = config("SMTP_USER", default="")
SMTP_PASSWORD: Secret = config("SMTP_PASSWORD", cast=Secret, default="")
SMTP_TIMEOUT_SECONDS: float = config("SMTP_TIMEOUT_SECONDS", cast=float, default=20.0)
MAIL_FROM: str = config("MAIL_FROM", default="Ouderlink <no-reply@ouderlink.localhost>")
# VAPID: the private key as base64url raw (32 bytes) or DER; development generates one into
# VAPID_KEY_FILE when it is missing, production refuses to start without it.
VAPID_PRIVATE_KEY: Secret = config("VAPID_PRIVATE_KEY", cast=Secret, default="")
VAPID_KEY_FILE: Path = Path(
    config("VAPID_KEY_FILE", default=str(ROOT / "data" / "vapid-private.txt"))
)
VAPID_SUBJECT: str = config("VAPID_SUBJECT", default="mailto:no-reply@ouderlink.localhost")
PUSH_TTL_SECONDS: int = config("PUSH_TTL_SECONDS", cast=int, default=24 * 3600)
PUSH_TIMEOUT_SECONDS: float = config("PUSH_TIMEOUT_SECONDS", cast=float, default=10.0)
INVITATION_TTL_DAYS: int = config("INVITATION_TTL_DAYS", cast=int, default=14)
PASSWORD_RESET_TTL_MINUTES: int = config("PASSWORD_RESET_TTL_MINUTES", cast=int, default=60)
PASSWORD_RESET_MAX_PER_HOUR: int = config("PASSWORD_RESET_MAX_PER_HOUR", cast=int, default=3)
PASSWORD_RESET_MAX_PER_ADDRESS: int = config("PASSWORD_RESET_MAX_PER_ADDRESS", cast=int, default=20)
ARCHIVE_TTL_HOURS: int = config("ARCHIVE_TTL_HOURS", cast=int, default=72)
ARCHIVE_DOWNLOAD_TTL_SECONDS: int = config(
    "ARCHIVE_DOWNLOAD_TTL_SECONDS", cast=int, default=15 * 60
)
# Webhooks: signed POSTs of chosen events to endpoints admins register (HTTPS only, and never
# to private or loopback addresses, unless WEBHOOK_ALLOW_INSECURE_LOCALHOST: development/test).
WEBHOOKS_WORKER: bool = config("WEBHOOKS_WORKER", cast=bool, default=True)
WEBHOOKS_POLL_SECONDS: float = config("WEBHOOKS_POLL_SECONDS", cast=float, default=5.0)
WEBHOOK_MAX_ENDPOINTS: int = config("WEBHOOK_MAX_ENDPOINTS", cast=int, default=10)
WEBHOOK_MAX_ATTEMPTS: int = config("WEBHOOK_MAX_ATTEMPTS", cast=int, default=10)
WEBHOOK_RETRY_BASE_SECONDS: float = config("WEBHOOK_RETRY_BASE_SECONDS", cast=float, default=30.0)
WEBHOOK_TIMEOUT_SECONDS: float = config("WEBHOOK_TIMEOUT_SECONDS", cast=float, default=10.0)
WEBHOOK_CLAIM_SECONDS: int = config("WEBHOOK_CLAIM_SECONDS", cast=int, default=120)
WEBHOOK_ALLOW_INSECURE_LOCALHOST: bool = config(
    "WEBHOOK_ALLOW_INSECURE_LOCALHOST", cast=bool, default=ENVIRONMENT != "production"
)
SERVER_VERSION: str = "0.1.0"
API_VERSION: str = "1.0"
BUILD_DATE: str = config("BUILD_DATE", default="2026-11-28")


class ConfigurationError(RuntimeError):
    """The process refuses to start with this configuration."""


def check_production_settings() -> None:
    """Production never runs with the development secret or a local SQLite file by accident."""
    if ENVIRONMENT == "production" and str(SECRET_KEY) == DEFAULT_SECRET:
        raise ConfigurationError("SECRET_KEY must be set to a strong secret in production")
    if ENVIRONMENT == "production" and not str(VAPID_PRIVATE_KEY):
        raise ConfigurationError("VAPID_PRIVATE_KEY must be set in production (Web Push)")
