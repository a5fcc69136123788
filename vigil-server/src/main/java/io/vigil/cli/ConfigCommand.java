package io.vigil.cli;

import io.vigil.config.ConfigError;
import io.vigil.config.ConfigException;
import io.vigil.config.ConfigJson;
import io.vigil.config.ConfigKey;
import io.vigil.config.ConfigKeys;
import io.vigil.config.ConfigLoader;
import io.vigil.config.VigilConfig;
import io.vigil.monitor.Monitor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vigil config …}: offline work on configuration files. Exit codes: 0 valid, 2 invalid or unreadable.
 */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Work with configuration files (Vigil YAML or ONAP heartbeat JSON).",
        subcommands = {ConfigCommand.Check.class, ConfigCommand.Keys.class})
public class ConfigCommand implements Callable<Integer> {
    /** Exit code of a configuration that cannot be used. */
    public static final int INVALID = 2;

    @Spec
    CommandSpec spec;

    public ConfigCommand() {
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return INVALID;
    }

    /** {@code vigil config check FILE [--json]}. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Validate a configuration file (Vigil YAML or ONAP heartbeat JSON).",
                    "Prints every error as 'path: reason' on stderr (exit 2), or a one-line summary (exit 0).",
                    "The format is recognised from the keys."})
    public static class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "Vigil YAML or ONAP heartbeat-service JSON")
        Path file;

        @Option(names = "--json", description = "print the normalized configuration as JSON (passwords masked)")
        boolean json;

        public Check() {
        }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            VigilConfig config;
            try {
                config = ConfigLoader.load(file);
            } catch (ConfigException e) {
                err.println(file + ": invalid configuration (" + e.errors().size()
                        + (e.errors().size() == 1 ? " error)" : " errors)"));
                for (ConfigError error : e.errors()) err.println(error);
                err.flush();
                return INVALID;
            }
            if (json) out.println(ConfigJson.toJson(config, false));
            else out.println(summary(config));
            out.flush();
            return 0;
        }

        /** e.g. {@code OK: 2 monitors (Heartbeat_vDNS, Heartbeat_vFW), ingest: dmaap, publish: dmaap}. */
        static String summary(VigilConfig c) {
            List<String> names = c.monitors().stream().map(Monitor::eventName).sorted().toList();
            List<String> ingest = new ArrayList<>(); // VES over HTTP is always on; named only when alone
            if (c.ingest().dmaap() != null) ingest.add("dmaap");
            if (c.ingest().kafka() != null) ingest.add("kafka");
            List<String> publish = c.publish().stream().map(t -> t.type().wire()).toList();
            return "OK: " + names.size() + (names.size() == 1 ? " monitor" : " monitors")
                    + (names.isEmpty() ? "" : " (" + String.join(", ", names) + ")")
                    + ", ingest: " + (ingest.isEmpty() ? "http" : String.join(", ", ingest))
                    + ", publish: " + (publish.isEmpty() ? "none" : String.join(", ", publish));
        }
    }

    /** {@code vigil config keys [--json | --markdown]}: every key Vigil's YAML takes, from its declaration. */
    @Command(name = "keys", mixinStandardHelpOptions = true,
            description = {"List every key of Vigil's YAML with its type, default, reload policy and meaning.",
                    "Reload policy live: applied by a reload; restart: read at startup only.",
                    "From the one declaration of each key."})
    public static class Keys implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "a JSON array of {path, type, default, reload, section, variants, doc}")
        boolean json;

        @Option(names = "--markdown", description = "the key tables of docs/configuration.md, with their markers")
        boolean markdown;

        public Keys() {
        }

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            if (json && markdown) {
                spec.commandLine().getErr().println("give --json or --markdown, not both");
                return INVALID;
            }
            if (markdown) {
                for (String table : ConfigKeys.TABLES) out.println(ConfigKeys.markdownBlock(table) + "\n");
            } else if (json) {
                out.println(ConfigJson.keysJson());
            } else {
                for (ConfigKey<?> k : ConfigKeys.documented()) {
                    out.println(k.path() + "  " + k.type() + "  default " + k.defaultText() + "  "
                            + k.reload().name().toLowerCase(java.util.Locale.ROOT));
                }
            }
            out.flush();
            return 0;
        }
    }
}
