"""Notifications: per-user settings, recipients per event type, delivery by e-mail and Web Push.

- `settings`: what each user wants per item type (defaults when they never chose).
- `registry` + `recipients`: event type -> notification item and who gets it.
- `dispatch`: reads the event log (own cursor per organisation), writes one delivery row per
  user and channel, claims due rows and sends them with retries and backoff.
- `email` (aiosmtplib), `push` (pywebpush + VAPID), `templates` (Dutch and English).
- `worker`: the loop, started by the server or standalone (`python -m
  services.notifications.worker`).
"""
