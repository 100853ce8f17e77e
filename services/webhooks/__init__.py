"""Webhooks: signed POSTs of chosen events to HTTPS endpoints an organisation's admin registers.

- `catalogue`: the public event names, the internal event types they come from and the scope
  each needs.
- `payload`: the JSON body of one event for one endpoint, limited by the endpoint's scopes
  (ids and non-personal facts only: no names, no parent details, no message text).
- `signing`: `whsec_` secrets (kept sealed at rest, shown once) and the
  `Ouderlink-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">` header.
- `addresses`: which URLs may be registered and called (HTTPS, no private hosts in
  production, also when a name resolves to one at send time).
- `endpoints`: register, list, update, remove, rotate the secret, the delivery log (admins).
- `dispatch`: from the event log (own cursor per organisation) to delivery rows, sent with
  leases, retries with exponential backoff and jitter, and a log of every attempt.
- `worker`: the loop, started by the server (WEBHOOKS_WORKER) or standalone
  (`python -m services.webhooks.worker`).
"""
