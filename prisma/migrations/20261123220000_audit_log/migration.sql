-- The audit log: every incident of `auth.incidents`, once (its id is unique), in one order
-- (`seq`, 1, 2, 3… with no gaps), each row's `hash` the SHA-256 of the previous row's hash and
-- this row's canonical content, so that `GET /v1/audit/verify` finds any row changed, removed or
-- inserted out of order.
CREATE TABLE "audit_log" (
    "seq" BIGINT NOT NULL,
    "id" UUID NOT NULL,
    "type" VARCHAR(32) NOT NULL,
    "severity" VARCHAR(16) NOT NULL,
    "subject" VARCHAR(1024) NOT NULL,
    "rule" VARCHAR(128),
    "level" INTEGER,
    "until" TIMESTAMPTZ(3),
    "attempt_ids" UUID[] NOT NULL,
    "actor" VARCHAR(256) NOT NULL,
    "reason" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "simulated" BOOLEAN NOT NULL,
    "policy_version" VARCHAR(64),
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    "hash" VARCHAR(64) NOT NULL,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("seq")
);

CREATE UNIQUE INDEX "audit_log_id_key" ON "audit_log"("id");
CREATE INDEX "audit_log_subject_seq_idx" ON "audit_log"("subject", "seq");
CREATE INDEX "audit_log_type_seq_idx" ON "audit_log"("type", "seq");
CREATE INDEX "audit_log_at_idx" ON "audit_log"("at");

-- Append-only: rows cannot be changed, deleted or truncated through ordinary statements. This is
-- a guard against mistakes, not a security boundary (the table's owner can disable the trigger):
-- what makes tampering visible is the hash chain, which `verify` recomputes.
CREATE FUNCTION "audit_log_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "audit_log_append_only" BEFORE UPDATE OR DELETE ON "audit_log"
    FOR EACH ROW EXECUTE FUNCTION "audit_log_refuse_change"();
CREATE TRIGGER "audit_log_no_truncate" BEFORE TRUNCATE ON "audit_log"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_refuse_change"();
