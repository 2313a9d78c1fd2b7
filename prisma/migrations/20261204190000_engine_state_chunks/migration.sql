-- A stage partition's checkpointed subject states become a log of chunks, one per checkpoint: the
-- subjects that checkpoint changed, as one JSON object by subject (null: the subject was removed).
-- Upserting a row per changed subject cost Postgres ten times as much as one row per checkpoint
-- (10,000 subjects: about 100 ms against 12 ms), and every engine shares that Postgres. Now and
-- then a checkpoint writes all of a partition's subjects instead (a snapshot) and deletes the
-- chunks before it, so a new owner reads at most about twice the state it loads.

CREATE TABLE "engine_state_chunks" (
    "stage" VARCHAR(255) NOT NULL,
    "partition" INTEGER NOT NULL,
    -- The next_offset of the checkpoint that wrote it: chunks apply in this order.
    "checkpoint_offset" BIGINT NOT NULL,
    -- A checkpoint's chunk in pieces of a bounded number of subjects, so no value grows without end.
    "piece" INTEGER NOT NULL,
    "states" TEXT NOT NULL,
    CONSTRAINT "engine_state_chunks_pkey" PRIMARY KEY ("stage", "partition", "checkpoint_offset", "piece")
);

-- The states checkpointed so far, as one snapshot per partition at its checkpoint's offset (in
-- pieces of 20,000 subjects): an engine of the new version loads them as it loaded the rows.
INSERT INTO "engine_state_chunks" ("stage", "partition", "checkpoint_offset", "piece", "states")
SELECT "stage", "partition", "next_offset", "piece", jsonb_object_agg("subject", "state")::text
FROM (
    SELECT s."stage", s."partition", c."next_offset", s."subject", s."state",
        ((row_number() OVER (PARTITION BY s."stage", s."partition" ORDER BY s."subject") - 1) / 20000)::int AS "piece"
    FROM "engine_subject_states" s
    JOIN "engine_checkpoints" c ON c."stage" = s."stage" AND c."partition" = s."partition"
) AS numbered
GROUP BY "stage", "partition", "next_offset", "piece";

DROP TABLE "engine_subject_states";
