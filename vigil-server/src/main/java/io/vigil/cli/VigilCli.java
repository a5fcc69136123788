package io.vigil.cli;

import io.vigil.server.VigilServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code vigil} command. Exit codes everywhere: 0 success, 1 a runtime failure (server unreachable, start-up
 * failed), 2 bad usage or invalid input (unknown option, invalid config file).
 */
@Command(name = "vigil", mixinStandardHelpOptions = true, versionProvider = VigilCli.Version.class,
        description = "Vigil: heartbeat and liveness service (a drop-in replacement for ONAP's DCAE heartbeat microservice).",
        subcommands = {ServeCommand.class, StatusCommand.class, SourcesCommand.class, SendCommand.class,
                ConfigCommand.class, PeerCommand.class, PeersCommand.class, HaCommand.class, InstancesCommand.class, CommandCommand.class,
                ActionsCommand.class, CollectorCommand.class, CommandLine.HelpCommand.class})
public final class VigilCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (also used by tests, in-process). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new VigilCli());
        cl.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? 2 : 1);
        cl.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine().getErr().println("vigil: " + ex.getMessage());
            ex.getCommandLine().getErr().println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return 2;
        });
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"vigil " + VigilServer.version() + " (Java " + Runtime.version() + ")"};
        }
    }
}
