-- Each entry's HMAC-SHA256 (hex) under WARDEN_AUDIT_KEY of its sequence and hash: the chain's
-- anchor outside the table, so a rewrite with recomputed hashes no longer verifies. Null for
-- entries recorded without a key (before one was set, or a deployment that runs without one).
-- ALTER TABLE fires no row trigger: the append-only triggers stay as they are.
ALTER TABLE "audit_log" ADD COLUMN "signature" VARCHAR(64);
