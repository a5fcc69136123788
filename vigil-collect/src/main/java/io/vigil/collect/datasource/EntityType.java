package io.vigil.collect.datasource;

import java.util.Locale;

/** What a collected entity is: an instance (VM, host, container) or a service running on one. */
public enum EntityType {
    INSTANCES, SERVICES;

    /** The wire name: {@code instances} or {@code services}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code instances}/{@code services} (also the singular); null for anything else. */
    public static EntityType parse(String s) {
        if (s == null) return null;
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "instances", "instance" -> INSTANCES;
            case "services", "service" -> SERVICES;
            default -> null;
        };
    }
}
