package io.vigil.collect.datasource;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One configured datasource ({@code collect.datasources[]}).
 *
 * @param name      unique name; what {@code get_all}/{@code get_changes} take
 * @param type      inventory, tcp, http or command (see {@link Type})
 * @param check     the default check of its declared entities (null: none for inventory)
 * @param command   for type command: a discovery command whose stdout lists the entities as JSON; else null
 * @param cacheTtl  when set, results are reused for this long (a slow or paid cloud API); null = no cache
 * @param entities  declared instances and services
 * @param ec2       for type ec2: where and how to call DescribeInstances; else null
 */
public record DatasourceSpec(String name, Type type, CheckSpec check, List<String> command, Duration cacheTtl,
                             List<EntitySpec> entities, Ec2Settings ec2) {

    /** The datasource kinds. */
    public enum Type {
        /** Entities declared in the config, each with its own check (none = reported running). */
        INVENTORY,
        /** Declared entities checked by a TCP connect (default port 22: "ssh answering"). */
        TCP,
        /** Declared entities checked by an HTTP GET. */
        HTTP,
        /** A discovery command listing entities as JSON, or declared entities checked by a command. */
        COMMAND,
        /** Amazon EC2 instances from DescribeInstances, with their cloud details ({@link Ec2Datasource}). */
        EC2;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public DatasourceSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        command = command == null ? null : List.copyOf(command);
        entities = entities == null ? List.of() : List.copyOf(entities);
    }

    /** A datasource that is not a cloud API. */
    public DatasourceSpec(String name, Type type, CheckSpec check, List<String> command, Duration cacheTtl,
                          List<EntitySpec> entities) {
        this(name, type, check, command, cacheTtl, entities, null);
    }
}
