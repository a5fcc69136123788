-- Active-active over Kafka partitions (docs/ha.md, ha.mode: kafka-partitions): which instance owns detection for
-- the sources keyed to each partition of the heartbeat topic, under an epoch that every assignment increments.
-- State and outbox writes for a source carry its partition's epoch and are refused when it is stale (fencing).
-- Portable subset only (see docs/store.md).
CREATE TABLE partition_owners (
    topic        VARCHAR(255) NOT NULL,
    partition_no INTEGER      NOT NULL,
    owner        VARCHAR(255),
    epoch        BIGINT       NOT NULL,
    assigned_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (topic, partition_no)
);
