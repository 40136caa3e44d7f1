package io.oauthmail.cli;

/** Help texts several commands share, as constants so annotations can use them. */
public final class HelpText {

    /** The ACCOUNT every per-account command takes. */
    public static final String ACCOUNT = "The account's name, as given to accounts add (often its e-mail address).";

    /** The heading of every command's footer of examples, each of which must parse (CliHelpTest runs them). */
    public static final String EXAMPLES = "%nExamples:%n";

    private HelpText() {
    }
}
