package io.oauthmail.server.proxy;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Both sides of a POP3 session after the login, for one purpose: a CAPA reply lists the proxy's own mechanism
 * ({@code SASL PLAIN}) and loses STLS. POP3 replies do not say which command they answer, and a CAPA reply looks
 * like a RETR one (+OK, lines, a dot), so the client's commands are watched on their way up (pipelining
 * included) and the server's replies matched to them in order; only a reply matched to CAPA is rewritten, so a
 * message that contains "SASL" or "STLS" lines is never touched.
 */
final class Pop3Capabilities {

    private enum Reply { ONE_LINE, MULTI_LINE, CAPA }

    private final Queue<Reply> expected = new ConcurrentLinkedQueue<>();

    /** The client-to-server side: passes every byte, notes which kind of reply each command gets. */
    StreamFilter commands() {
        return new LineFilter() {
            @Override
            long line(byte[] bytes, int offset, int length, OutputStream out) throws IOException {
                expected.add(kind(text(bytes, offset, Math.min(length, 64))));
                out.write(bytes, offset, length); // noted before it can reach the server, so before its reply
                return 0;
            }

            @Override
            long passedOverLong(byte[] tail, int length) {
                expected.add(Reply.ONE_LINE); // the server refuses it with one -ERR line
                return 0;
            }

            @Override
            void closed(OutputStream out, boolean atBoundary) {
            }
        };
    }

    /** The server-to-client side: rewrites CAPA replies, passes everything else unchanged. */
    StreamFilter replies() {
        return new LineFilter() {
            private Reply body; // the multi-line reply being read, or null between replies

            @Override
            long line(byte[] bytes, int offset, int length, OutputStream out) throws IOException {
                if (body == null) {
                    Reply reply = expected.poll();
                    if (reply != null && reply != Reply.ONE_LINE && startsWith(bytes, offset, length, "+OK")) {
                        body = reply;
                    }
                } else if (text(bytes, offset, Math.min(length, 3)).equals(".") && length <= 3) {
                    body = null; // "." alone ends it; a stuffed ".." line does not
                } else if (body == Reply.CAPA) {
                    String capability = text(bytes, offset, length);
                    String upper = capability.toUpperCase(Locale.ROOT);
                    if (upper.equals("SASL") || upper.startsWith("SASL ")) {
                        writeLine(out, "SASL PLAIN");
                    } else if (!upper.equals("STLS")) {
                        writeLine(out, capability);
                    }
                    return 0;
                }
                out.write(bytes, offset, length);
                return 0;
            }

            @Override
            void closed(OutputStream out, boolean atBoundary) {
                // POP3 has no goodbye for a server that went away: the client sees the connection close
            }
        };
    }

    private static Reply kind(String command) {
        String[] words = command.trim().split(" +");
        String verb = words[0].toUpperCase(Locale.ROOT);
        return switch (verb) {
            case "CAPA" -> Reply.CAPA;
            case "RETR", "TOP" -> Reply.MULTI_LINE;
            case "LIST", "UIDL" -> words.length == 1 ? Reply.MULTI_LINE : Reply.ONE_LINE;
            default -> Reply.ONE_LINE;
        };
    }
}
