package io.vigil.collect.action;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A named action ({@code actions.<name>}): a command or a webhook. A command receives {@code {"event":…,"action":…}}
 * on stdin and {@code VIGIL_ACTION}, {@code VIGIL_GROUP}, {@code VIGIL_LEVEL} in its environment; exit 0 is success.
 * A webhook receives the same JSON as a POST body; 2xx is success.
 *
 * @param name    the action's name
 * @param command the command, or null for a webhook
 * @param webhook the URL, or null for a command
 * @param timeout bound on one run
 */
public record ActionSpec(String name, List<String> command, String webhook, Duration timeout) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public ActionSpec {
        Objects.requireNonNull(name, "name");
        if ((command == null) == (webhook == null)) throw new IllegalArgumentException("action " + name + " needs exactly one of command or webhook");
        command = command == null ? null : List.copyOf(command);
        if (timeout == null) timeout = DEFAULT_TIMEOUT;
    }
}
