package io.vigil.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.ingest.BlindSpell;
import io.vigil.liveness.IngestWatch;
import io.vigil.liveness.LivenessService;
import java.time.Instant;

/**
 * The {@code ingest} part of {@code GET /api/v1/status}: per channel with a watermark, how far it has proven it heard
 * ({@code watermark}, {@code lagMillis}), whether it is {@code blind}, how many sources wait for it
 * ({@code heldSources}) and its parts (each with its last {@code blindSpells}); {@code held} names the blind channels with the reason (for {@code vigil status}).
 */
final class IngestStatus {
    private IngestStatus() {
    }

    static void write(ObjectNode ingest, LivenessService liveness) {
        ObjectNode held = ingest.putObject("held");
        ObjectNode channels = ingest.putObject("channels");
        for (IngestWatch.ChannelSight c : liveness.ingestWatch().channels()) {
            String name = c.channel().name().toLowerCase();
            ObjectNode n = channels.putObject(name);
            n.put("watermark", Instant.ofEpochMilli(c.watermarkMillis()).toString());
            n.put("watermarkMillis", c.watermarkMillis());
            n.put("lagMillis", c.lagMillis());
            n.put("blind", c.blind());
            n.put("heldSources", c.heldSources());
            ArrayNode parts = n.putArray("parts");
            for (IngestWatch.PartSight p : c.parts()) {
                ObjectNode part = parts.addObject().put("name", p.name()).put("watermarkMillis", p.watermarkMillis())
                        .put("lagMillis", p.lagMillis()).put("blind", p.blind());
                ArrayNode spells = part.putArray("blindSpells");
                for (BlindSpell sp : p.spells()) spells.addObject().put("fromMillis", sp.fromMillis()).put("toMillis", sp.toMillis());
                if (p.blind()) held.put(name, p.name() + " has proven nothing for " + p.lagMillis() + " ms");
            }
        }
        ingest.put("heldSourcesUnknownChannel", liveness.engine().blindHeld(null));
        ingest.put("detectorPausedSeconds", liveness.engine().pausedMillisTotal() / 1000.0);
    }
}
