package io.vigil.server;

import org.jspecify.annotations.Nullable;
import io.vigil.http.StatusBody;
import io.vigil.ingest.BlindSpell;
import io.vigil.liveness.IngestWatch;
import io.vigil.liveness.LivenessService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code ingest} part of {@code GET /api/v1/status}: per channel with a watermark, how far it has proven it heard
 * ({@code watermark}, {@code lagMillis}), whether it is {@code blind}, how many sources wait for it
 * ({@code heldSources}) and its parts (each with its last {@code blindSpells}); {@code held} names the blind channels with the reason (for {@code vigil status});
 * {@code detectorPauses} the detector's last pauses (blind time of every channel; left out while there is none).
 */
final class IngestStatus {
    private IngestStatus() {
    }

    static StatusBody.Ingest of(LivenessService liveness, @Nullable String dmaapPollUrl) {
        Map<String, String> held = new LinkedHashMap<>();
        Map<String, StatusBody.Channel> channels = new LinkedHashMap<>();
        for (IngestWatch.ChannelSight c : liveness.ingestWatch().channels()) {
            String name = c.channel().name().toLowerCase();
            List<StatusBody.Part> parts = new ArrayList<>();
            for (IngestWatch.PartSight p : c.parts()) {
                List<StatusBody.Spell> spells = new ArrayList<>();
                for (BlindSpell sp : p.spells()) spells.add(new StatusBody.Spell(sp.fromMillis(), sp.toMillis()));
                parts.add(new StatusBody.Part(p.name(), p.watermarkMillis(), p.lagMillis(), p.blind(), spells));
                if (p.blind()) held.put(name, p.name() + " has proven nothing for " + p.lagMillis() + " ms");
            }
            channels.put(name, new StatusBody.Channel(Instant.ofEpochMilli(c.watermarkMillis()).toString(), c.watermarkMillis(),
                    c.lagMillis(), c.blind(), c.heldSources(), parts));
        }
        List<StatusBody.Spell> pauses = new ArrayList<>();
        for (BlindSpell sp : liveness.engine().pauses()) pauses.add(new StatusBody.Spell(sp.fromMillis(), sp.toMillis()));
        return new StatusBody.Ingest(held, channels, liveness.engine().blindHeld(null),
                liveness.engine().pausedMillisTotal() / 1000.0, dmaapPollUrl, pauses);
    }
}
