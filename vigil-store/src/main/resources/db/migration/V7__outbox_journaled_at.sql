-- When each outbox row was written (the journal's commit), next to when its event was decided (created_at_ms): the
-- relay reports decided → journaled → handed to the sink → acknowledged per sink (vigil_delivery_stage_seconds).
-- Rows written before this column existed have NULL and count as journaled when decided.
ALTER TABLE outbox ADD COLUMN journaled_at_ms BIGINT;
