-- Every login attempt the engine has taken in, once: the id is the idempotency key.
CREATE TABLE "login_attempts" (
    "id" UUID NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "outcome" VARCHAR(16) NOT NULL,
    "ip" VARCHAR(64) NOT NULL,
    "account" VARCHAR(320),
    "credential_fingerprint" VARCHAR(256),
    "endpoint" VARCHAR(512),
    "tenant" VARCHAR(256),
    "user_agent" VARCHAR(1024),

    CONSTRAINT "login_attempts_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "login_attempts_occurred_at_idx" ON "login_attempts"("occurred_at");
