package io.oauthmail.cli.mail;

import io.oauthmail.mail.MailProtocol;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The capabilities a server announced, read from the protocol dialogue (the last announcement wins: after TLS). */
final class Capabilities {

    private Capabilities() {
    }

    static String from(MailProtocol protocol, String transcript) {
        List<String> lines = transcript.lines().map(String::strip).toList();
        return switch (protocol) {
            case SMTP -> smtp(lines);
            case IMAP -> imap(lines);
            case POP3 -> pop3(lines);
        };
    }

    private static String smtp(List<String> lines) {
        List<String> last = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (String line : lines) {
            if (line.matches("250[- ].*")) {
                current.add(line.substring(4));
                if (line.charAt(3) == ' ') {
                    if (current.size() > 1) {
                        // the first line greets; SubEthaSMTP ends with a bare "Ok"
                        last = current.subList(1, current.size()).stream().filter(c -> !c.equalsIgnoreCase("Ok")).toList();
                    }
                    current = new ArrayList<>();
                }
            } else {
                current = new ArrayList<>();
            }
        }
        return String.join(", ", last);
    }

    private static String imap(List<String> lines) {
        String found = "";
        for (String line : lines) {
            int at = line.indexOf("CAPABILITY ");
            if (at >= 0 && (line.startsWith("* CAPABILITY") || line.contains("[CAPABILITY"))) {
                found = line.substring(at + "CAPABILITY ".length()).replace("]", "").strip();
                found = found.replaceAll("\\s+", " ");
            }
        }
        return found;
    }

    private static String pop3(List<String> lines) {
        Set<String> found = new LinkedHashSet<>();
        boolean inCapa = false;
        for (String line : lines) {
            if (line.equals("CAPA")) {
                inCapa = true;
                found.clear();
            } else if (inCapa && line.equals(".")) {
                inCapa = false;
            } else if (inCapa && !line.startsWith("+OK")) {
                found.add(line);
            }
        }
        return String.join(", ", found);
    }
}
