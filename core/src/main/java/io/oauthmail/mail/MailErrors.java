package io.oauthmail.mail;

import jakarta.mail.MessagingException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;

/** Turns the exceptions of Jakarta Mail into a short cause and a hint. */
final class MailErrors {

    private MailErrors() {
    }

    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (isCertificateProblem(e)) {
            return "the server's TLS certificate does not verify (" + root.getMessage() + ")";
        }
        String message = root.getMessage() != null ? oneLine(root.getMessage()) : root.getClass().getSimpleName();
        return root == e ? message : oneLine(e.getMessage()) + " (" + message + ")";
    }

    /**
     * A server's reply on one line: Jakarta Mail keeps the CRLF after each reply line, which put a line break
     * inside "(550 5.1.1 ...)" and the rest of the sentence on a line of its own.
     */
    static String oneLine(String reply) {
        return reply == null ? null : reply.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }

    static String hint(Throwable e) {
        if (isCertificateProblem(e)) {
            return "if the server uses a private CA, give its certificate with --ca-file CA.pem";
        }
        return null;
    }

    private static boolean isCertificateProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertPathBuilderException || t instanceof CertificateException
                    || (t instanceof SSLException && String.valueOf(t.getMessage()).contains("certificat"))) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
