package io.oauthmail.mail;

import io.oauthmail.error.OAuthMailException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Parses the addresses of a message, one per string, with display names encoded as UTF-8 (RFC 2047). */
final class Addresses {

    private Addresses() {
    }

    /** {@code value} as an address; {@code field} (From, To, ...) names it in the error. */
    static InternetAddress parse(String value, String field) {
        InternetAddress parsed;
        try {
            parsed = new InternetAddress(value, true);
            parsed.validate();
        } catch (AddressException e) {
            throw invalid(value, field, e.getMessage());
        }
        if (parsed.isGroup() || parsed.getAddress().indexOf('@') < 1) {
            throw invalid(value, field, "no domain");
        }
        if (parsed.getPersonal() == null) {
            return parsed;
        }
        try {
            // A parsed address keeps its display name as typed, and writes non-ASCII raw into the header;
            // a new one encodes it as RFC 2047 words in UTF-8, whatever the JVM's default charset.
            return new InternetAddress(parsed.getAddress(), parsed.getPersonal(), StandardCharsets.UTF_8.name());
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException("UTF-8 is always supported", e);
        }
    }

    static InternetAddress[] parseAll(List<String> values, String field) {
        InternetAddress[] addresses = new InternetAddress[values.size()];
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = parse(values.get(i), field);
        }
        return addresses;
    }

    /** The part after '@', for Message-IDs: the sender's own domain rather than the local host's name. */
    static String domain(InternetAddress address) {
        String a = address.getAddress();
        return a.substring(a.lastIndexOf('@') + 1);
    }

    private static OAuthMailException invalid(String value, String field, String why) {
        return new OAuthMailException("not a valid e-mail address in " + field + ": \"" + MailHeader.visible(value)
                + "\" (" + why + ")", "write one address per value, as name@example.com or \"Name <name@example.com>\"");
    }
}
