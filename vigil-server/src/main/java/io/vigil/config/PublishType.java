package io.vigil.config;

import java.util.Locale;

/** The kinds of {@link PublishTarget}: YAML {@code publish[].type}, read once at config-read time. */
public enum PublishType {
    DMAAP, WEBHOOK, LOG, KAFKA;

    /** The YAML spelling ({@code dmaap}, {@code webhook}, {@code log}, {@code kafka}). */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
