-- A published ONSET/ABATED carries the state its source has after it, so that a storm's journal writes one row per
-- event (the outbox row) instead of two; the sources table catches up when the journal is idle (StateWriter
-- .applyStates), and a restore reads the rows it has not caught up with yet over the table (SourceRepository
-- .loadAll). NULL for every other row (and every row written before this migration: their states are in sources).
ALTER TABLE outbox ADD COLUMN source_state VARCHAR(16);
ALTER TABLE outbox ADD COLUMN source_last_seen_ms BIGINT;
ALTER TABLE outbox ADD COLUMN source_outage_id VARCHAR(64);
ALTER TABLE outbox ADD COLUMN source_alarm_start_ms BIGINT;

-- The outbox position a source's stored state stands at: a row's state is applied only over an older one. A direct
-- write (first heartbeat, held event, checkpoint) takes the outbox's head at its commit.
ALTER TABLE sources ADD COLUMN state_seq BIGINT DEFAULT 0 NOT NULL;

-- How far the sources table has caught up with the outbox's states: a cursor like a sink's, so that pruning keeps
-- the rows it has not applied yet. Sink names always carry a kind prefix (webhook:, kafka:, dmaap:) or are "log".
INSERT INTO sink_cursor (sink_name, last_seq) SELECT 'state:sources', COALESCE(MAX(seq), 0) FROM outbox;
