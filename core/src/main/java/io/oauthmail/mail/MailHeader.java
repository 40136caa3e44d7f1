package io.oauthmail.mail;

import io.oauthmail.error.OAuthMailException;
import jakarta.mail.internet.MimeUtility;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A custom header, checked so it cannot break the message: no line break in the value (header injection), a
 * name of printable ASCII without colon (RFC 5322 2.2), and none of the headers the composer owns.
 */
record MailHeader(String name, String value) {

    private static final Pattern NAME = Pattern.compile("[\\x21-\\x39\\x3B-\\x7E]+");

    /** Headers the composer writes; setting them by hand would duplicate or contradict them. */
    private static final Map<String, String> RESERVED = Map.ofEntries(
            Map.entry("from", "the sender is the account (or the from argument of MimeComposer.compose)"),
            Map.entry("to", "use Email.to(...)"),
            Map.entry("cc", "use Email.cc(...)"),
            Map.entry("bcc", "use Email.bcc(...): a Bcc header would show the hidden recipients to everyone"),
            Map.entry("reply-to", "use Email.replyTo(...)"),
            Map.entry("subject", "use Email.subject(...)"),
            Map.entry("date", "the composer sets Date when it builds the message"),
            Map.entry("message-id", "the composer makes one with the sender's domain"),
            Map.entry("mime-version", "the composer writes MIME-Version: 1.0"));

    MailHeader {
        Objects.requireNonNull(name, "header name");
        Objects.requireNonNull(value, "header value");
        if (!NAME.matcher(name).matches()) {
            throw new OAuthMailException("not a valid header name: \"" + visible(name) + "\"",
                    "a header name is printable ASCII without spaces or colon, e.g. X-Campaign");
        }
        String key = name.toLowerCase(Locale.ROOT);
        if (RESERVED.containsKey(key) || key.startsWith("content-")) {
            throw new OAuthMailException("the header " + name + " cannot be set as a custom header",
                    RESERVED.getOrDefault(key, "the composer writes the Content-* headers from the parts"));
        }
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0) {
            throw new OAuthMailException("the value of header " + name + " contains a line break: " + visible(value),
                    "a line break would start a new header (header injection); give the value on one line");
        }
    }

    /** The value as it goes on the wire: RFC 2047 words for non-ASCII text, folded to keep lines short. */
    String encodedValue() {
        try {
            return MimeUtility.fold(name.length() + 2, MimeUtility.encodeText(value, StandardCharsets.UTF_8.name(), null));
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException("UTF-8 is always supported", e);
        }
    }

    /** {@code s} with its control characters shown, for error messages. */
    static String visible(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0");
    }
}
