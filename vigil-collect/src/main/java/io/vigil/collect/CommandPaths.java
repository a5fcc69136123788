package io.vigil.collect;

import io.vigil.collect.action.ActionSpec;
import io.vigil.collect.datasource.CheckSpec;
import io.vigil.collect.datasource.DatasourceSpec;
import io.vigil.collect.datasource.EntitySpec;
import io.vigil.collect.worker.WorkerSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves the programs of the pull side's commands (command checks, discovery commands, worker scripts, actions)
 * against the directory of the configuration file, so that {@code command: [./doctor.sh]} means the script next to
 * the config whatever directory Vigil was started in. Only a relative program path with a slash is resolved
 * ({@code ./doctor.sh}, {@code plan/step.sh}); a bare name ({@code test}, {@code python3}) is looked up on the PATH
 * as usual, an absolute path is left alone, and arguments are never touched. Stateless.
 */
public final class CommandPaths {
    private CommandPaths() {
    }

    /** The settings with every command's program resolved against {@code configDir}; {@code NONE} stays NONE. */
    public static CollectSettings resolve(CollectSettings s, Path configDir) {
        if (s.equals(CollectSettings.NONE)) return s;
        Path dir = configDir.toAbsolutePath().normalize();
        List<DatasourceSpec> datasources = new ArrayList<>();
        for (DatasourceSpec d : s.datasources()) {
            List<EntitySpec> entities = new ArrayList<>();
            for (EntitySpec e : d.entities())
                entities.add(new EntitySpec(e.type(), e.name(), e.ip(), e.mode(), e.status(), e.group(), check(e.check(), dir)));
            datasources.add(new DatasourceSpec(d.name(), d.type(), check(d.check(), dir), command(d.command(), dir), d.cacheTtl(), entities, d.ec2()));
        }
        List<WorkerSpec> workers = new ArrayList<>();
        for (WorkerSpec w : s.workers())
            workers.add(w instanceof WorkerSpec.Script sc ? new WorkerSpec.Script(command(sc.command(), dir), sc.timeout()) : w);
        Map<String, ActionSpec> actions = new LinkedHashMap<>();
        s.actions().forEach((name, a) -> actions.put(name, new ActionSpec(name, command(a.command(), dir), a.webhook(), a.timeout())));
        return new CollectSettings(s.changesInterval(), s.allInterval(), s.callTimeout(), s.collectors(), s.eventQueue(),
                datasources, workers, actions);
    }

    /** The command with its program resolved against {@code dir} when it is a relative path; null stays null. */
    public static List<String> command(List<String> command, Path dir) {
        if (command == null || command.isEmpty()) return command;
        String program = command.getFirst();
        if (!program.contains("/") || Path.of(program).isAbsolute()) return command;
        List<String> out = new ArrayList<>(command);
        out.set(0, dir.resolve(program).normalize().toString());
        return List.copyOf(out);
    }

    private static CheckSpec check(CheckSpec c, Path dir) {
        return c instanceof CheckSpec.Command cmd ? new CheckSpec.Command(command(cmd.command(), dir), cmd.timeout()) : c;
    }
}
