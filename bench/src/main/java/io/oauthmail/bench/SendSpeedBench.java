package io.oauthmail.bench;

import io.oauthmail.OAuthMail;
import io.oauthmail.mail.Email;
import java.util.Locale;

/**
 * The library's side of {@code bench/e2e/send-speed}: sends MESSAGES HTML+text messages from ACCOUNT (of the
 * config in {@code OAUTHMAIL_HOME}) to TO, and prints one line, {@code sent=N seconds=S first=F}, where S runs
 * from before the first send (login included) to after the last, and F is when the first message was accepted.
 *
 * <pre>
 * SendSpeed ACCOUNT TO MESSAGES one        OAuthMail.send, one connection
 * SendSpeed ACCOUNT TO MESSAGES pool N     N threads calling OAuthMail.send, up to N connections per account
 * </pre>
 * The body is {@link SendSpeedMessage}'s, the same ~5 KB the Python and Node.js anchors send.
 */
public final class SendSpeedBench {

    public static void main(String[] args) throws Exception {
        String account = args[0];
        String to = args[1];
        int messages = Integer.parseInt(args[2]);
        String mode = args[3];
        int connections = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        long start = System.nanoTime();
        long[] first = {0};
        try (OAuthMail mail = OAuthMail.fromConfig()) {
            if (mode.equals("one")) {
                for (int i = 0; i < messages; i++) {
                    mail.send(account, message(to, i));
                    if (i == 0) {
                        first[0] = System.nanoTime();
                    }
                }
            } else {
                pooled(mail, account, to, messages, connections, first);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "sent=%d seconds=%.3f first=%.3f%n", messages, seconds, (first[0] - start) / 1e9);
    }

    private static void pooled(OAuthMail mail, String account, String to, int messages, int connections, long[] first)
            throws Exception {
        mail.connectionsPerAccount(connections);
        var next = new java.util.concurrent.atomic.AtomicInteger();
        var failure = new java.util.concurrent.atomic.AtomicReference<Throwable>();
        Thread[] threads = new Thread[connections];
        for (int t = 0; t < connections; t++) {
            threads[t] = new Thread(() -> {
                try {
                    for (int i = next.getAndIncrement(); i < messages; i = next.getAndIncrement()) {
                        mail.send(account, message(to, i));
                        if (i == 0) {
                            first[0] = System.nanoTime();
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException(failure.get());
        }
    }

    private static Email message(String to, int i) {
        return Email.to(to).subject("send-speed " + i).html(SendSpeedMessage.HTML).text(SendSpeedMessage.TEXT);
    }
}
