-- The ban engine's state (libs/ban-policy's SubjectState), one row per subject. Rows whose
-- `prunable_after` has passed hold nothing the policy still needs and are deleted.
CREATE TABLE "subject_states" (
    "subject" VARCHAR(1024) NOT NULL,
    "state" JSONB NOT NULL,
    "prunable_after" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "subject_states_pkey" PRIMARY KEY ("subject")
);

CREATE INDEX "subject_states_prunable_after_idx" ON "subject_states"("prunable_after");

-- The latest ban of each subject, in force or ended; `status` says which.
CREATE TABLE "bans" (
    "subject" VARCHAR(1024) NOT NULL,
    "scope" VARCHAR(32) NOT NULL,
    "rule" VARCHAR(128) NOT NULL,
    "level" INTEGER NOT NULL,
    "since" TIMESTAMPTZ(3) NOT NULL,
    "until" TIMESTAMPTZ(3) NOT NULL,
    "visible" BOOLEAN NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "policy_version" VARCHAR(64) NOT NULL,
    "attempt_ids" UUID[] NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "bans_pkey" PRIMARY KEY ("subject")
);

CREATE INDEX "bans_status_until_idx" ON "bans"("status", "until");

-- Every change of a ban, oldest first: the level history that `explain` shows.
CREATE TABLE "ban_events" (
    "id" BIGSERIAL NOT NULL,
    "subject" VARCHAR(1024) NOT NULL,
    "type" VARCHAR(32) NOT NULL,
    "rule" VARCHAR(128) NOT NULL,
    "level" INTEGER NOT NULL,
    "since" TIMESTAMPTZ(3) NOT NULL,
    "until" TIMESTAMPTZ(3) NOT NULL,
    "policy_version" VARCHAR(64) NOT NULL,
    "attempt_ids" UUID[] NOT NULL,
    "actor" VARCHAR(256) NOT NULL,
    "reason" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ban_events_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "ban_events_subject_id_idx" ON "ban_events"("subject", "id");

-- The verdict an attempt got when a ban applied to it, so that the same attempt sent again is
-- answered with it; null when no ban applied (the verdict then follows from the attempt alone).
ALTER TABLE "login_attempts" ADD COLUMN "verdict" JSONB;
CREATE INDEX "login_attempts_received_at_idx" ON "login_attempts"("received_at");
