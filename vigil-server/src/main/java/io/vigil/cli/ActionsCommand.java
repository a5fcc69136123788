package io.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vigil.http.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vigil actions ...}: delayed actions and action plans (queues) on a running server. */
@Command(name = "actions", mixinStandardHelpOptions = true,
        description = "Delayed actions (run when a matching status event shows up) and action plans (steps run one after the other).",
        subcommands = {ActionsCommand.Run.class, ActionsCommand.Add.class, ActionsCommand.ListDelayed.class, ActionsCommand.Cancel.class,
                ActionsCommand.History.class, ActionsCommand.RunPlan.class, ActionsCommand.Plans.class, ActionsCommand.CancelPlan.class})
public final class ActionsCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Reads a JSON or YAML file as a JSON tree; prints the problem and returns null when it cannot. */
    static JsonNode readFile(Path file) {
        try {
            String text = Files.readString(file);
            return text.stripLeading().startsWith("{") || text.stripLeading().startsWith("[") ? Json.MAPPER.readTree(text)
                    : new YAMLMapper().readTree(text);
        } catch (Exception e) {
            System.err.println("vigil: cannot read " + file + ": " + e.getMessage());
            return null;
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Register delayed actions from FILE (JSON or YAML): {\"actions\":[{\"event_ip\",\"event_type\",\"event_state\",\"do_action\",\"do_group\",\"do_level\"}]}.")
    static final class Add implements Callable<Integer> {
        @Mixin
        ServerClient client;
        @Parameters(index = "0", paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() {
            JsonNode n = readFile(file);
            if (n == null) return 2;
            return JsonCalls.print(() -> JsonCalls.post(client, "/api/v1/actions/delayed", Json.write(n)));
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Run ACTION on SERVICE now, or once the instance holding the service's ip runs.",
                    "Runs it now when that instance is running; otherwise keeps it as a delayed action",
                    "that fires when the instance reaches running."})
    static final class Run implements Callable<Integer> {
        @Mixin
        ServerClient client;
        @Parameters(index = "0", paramLabel = "ACTION", description = "an action of the config's actions")
        String action;
        @Parameters(index = "1", paramLabel = "SERVICE", description = "the service (its name) to run it on")
        String service;
        @Option(names = "--level", paramLabel = "L", defaultValue = "services", description = "the action's level (default services)")
        String level;

        @Override
        public Integer call() {
            var body = Json.object().put("action", action).put("service", service).put("level", level);
            return JsonCalls.print(() -> JsonCalls.post(client, "/api/v1/actions/run", Json.write(body)));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List waiting delayed actions.")
    static final class ListDelayed implements Callable<Integer> {
        @Mixin
        ServerClient client;

        @Override
        public Integer call() {
            return JsonCalls.print(() -> JsonCalls.get(client, "/api/v1/actions/delayed"));
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a waiting delayed action.")
    static final class Cancel implements Callable<Integer> {
        @Mixin
        ServerClient client;
        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            return JsonCalls.print(() -> JsonCalls.delete(client, "/api/v1/actions/delayed/" + enc(id)));
        }
    }

    @Command(name = "history", mixinStandardHelpOptions = true, description = "Delayed actions that fired, with their outcome.")
    static final class History implements Callable<Integer> {
        @Mixin
        ServerClient client;

        @Override
        public Integer call() {
            return JsonCalls.print(() -> JsonCalls.get(client, "/api/v1/actions/history"));
        }
    }

    @Command(name = "plan", mixinStandardHelpOptions = true,
            description = "Start the action plan in FILE (JSON or YAML: name, steps[]); see examples/plan-*.yaml.")
    static final class RunPlan implements Callable<Integer> {
        @Mixin
        ServerClient client;
        @Parameters(index = "0", paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() {
            JsonNode n = readFile(file);
            if (n == null) return 2;
            return JsonCalls.print(() -> JsonCalls.post(client, "/api/v1/actions/plans", Json.write(n)));
        }
    }

    @Command(name = "plans", mixinStandardHelpOptions = true, description = "List plans, or show one with its ID.")
    static final class Plans implements Callable<Integer> {
        @Mixin
        ServerClient client;
        @Parameters(index = "0", paramLabel = "ID", arity = "0..1")
        String id;

        @Override
        public Integer call() {
            return JsonCalls.print(() -> JsonCalls.get(client, "/api/v1/actions/plans" + (id == null ? "" : "/" + enc(id))));
        }
    }

    @Command(name = "cancel-plan", mixinStandardHelpOptions = true, description = "Cancel a running plan.")
    static final class CancelPlan implements Callable<Integer> {
        @Mixin
        ServerClient client;
        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            return JsonCalls.print(() -> JsonCalls.delete(client, "/api/v1/actions/plans/" + enc(id)));
        }
    }
}
