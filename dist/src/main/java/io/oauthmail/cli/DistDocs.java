package io.oauthmail.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Build step of the dist module (run by exec-maven-plugin, never shipped): writes the manual pages and the shell
 * completion from the same picocli command tree that {@code oauthmail help} shows, so they cannot drift from the
 * commands. It sits in the CLI's package because that tree ({@link OAuthMailCli#wholeTree()}) is package-private:
 * the CLI builds only the one subcommand it runs, for start-up time.
 */
final class DistDocs {

    private DistDocs() {
    }

    /** An option value in italics, with a bracket in it: {@code =_HOST:PORT[:tls|starttls|plain]_}. */
    private static final Pattern BRACKETED_VALUE = Pattern.compile("=_([^_\\s]*\\[[^_\\s]*)_");

    /**
     * picocli writes a value label such as {@code HOST:PORT[:tls|starttls|plain]} into AsciiDoc italics as it is,
     * and Asciidoctor reads the bracket as markup: the synopsis comes out garbled. Its own attributes for the
     * brackets are left alone by that parser.
     */
    static String escapeBracketsInValues(String adoc) {
        return BRACKETED_VALUE.matcher(adoc).replaceAll(m -> Matcher.quoteReplacement(
                "=_" + m.group(1).replace("[", "{startsb}").replace("]", "{endsb}") + "_"));
    }

    /** Arguments: the folder for the AsciiDoc man page sources, the folder for the completion scripts. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: DistDocs ADOC_DIR COMPLETION_DIR");
        }
        CommandLine tree = OAuthMailCli.wholeTree();
        // One synopsis line per command: picocli wraps at the terminal width even inside a word, which splits the
        // AsciiDoc markup of a long option value (--flow=...) in two; roff wraps the page for the reader instead.
        tree.setUsageHelpWidth(10_000);
        Path adoc = Files.createDirectories(Path.of(args[0]));
        // One page per command and subcommand (oauthmail.adoc, oauthmail-accounts-add.adoc, ...); AsciiDoc, which
        // the asciidoctor plugin then turns into roff. Exit 0 means every page was written.
        int exit = ManPageGenerator.generateManPage(adoc.toFile(), null, new boolean[0], true, tree.getCommandSpec());
        if (exit != 0) {
            throw new IOException("picocli's ManPageGenerator failed with exit code " + exit);
        }
        try (Stream<Path> pages = Files.list(adoc)) {
            for (Path page : pages.toList()) {
                Files.writeString(page, escapeBracketsInValues(Files.readString(page)));
            }
        }
        Path completion = Files.createDirectories(Path.of(args[1]));
        String bash = AutoComplete.bash("oauthmail", tree);
        Files.writeString(completion.resolve("oauthmail"), bash);
        // zsh runs the same script through its bash compatibility layer. A file in $fpath named _oauthmail is
        // autoloaded as the completion function for the command named on its #compdef line: on its first call it
        // loads bashcompinit and the script, whose `complete` then binds oauthmail for good, and completes once.
        // The script's own `alias compopt=complete` comes too late for a function body parsed whole: a function.
        Files.writeString(completion.resolve("_oauthmail"), "#compdef oauthmail\n"
                + "# zsh completion for oauthmail: picocli's bash completion, run through zsh's bashcompinit.\n"
                + "autoload -U +X bashcompinit && bashcompinit\n"
                + "compopt() { complete \"$@\"; }\n"
                + bash
                + "\n_bash_complete -F _complete_oauthmail -o default\n");
    }
}
