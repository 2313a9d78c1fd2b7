-- Reads of the security team's console and CLI (GET /v1/bans, GET /v1/stats), each an index
-- range scan. Two of the three replace an index whose leading column they keep, so the writes of
-- the ban engine, the archiver and the audit consumer maintain no more indexes than before.

-- GET /v1/bans: newest first within a status, paged by (since, subject).
CREATE INDEX "bans_status_since_subject_idx" ON "bans"("status", "since", "subject");

-- GET /v1/stats, attempts per minute and outcome: an index-only scan of the window.
DROP INDEX "login_attempts_occurred_at_idx";
CREATE INDEX "login_attempts_occurred_at_outcome_idx" ON "login_attempts"("occurred_at", "outcome");

-- GET /v1/stats, incidents per minute by type and rule, and the most banned subjects: an
-- index-only scan of the window. Searches and exports by time use it as they used (at).
DROP INDEX "audit_log_at_idx";
CREATE INDEX "audit_log_at_type_rule_simulated_level_subject_idx" ON "audit_log"("at", "type", "rule", "simulated", "level", "subject");
