package io.oauthmail.mail;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets in a protocol trace line by line before it reaches the person: the access tokens it is
 * told about (and their XOAUTH2/OAUTHBEARER base64 forms), the argument of any AUTH/AUTHENTICATE command, a
 * lone base64 continuation line (a SASL response), and anything shaped like a JWT. Secrets are shown only
 * when the user asks with an explicit flag, and then {@link #showingSecrets()} masks nothing. Either way the
 * stream leaves out stack frames.
 */
public final class TraceRedactor {

    /** A client's AUTH (SMTP, POP3) or tagged AUTHENTICATE (IMAP) command with an initial response. */
    private static final Pattern AUTH_ARGUMENT = Pattern.compile(
            "(?i)^((?:[A-Za-z0-9]+ )?)(AUTH|AUTHENTICATE)( +\\S+ +)(\\S{8,})(.*)$");
    private static final Pattern SASL_LINE = Pattern.compile("^[A-Za-z0-9+/]{32,}={0,2}$");
    private static final Pattern STACK_FRAME = Pattern.compile("^\\s+(?:at [\\w$.<>/@-]+\\(.*\\)|\\.\\.\\. \\d+ more)\\s*$");
    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");

    private final List<String> secrets = new ArrayList<>();
    private final boolean masking;

    /** A redactor that masks. */
    public TraceRedactor() {
        this(true);
    }

    private TraceRedactor(boolean masking) {
        this.masking = masking;
    }

    /**
     * For {@code --show-secrets}: a trace {@link #stream} that masks nothing, and still leaves out the stack
     * frames of the mail library's debug output.
     */
    public static TraceRedactor showingSecrets() {
        return new TraceRedactor(false);
    }

    /** Masks {@code secret} and its base64 forms wherever it appears. */
    public TraceRedactor secret(String secret) {
        if (secret != null && secret.length() >= 8) {
            secrets.add(secret);
            secrets.add(Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
        }
        return this;
    }

    /** Masks the known SASL strings for {@code user} and {@code token}. */
    public TraceRedactor sasl(String user, String token, String host, int port) {
        secret(token);
        secrets.add(io.oauthmail.sasl.XOAuth2.base64(user, token));
        secrets.add(io.oauthmail.sasl.OAuthBearer.base64(user, host, port, token));
        return this;
    }

    /**
     * {@code line} with its secrets masked. The AUTH argument and a lone SASL line are measured before anything
     * else is replaced, so the length a mask states is the length of what was sent.
     */
    public String redact(String line) {
        String out = line;
        Matcher auth = AUTH_ARGUMENT.matcher(out);
        if (auth.matches()) {
            out = auth.group(1) + auth.group(2) + auth.group(3) + "<redacted " + auth.group(4).length() + " chars>" + auth.group(5);
        }
        String trimmed = out.strip();
        if (SASL_LINE.matcher(trimmed.replaceFirst("^[CS]:\\s*", "")).matches()) {
            out = "<redacted SASL response, " + trimmed.length() + " chars>";
        }
        for (String secret : secrets) {
            out = out.replace(secret, "<redacted>");
        }
        return JWT.matcher(out).replaceAll("<redacted JWT>");
    }

    /**
     * Whether {@code line} is a frame of a Java stack trace ({@code at ...}, {@code ... 3 more}): Jakarta Mail's
     * debug output prints whole stacks when it logs an exception, which tell the person nothing about the dialogue.
     * The exception's own line (its class and message) stays, so the trace still says what happened.
     */
    static boolean stackFrame(String line) {
        return STACK_FRAME.matcher(line).matches();
    }

    /** A stream for Jakarta Mail's debug output that writes each line, redacted, to {@code target}. */
    public PrintStream stream(PrintStream target) {
        return new PrintStream(new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override
            public synchronized void write(int b) {
                if (b == '\n') {
                    String text = line.toString(StandardCharsets.UTF_8).replace("\r", "");
                    if (!stackFrame(text)) {
                        target.println(masking ? redact(text) : text);
                    }
                    line.reset();
                } else {
                    line.write(b);
                }
            }

            @Override
            public synchronized void flush() {
                target.flush();
            }
        }, true, StandardCharsets.UTF_8);
    }
}
