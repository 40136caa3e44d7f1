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
            String response = parts.length > 2 ? parts[2] : challenge(in, out, "");
            String decoded = response == null ? null : SmtpProxy.decode(response);
            if (decoded == null) {
                return null;
            }
            String[] fields = decoded.split("\0", -1); // authzid NUL authcid NUL password
            return fields.length == 3 ? new String[] {fields[1], fields[2]} : null;
        }
        if (mechanism.equals("LOGIN")) {
            String user = parts.length > 2 ? SmtpProxy.decode(parts[2]) : decodeOrNull(challenge(in, out, "VXNlcm5hbWU6"));
            String password = user == null ? null : decodeOrNull(challenge(in, out, "UGFzc3dvcmQ6"));
            return password == null ? null : new String[] {user, password};
        }
        return null;
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
