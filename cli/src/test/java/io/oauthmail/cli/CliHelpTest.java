package io.oauthmail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/** The help of every command (issue 11, item 9): described, with examples, reachable by help NAME SUBNAME. */
class CliHelpTest {

    private static List<CommandSpec> everyCommand() {
        List<CommandSpec> all = new ArrayList<>();
        collect(OAuthMailCli.wholeTree(), all);
        return all;
    }

    private static void collect(CommandLine cli, List<CommandSpec> into) {
        into.add(cli.getCommandSpec());
        cli.getSubcommands().values().stream().distinct().forEach(sub -> collect(sub, into));
    }

    @Test
    void everyOptionAndParameterIsDescribed() {
        List<String> undescribed = new ArrayList<>();
        for (CommandSpec command : everyCommand()) {
            List<ArgSpec> args = new ArrayList<>(command.options());
            args.addAll(command.positionalParameters());
            for (ArgSpec arg : args) {
                if (arg.hidden()) {
                    continue;
                }
                String text = String.join(" ", arg.description()).strip();
                if (text.isEmpty()) {
                    undescribed.add(command.qualifiedName() + " " + arg.paramLabel()
                            + (arg instanceof CommandLine.Model.OptionSpec o ? " " + o.longestName() : ""));
                }
            }
        }
        assertThat(undescribed).isEmpty();
    }

    @Test
    void everyCommandHasExamplesAndASummaryThatIsAWholeSentence() {
        List<String> missing = new ArrayList<>();
        for (CommandSpec command : everyCommand()) {
            if (!command.usageMessage().footerHeading().contains("Examples:") || examples(command).isEmpty()) {
                missing.add(command.qualifiedName() + ": no Examples");
            }
            String[] description = command.usageMessage().description();
            if (description.length == 0 || !description[0].strip().endsWith(".")) {
                missing.add(command.qualifiedName() + ": its first description line is not a sentence");
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void everyExampleParsesAndRunsTheCommandItIsAnExampleOf() {
        List<String> wrong = new ArrayList<>();
        for (CommandSpec command : everyCommand()) {
            for (String example : examples(command)) {
                List<String> args = Words.split(example.substring("oauthmail ".length()));
                try {
                    CommandLine.ParseResult parsed = OAuthMailCli.wholeTree().parseArgs(args.toArray(String[]::new));
                    while (parsed.hasSubcommand()) {
                        parsed = parsed.subcommand();
                    }
                    String ran = parsed.commandSpec().qualifiedName();
                    if (!ran.equals(command.qualifiedName()) && !command.qualifiedName().equals("oauthmail")
                            && !command.qualifiedName().equals("oauthmail accounts")
                            && !command.qualifiedName().equals("oauthmail queue")
                            && !command.qualifiedName().equals("oauthmail accounts remove")) {
                        wrong.add(example + " -> runs " + ran + ", in the help of " + command.qualifiedName());
                    }
                } catch (CommandLine.ParameterException e) {
                    wrong.add(example + " -> " + e.getMessage());
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    /**
     * The oauthmail command lines of a command's examples: continuation lines joined, comments, redirections and
     * what is piped in left out.
     */
    private static List<String> examples(CommandSpec command) {
        List<String> examples = new ArrayList<>();
        String joined = String.join("\n", command.usageMessage().footer()).replaceAll("\\\\\n\\s*", " ");
        for (String line : joined.split("\n")) {
            String example = line.replaceAll("\\s+#.*$", "").strip();
            int pipe = example.lastIndexOf("| oauthmail ");
            if (pipe >= 0) {
                example = example.substring(pipe + 2);
            }
            example = example.replaceAll("\\s*>.*$", "");
            if (example.startsWith("oauthmail ")) {
                examples.add(example);
            }
        }
        return examples;
    }

    @Test
    void helpOfASubcommandShowsThatSubcommand() {
        StringWriter out = new StringWriter();
        int exit = OAuthMailCli.run(new String[] {"help", "accounts", "add"}, new PrintWriter(out, true),
                new PrintWriter(new StringWriter(), true), InputStream.nullInputStream(), Map.of());
        assertThat(exit).isZero();
        assertThat(out.toString()).startsWith("Usage: oauthmail accounts add").contains("--client-id");
        StringWriter err = new StringWriter();
        assertThat(OAuthMailCli.run(new String[] {"help", "accounts", "frobnicate"}, new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true), InputStream.nullInputStream(), Map.of())).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("frobnicate");
    }

    @Test
    void demoOffersNoConfigItWouldIgnore() {
        StringWriter out = new StringWriter();
        assertThat(OAuthMailCli.run(new String[] {"demo", "--help"}, new PrintWriter(out, true),
                new PrintWriter(new StringWriter(), true), InputStream.nullInputStream(), Map.of())).isZero();
        assertThat(out.toString()).contains("--keep-running").doesNotContain("--config");
        for (String[] args : new String[][] {{"demo", "--config", "my.toml"}, {"--config", "my.toml", "demo"}}) {
            StringWriter err = new StringWriter();
            assertThat(OAuthMailCli.run(args, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                    InputStream.nullInputStream(), Map.of())).as(err.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(err.toString()).contains("--config");
        }
    }

    /** Shell words: spaces split, double and single quotes group (enough for the examples). */
    static final class Words {
        static List<String> split(String line) {
            List<String> words = new ArrayList<>();
            StringBuilder word = new StringBuilder();
            char quote = 0;
            boolean inWord = false;
            for (char c : line.toCharArray()) {
                if (quote != 0) {
                    if (c == quote) {
                        quote = 0;
                    } else {
                        word.append(c);
                    }
                } else if (c == '"' || c == '\'') {
                    quote = c;
                    inWord = true;
                } else if (Character.isWhitespace(c)) {
                    if (inWord) {
                        words.add(word.toString());
                        word.setLength(0);
                        inWord = false;
                    }
                } else {
                    word.append(c);
                    inWord = true;
                }
            }
            if (inWord) {
                words.add(word.toString());
            }
            return words;
        }
    }
}
