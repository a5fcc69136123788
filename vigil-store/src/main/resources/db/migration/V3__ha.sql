-- HA: every running instance announces the URL at which its HTTP API is reachable, so that a standby can forward
-- heartbeats to the active one (the lease row says who is active; this table says where it is).
-- Portable subset only (see docs/store.md). Numbered V3: V2 is left for another capability's migration.
CREATE TABLE instances (
    instance_id VARCHAR(255)  NOT NULL PRIMARY KEY,
    url         VARCHAR(1024) NOT NULL,
    started_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    seen_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
