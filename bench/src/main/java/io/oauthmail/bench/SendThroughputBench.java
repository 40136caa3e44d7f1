package io.oauthmail.bench;

import io.oauthmail.mail.Email;
import io.oauthmail.mail.MailSessions;
import io.oauthmail.mail.SmtpSender;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.token.TokenManager;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;

/**
 * Sends N HTML messages (default 1,000) from one account to the sandbox's submission port (STARTTLS, XOAUTH2)
 * three ways, in one process, and reports messages per second and the ratios:
 * (a) oauthmail's SmtpSender: one connection, one token;
 * (b) the seed-style way: a forced token refresh, a new connection, STARTTLS and a login for every message;
 * (c) a plain Angus Mail loop over one connection with a fixed token and no oauthmail code: what oauthmail adds to
 * the mail library under it. Not a ceiling (it is our own dependency): bench/e2e/send-speed compares against
 * smtplib, nodemailer and eight raw senders on a real Postfix.
 *
 * <p>Run: {@code bench/run SendThroughput [MESSAGES]}. (a) and (c) send MESSAGES each, in 5 alternating rounds;
 * (b) sends at most 1,000.
 */
public final class SendThroughputBench {

    private static final String HTML = "<h1>Monthly report</h1><p>Hello Bob, here is the <b>summary</b> with a "
            + "<a href=\"https://example.com/report\">link</a>.</p><ul><li>one</li><li>two</li><li>three</li></ul>"
            + "<p>" + "Lorem ipsum dolor sit amet. ".repeat(40) + "</p>";
    private static final String TEXT = "Monthly report\n\nHello Bob, here is the summary with a link (https://example.com/report).\n"
            + "- one\n- two\n- three\n" + "Lorem ipsum dolor sit amet. ".repeat(40) + "\n";

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        try (Sandbox sandbox = Sandbox.start()) {
            SandboxHome home = new SandboxHome(sandbox, Files.createTempDirectory("oauthmail-bench-"), "alice@sandbox.test");
            TokenManager tokens = new TokenManager(home.store, Clock.systemUTC());
            MailSessions sessions = new MailSessions(tokens, Duration.ofSeconds(30));

            oauthmail(sessions, home, Math.min(200, messages)); // warm-up, not counted
            plainAngus(sandbox, tokens.accessToken(home.account), Math.min(200, messages));

            // (a) and (c) alternate in rounds, so the machine's drift hits both alike; (b) is slow: one pass.
            int rounds = Math.max(5, messages / 200); // short alternating rounds: drift hits a and c alike
            int perRound = Math.max(1, messages / rounds);
            double[] a = new double[rounds];
            double[] c = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                a[r] = rate(perRound, () -> oauthmail(sessions, home, perRound));
                String token = tokens.accessToken(home.account);
                c[r] = rate(perRound, () -> plainAngus(sandbox, token, perRound));
            }
            int refreshesBefore = sandbox.tokenRequests("refresh_token");
            int seedMessages = Math.min(messages, 1000); // ~16 msg/s: more would only take long
            double b = rate(seedMessages, () -> seedStyle(sessions, tokens, home, seedMessages));
            int refreshes = sandbox.tokenRequests("refresh_token") - refreshesBefore;

            System.out.printf(Locale.ROOT, "%d HTML messages (%d bytes of HTML) to the sandbox's STARTTLS submission port%n",
                    messages, HTML.length());
            double[] ratios = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratios[r] = a[r] / c[r];
            }
            System.out.printf(Locale.ROOT, "(a) oauthmail SmtpSender, 1 connection, 1 token      median %7.1f msg/s  (%d rounds of %d)%n",
                    median(a), rounds, perRound);
            System.out.printf(Locale.ROOT, "(b) seed style: refresh + connect + STARTTLS per msg  %14.1f msg/s  (%d refreshes)%n", b, refreshes);
            System.out.printf(Locale.ROOT, "(c) plain Angus loop, fixed token (our dependency)   median %7.1f msg/s%n", median(c));
            double[] sortedRatios = ratios.clone();
            java.util.Arrays.sort(sortedRatios);
            System.out.printf(Locale.ROOT, "a/b = %.1fx (target >= 20x)   a/c per round: median %.2f, quartiles %.2f-%.2f (target >= 0.90)%n",
                    median(a) / b, median(ratios), sortedRatios[rounds / 4], sortedRatios[rounds * 3 / 4]);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private interface Run {
        void run() throws Exception;
    }

    private static double rate(int messages, Run run) throws Exception {
        long start = System.nanoTime();
        run.run();
        return messages / ((System.nanoTime() - start) / 1e9);
    }

    private static void oauthmail(MailSessions sessions, SandboxHome home, int messages) {
        try (SmtpSender sender = new SmtpSender(sessions)) {
            for (int i = 0; i < messages; i++) {
                sender.send(home.account, Email.to("bob@sandbox.test").subject("report " + i).html(HTML).text(TEXT));
            }
        }
    }

    private static void seedStyle(MailSessions sessions, TokenManager tokens, SandboxHome home, int messages) {
        for (int i = 0; i < messages; i++) {
            tokens.refresh(home.account);
            try (SmtpSender sender = new SmtpSender(sessions)) {
                sender.send(home.account, Email.to("bob@sandbox.test").subject("seed " + i).html(HTML).text(TEXT));
            }
        }
    }

    /** No oauthmail code: Angus Mail's own XOAUTH2 over STARTTLS, one connection, the token as the password. */
    private static void plainAngus(Sandbox sandbox, String token, int messages) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.auth", "true");
        props.put("mail.smtp.auth.mechanisms", "XOAUTH2");
        props.put("mail.smtp.starttls.enable", "true");
        props.put("mail.smtp.starttls.required", "true");
        props.put("mail.smtp.ssl.socketFactory", sandbox.clientTlsContext().getSocketFactory());
        props.put("mail.smtp.ssl.checkserveridentity", "true");
        Session session = Session.getInstance(props);
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect(sandbox.submission().host(), sandbox.submission().port(), "alice@sandbox.test", token);
            for (int i = 0; i < messages; i++) {
                MimeMessage message = new MimeMessage(session);
                message.setFrom(new InternetAddress("alice@sandbox.test"));
                message.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@sandbox.test"));
                message.setSubject("plain " + i, "UTF-8");
                MimeMultipart alternative = new MimeMultipart("alternative");
                MimeBodyPart text = new MimeBodyPart();
                text.setText(TEXT, "UTF-8");
                MimeBodyPart html = new MimeBodyPart();
                html.setText(HTML, "UTF-8", "html");
                alternative.addBodyPart(text);
                alternative.addBodyPart(html);
                message.setContent(alternative);
                message.saveChanges();
                transport.sendMessage(message, message.getAllRecipients());
            }
        }
    }
}
