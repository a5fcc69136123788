package io.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code vigil --help} and {@code vigil COMMAND --help}: what an operator reads to find a command. */
class HelpTest {

    @Test
    void everyCommandsSummaryInItsParentsListIsAWholeSentence() {
        // picocli lists a subcommand by the first line of its description: a line cut mid-sentence ("e.g.", "...;")
        // leaves the reader of `vigil --help` guessing
        List<String> cut = new ArrayList<>();
        for (CommandLine c : allCommands(VigilCli.commandLine())) {
            if (c.getParent() == null || c.getCommandName().equals("help")) continue;
            String[] description = c.getCommandSpec().usageMessage().description();
            String first = description.length == 0 ? "" : description[0].strip();
            if (!first.endsWith(".")) cut.add(c.getCommandSpec().qualifiedName() + ": " + first);
        }
        assertThat(cut).isEmpty();
    }

    @Test
    void everyCommandAnswersHelpWithExitCodeZero() {
        for (CommandLine c : allCommands(VigilCli.commandLine())) {
            if (c.getCommandName().equals("help")) continue;
            StringWriter out = new StringWriter();
            c.setOut(new PrintWriter(out, true));
            assertThat(c.execute("--help")).as(c.getCommandSpec().qualifiedName()).isZero();
            assertThat(out.toString()).as(c.getCommandSpec().qualifiedName()).startsWith("Usage: ");
        }
    }

    private static List<CommandLine> allCommands(CommandLine root) {
        List<CommandLine> all = new ArrayList<>(List.of(root));
        for (CommandLine sub : root.getSubcommands().values()) all.addAll(allCommands(sub));
        return all;
    }
}
