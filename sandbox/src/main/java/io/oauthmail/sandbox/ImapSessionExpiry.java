package io.oauthmail.sandbox;

/**
 * What the sandbox's IMAPS server does to a session when the access token it authenticated with (AUTHENTICATE
 * XOAUTH2 or OAUTHBEARER) expires; see {@link Sandbox#setImapSessionExpiry}. Gmail and Exchange Online both end
 * such a session, each in its own way; GreenMail alone would let it live forever.
 */
public enum ImapSessionExpiry {

    /** The session outlives its token, as every GreenMail session does (the default). */
    NEVER(null, false),

    /**
     * Gmail: "If the session was authenticated using OAuth credentials, it's limited to about the validity period
     * of the access token used (usually 1 hour) … Gmail closes the connection with a message saying that the
     * session expired" (developers.google.com/gmail/imap/imap-smtp, "Session length limits"). The message, as
     * clients logged it: {@code * BYE Session expired, please login again.} (emailjs/emailjs-imap-client#142,
     * Flying-Toast/yugo#38, Webklex/php-imap#288). The sandbox says it when the token expires, whatever the
     * session is doing (in IDLE, idle between commands, or between two responses of a command), and closes.
     */
    GMAIL("Session expired, please login again.", true),

    /**
     * Exchange Online: {@code * BYE Session invalidated - AccessTokenExpired} (iroco-co/aioimaplib#83, after a
     * LIST; imapsync/imapsync#250, after an APPEND; joeyates/imap-backup#198, during a FETCH;
     * pimalaya/mirador#6, a 48-byte answer to the DONE that ended a five-minute IDLE). Every report shows it as
     * the answer to the client's next command, none as news in the middle of an IDLE, so the sandbox does the
     * same: from the token's expiry it stays silent (it sends nothing more, new mail in IDLE included, since
     * whether Exchange still reports any is not documented), and answers whatever the client sends next with the
     * BYE, then closes.
     */
    MICROSOFT("Session invalidated - AccessTokenExpired", false);

    private final String byeText;
    private final boolean atExpiry;

    ImapSessionExpiry(String byeText, boolean atExpiry) {
        this.byeText = byeText;
        this.atExpiry = atExpiry;
    }

    /** The text of the {@code * BYE} line that ends an expired session ({@code null} for {@link #NEVER}). */
    public String byeText() {
        return byeText;
    }

    /**
     * The whole line the server sends, without CRLF: {@code * BYE } and {@link #byeText()} ({@code null} for
     * {@link #NEVER}).
     */
    public String byeLine() {
        return byeText == null ? null : "* BYE " + byeText;
    }

    /** True if the BYE comes at the token's expiry itself; false if it answers the client's next command. */
    public boolean endsAtExpiry() {
        return atExpiry;
    }
}
