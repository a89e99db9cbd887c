"""The alert outbox in the store."""

from __future__ import annotations

from collections.abc import Sequence

from .base import StoreBase
from .rows import DueDeliveryRow, NewAlert, SendingDeliveryRow, _plain, _typed


class AlertsStore(StoreBase):
    """The alert outbox: alerts queued with their article, deliveries."""

    def queue_alert(self, alert: NewAlert, targets: Sequence[str], now: str) -> int | None:
        """Record an alert and one pending delivery per target, inside the caller's (the
        article's) transaction. None if this flag was queued before."""
        db = self._writing()
        subject = alert.claim_key if alert.claim_key is not None else alert.development_id
        row = {**_plain(alert), "key": f"{alert.kind}/{alert.article_id}/{subject}"}
        cursor = db.execute(
            """INSERT OR IGNORE INTO alerts (key, kind, band, story, claim_key, development_id,
                      article_id, created_at, payload)
               VALUES (:key, :kind, :band, :story, :claim_key, :development_id, :article_id,
                       :created_at, :payload)""",
            row,
        )
        if cursor.rowcount != 1:
            return None
        alert_id = int(cursor.lastrowid or 0)
        for target in targets:
            db.execute(
                """INSERT INTO alert_deliveries (alert_id, target, status, attempts,
                          next_attempt_at) VALUES (?, ?, 'pending', 0, ?)""",
                [alert_id, target, now],
            )
        return alert_id

    def due_deliveries(self, now: str, limit: int = 50) -> list[DueDeliveryRow]:
        """Pending deliveries due at ``now``, oldest first, each with its alert."""
        return _typed(DueDeliveryRow, self.query(
            """SELECT d.alert_id, d.target, d.attempts, a.kind, a.band, a.story, a.claim_key,
                      a.payload
               FROM alert_deliveries d JOIN alerts a ON a.id = d.alert_id
               WHERE d.status = 'pending' AND d.next_attempt_at <= ?
               ORDER BY d.next_attempt_at, d.alert_id LIMIT ?""",
            [now, limit],
        ))

    def claim_delivery(self, alert_id: int, target: str, *, claimer: str, now: str) -> bool:
        """Mark a delivery as being sent by ``claimer``; False if another sender took it."""
        with self.transaction() as db:
            cursor = db.execute(
                """UPDATE alert_deliveries SET status = 'sending', claimed_by = ?,
                          claimed_at = ?
                   WHERE alert_id = ? AND target = ? AND status = 'pending'""",
                [claimer, now, alert_id, target],
            )
            return cursor.rowcount == 1

    def finish_delivery(self, alert_id: int, target: str, *, status: str, now: str,
                        next_attempt_at: str | None = None, error: str | None = None) -> None:
        """``sent``, ``failed`` (given up), or back to ``pending`` for a retry later."""
        with self.transaction() as db:
            db.execute(
                """UPDATE alert_deliveries SET status = ?, attempts = attempts + 1,
                          sent_at = CASE WHEN ? = 'sent' THEN ? END,
                          next_attempt_at = coalesce(?, next_attempt_at), last_error = ?,
                          claimed_by = NULL, claimed_at = NULL
                   WHERE alert_id = ? AND target = ?""",
                [status, status, now, next_attempt_at, error, alert_id, target],
            )

    def sending_deliveries(self) -> list[SendingDeliveryRow]:
        return _typed(SendingDeliveryRow, self.query(
            """SELECT alert_id, target, claimed_by, claimed_at FROM alert_deliveries
               WHERE status = 'sending'"""
        ))

    def release_delivery(self, alert_id: int, target: str, claimed_by: str) -> None:
        """A claim whose sender died: pending again (it may have reached the target)."""
        with self.transaction() as db:
            db.execute(
                """UPDATE alert_deliveries SET status = 'pending', claimed_by = NULL,
                          claimed_at = NULL
                   WHERE alert_id = ? AND target = ? AND status = 'sending'
                     AND claimed_by = ?""",
                [alert_id, target, claimed_by],
            )

    def drop_deliveries(self, targets_kept: Sequence[str]) -> int:
        """Deliveries to targets no longer configured: never sent (marked failed)."""
        marks = ",".join("?" * len(targets_kept)) or "''"
        with self.transaction() as db:
            cursor = db.execute(
                f"""UPDATE alert_deliveries SET status = 'failed',
                           last_error = 'target no longer configured'
                    WHERE status IN ('pending', 'sending') AND target NOT IN ({marks})""",
                list(targets_kept),
            )
            return cursor.rowcount

    def delivery_counts(self) -> dict[str, int]:
        counts = {"pending": 0, "sending": 0, "sent": 0, "failed": 0}
        if "alert_deliveries" not in self.db.table_names():
            return counts
        for status, n in self.db.execute(
            "SELECT status, count(*) FROM alert_deliveries GROUP BY status"
        ):
            counts[status] = int(n)
        return counts
