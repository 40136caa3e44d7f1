package io.oauthmail.server.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;

/** Reads a client's {@code AUTH PLAIN} or {@code AUTH LOGIN} exchange into a user name and password. */
final class LocalLogin {

    private LocalLogin() {
    }

    /** {user, password}, or null if the exchange was malformed, cancelled or used another mechanism. */
    static String[] read(String command, InputStream in, OutputStream out) throws IOException {
        String[] parts = command.trim().split(" +");
        if (parts.length < 2) {
            return null;
        }
        String mechanism = parts[1].toUpperCase(Locale.ROOT);
        if (mechanism.equals("PLAIN")) {
            return plain(parts.length > 2 ? parts[2] : null, in, out, "334 ");
        }
        if (mechanism.equals("LOGIN")) {
            String user = parts.length > 2 ? SmtpProxy.decode(parts[2]) : decodeOrNull(challenge(in, out, "VXNlcm5hbWU6"));
            String password = user == null ? null : decodeOrNull(challenge(in, out, "UGFzc3dvcmQ6"));
            return password == null ? null : new String[] {user, password};
        }
        return null;
    }

    /**
     * SASL PLAIN (RFC 4616) for every protocol: {@code initialResponse} when the command carried one, else asks
     * for it with {@code prompt} ({@code "334 "} in SMTP, {@code "+ "} in IMAP and POP3). {user, password}, or
     * null if it was cancelled or malformed.
     */
    static String[] plain(String initialResponse, InputStream in, OutputStream out, String prompt) throws IOException {
        String response = initialResponse;
        if (response == null) {
            Lines.write(out, prompt);
            response = Lines.read(in);
            if (response == null || response.equals("*")) {
                return null;
            }
        }
        String decoded = SmtpProxy.decode(response);
        String[] fields = decoded == null ? new String[0] : decoded.split("\0", -1); // authzid NUL authcid NUL password
        return fields.length == 3 ? new String[] {fields[1], fields[2]} : null;
    }

    /**
     * IMAP's {@code AUTHENTICATE PLAIN [ir]} and POP3's {@code AUTH PLAIN [ir]}, from the text after the verb:
     * {user, password}; an empty pair (a sure failure) for anything else, so the caller counts it as a failed login.
     */
    static String[] plainAfterVerb(String rest, InputStream in, OutputStream out) throws IOException {
        String[] parts = rest.trim().split(" +");
        String[] credentials = parts[0].equalsIgnoreCase("PLAIN")
                ? plain(parts.length > 1 ? parts[1] : null, in, out, "+ ") : null;
        return credentials != null ? credentials : new String[] {"", ""};
    }

    private static String challenge(InputStream in, OutputStream out, String prompt) throws IOException {
        Lines.write(out, "334 " + prompt);
        String answer = Lines.read(in);
        return answer == null || answer.equals("*") ? null : answer;
    }

    private static String decodeOrNull(String base64) {
        return base64 == null ? null : SmtpProxy.decode(base64);
    }
}
