package io.vigil.collect.datasource;

import java.util.Objects;

/**
 * An entity declared in the configuration ({@code instances[]} or {@code services[]} of a datasource).
 *
 * @param type   instances or services
 * @param name   instance {@code id} or service {@code name}
 * @param ip     address the check connects to
 * @param mode   service kind; null for instances
 * @param status service role as declared (master/slave/na); null for instances
 * @param group  optional group name
 * @param check  how its state is found; null = the datasource's default check
 */
public record EntitySpec(EntityType type, String name, String ip, String mode, String status, String group,
                         CheckSpec check) {
    public EntitySpec {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        if (type == EntityType.SERVICES && status == null) status = "na";
    }
}
