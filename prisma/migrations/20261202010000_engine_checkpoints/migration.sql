-- The ban engine as a partitioned stream processor (DESIGN §2): each stage partition keeps its
-- subjects' state in memory and checkpoints it here, with the offset it has read to and the ids
-- of its recent attempts, in one transaction per batch. A new owner loads the checkpoint and
-- reads on from its offset. Subjects are no longer locked: each has one owner.

CREATE TABLE "engine_checkpoints" (
    "stage" VARCHAR(255) NOT NULL,
    "partition" INTEGER NOT NULL,
    "next_offset" BIGINT NOT NULL,
    -- The latest event time decided (epoch ms): bans end by it, so a replay expires the same bans.
    "stream_time" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    CONSTRAINT "engine_checkpoints_pkey" PRIMARY KEY ("stage", "partition")
);

CREATE TABLE "engine_subject_states" (
    "stage" VARCHAR(255) NOT NULL,
    "partition" INTEGER NOT NULL,
    "subject" VARCHAR(1024) NOT NULL,
    "state" JSONB NOT NULL,
    CONSTRAINT "engine_subject_states_pkey" PRIMARY KEY ("stage", "partition", "subject")
);

-- The ids a partition decided, one row per checkpoint (16 bytes per id), with the verdicts of
-- those a ban applied to: a resent attempt is answered its first verdict and never counted twice.
CREATE TABLE "engine_recent_attempts" (
    "stage" VARCHAR(255) NOT NULL,
    "partition" INTEGER NOT NULL,
    "from_offset" BIGINT NOT NULL,
    "ids" BYTEA NOT NULL,
    "verdicts" JSONB NOT NULL,
    CONSTRAINT "engine_recent_attempts_pkey" PRIMARY KEY ("stage", "partition", "from_offset")
);

-- The per-subject state rows of the previous engine, shared by all partitions under advisory
-- locks. Bans, their history and the audit log are kept; the counters in progress (windows of
-- recent failures) start afresh, as they would after their windows passed.
DROP TABLE "subject_states";
