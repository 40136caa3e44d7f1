package io.oauthmail.bench;

/**
 * The ~5 KB message of {@code bench/e2e/send-speed}: send_speed.py and send_speed.js build the very same text
 * and HTML (change all three together), so every sender moves the same bytes.
 */
final class SendSpeedMessage {

    private static final String FILLER = "Lorem ipsum dolor sit amet. ".repeat(80);

    static final String HTML = "<h1>Monthly report</h1><p>Hello, here is the <b>summary</b>.</p><p>" + FILLER + "</p>";
    static final String TEXT = "Monthly report\n\nHello, here is the summary.\n" + FILLER + "\n";

    private SendSpeedMessage() {
    }
}
