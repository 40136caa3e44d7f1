package io.oauthmail.server.proxy;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server-to-client side of an IMAP session after the login: {@code * CAPABILITY} responses and
 * {@code [CAPABILITY ...]} response codes list the proxy's own mechanism ({@code AUTH=PLAIN}) instead of the
 * server's OAuth ones, and lose STARTTLS and LOGINDISABLED, which describe the upstream link, not this one.
 * Literals ({@code {n}} at a line's end, then n bytes) are counted and passed untouched, so a message body
 * that happens to contain such text is never altered. When the server ends the session without a BYE (a
 * dropped connection, as when Gmail's token expires), the client gets the BYE it would have had.
 */
final class ImapCapabilities extends LineFilter {

    static final String BYE = "* BYE [UNAVAILABLE] the server ended the session; log in again";

    /** Tag or *, then CAPABILITY, or a status with a CAPABILITY response code. */
    private static final Pattern CARRIER = Pattern.compile(
            "^\\S+ (?:(CAPABILITY)(?: |$)|(?:OK|NO|BAD|BYE|PREAUTH) (\\[CAPABILITY) )", Pattern.CASE_INSENSITIVE);

    /** How far into a status line a {@code [CAPABILITY} code is looked for: past any sane tag. */
    private static final int CODE_WINDOW = 64;

    /** Sees the responses a session keeper needs (tagged, continuations, BYE); true swallows the line. */
    interface ResponseWatch {
        boolean response(String line);
    }

    private final ResponseWatch watch;
    private boolean continuation;
    private boolean sawBye;

    ImapCapabilities() {
        this(null);
    }

    ImapCapabilities(ResponseWatch watch) {
        this.watch = watch;
    }

    @Override
    long line(byte[] bytes, int offset, int length, OutputStream out) throws IOException {
        boolean startOfResponse = !continuation;
        long literal = literalAtEnd(bytes, offset + length);
        continuation = literal >= 0;
        if (startOfResponse) {
            boolean bye = startsWith(bytes, offset, length, "* BYE");
            if (watch != null && literal < 0 && (bytes[offset] != '*' || bye) && watch.response(text(bytes, offset, length))) {
                return 0; // the keeper took it (a BYE for an expired token: the session goes on over a new login)
            }
            if (bye) {
                sawBye = true;
            }
            if (startsWith(bytes, offset, length, "* CAPABILITY")
                    || contains(bytes, offset, Math.min(length, CODE_WINDOW), "[CAPABILITY")) {
                writeLine(out, rewrite(text(bytes, offset, length)));
                return Math.max(literal, 0);
            }
        }
        out.write(bytes, offset, length);
        return Math.max(literal, 0);
    }

    @Override
    long passedOverLong(byte[] tail, int length) {
        long literal = literalAtEnd(tail, length);
        continuation = literal >= 0;
        return Math.max(literal, 0);
    }

    @Override
    void closed(OutputStream out, boolean atBoundary) throws IOException {
        if (atBoundary && !continuation && !sawBye) {
            writeLine(out, BYE);
        }
    }

    /** The capability list in {@code line} with the proxy's mechanism instead of the server's; other lines as they are. */
    static String rewrite(String line) {
        Matcher carrier = CARRIER.matcher(line);
        if (!carrier.find()) {
            return line;
        }
        int start = carrier.group(1) != null ? carrier.end(1) : carrier.end(2);
        int end = carrier.group(1) != null ? line.length() : line.indexOf(']', start);
        if (end < 0) {
            return line;
        }
        StringBuilder kept = new StringBuilder();
        boolean authed = false;
        for (String capability : line.substring(start, end).trim().split(" +")) {
            String upper = capability.toUpperCase(Locale.ROOT);
            if (upper.startsWith("AUTH=")) {
                if (!authed) {
                    kept.append(" AUTH=PLAIN");
                    authed = true;
                }
            } else if (!upper.isEmpty() && !upper.equals("STARTTLS") && !upper.equals("LOGINDISABLED")) {
                kept.append(' ').append(capability);
            }
        }
        return line.substring(0, start) + kept + line.substring(end);
    }

    /** n for a line ending in {n}, {n+} (or ~{n}, BINARY's literal8) then CRLF; -1 for any other line. */
    static long literalAtEnd(byte[] bytes, int end) {
        int i = end - 1;
        if (i >= 0 && bytes[i] == '\n') {
            i--;
        }
        if (i >= 0 && bytes[i] == '\r') {
            i--;
        }
        if (i < 0 || bytes[i] != '}') {
            return -1;
        }
        i--;
        if (i >= 0 && bytes[i] == '+') {
            i--;
        }
        long value = 0;
        long scale = 1;
        int digits = 0;
        while (i >= 0 && bytes[i] >= '0' && bytes[i] <= '9' && digits < 18) {
            value += (bytes[i] - '0') * scale;
            scale *= 10;
            digits++;
            i--;
        }
        return digits > 0 && i >= 0 && bytes[i] == '{' ? value : -1;
    }

    private static boolean contains(byte[] bytes, int offset, int length, String ascii) {
        int last = offset + length - ascii.length();
        for (int i = offset; i <= last; i++) {
            if (startsWith(bytes, i, ascii.length(), ascii)) {
                return true;
            }
        }
        return false;
    }
}
