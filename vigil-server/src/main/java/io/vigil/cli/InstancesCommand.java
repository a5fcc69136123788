package io.vigil.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vigil instances heartbeat}: the global heartbeat of collected instances and services. */
@Command(name = "instances", mixinStandardHelpOptions = true, description = "Collected instances and services.",
        subcommands = {InstancesCommand.Heartbeat.class})
public final class InstancesCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code vigil instances heartbeat [--group G] [--type T] [--refresh]}. */
    @Command(name = "heartbeat", mixinStandardHelpOptions = true,
            description = {"Print the last global heartbeat (JSON): instances_status, services_status, interfaces, time.",
                    "--refresh runs a collection round (get_all) now and prints its result."})
    public static final class Heartbeat implements Callable<Integer> {
        @Mixin
        ServerClient client;

        @Option(names = {"-g", "--group"}, paramLabel = "G", defaultValue = "all",
                description = "all (default), or a datasource, group or entity name")
        String group;

        @Option(names = {"-t", "--type"}, paramLabel = "T", defaultValue = "all",
                description = "all (default), instances, services, a service mode (mariadb, haproxy, ...) or a family (db, cache, proxy)")
        String type;

        @Option(names = "--refresh", description = "collect now (get_all) instead of showing the last round")
        boolean refresh;

        @Option(names = "--format", paramLabel = "F", defaultValue = "vigil",
                description = "vigil (default): Vigil's JSON; clmgr: the cluster manager's document shape")
        String format;

        @Override
        public Integer call() {
            if (!format.equals("vigil") && !format.equals("clmgr")) {
                System.err.println("vigil: --format must be vigil or clmgr, got " + format);
                return 2;
            }
            String q = "/api/v1/heartbeat?group=" + enc(group) + "&type=" + enc(type) + (refresh ? "&refresh=true" : "")
                    + (format.equals("clmgr") ? "&format=clmgr" : "");
            return JsonCalls.print(() -> JsonCalls.get(client, q));
        }

        private static String enc(String s) {
            return URLEncoder.encode(s, StandardCharsets.UTF_8);
        }
    }
}
