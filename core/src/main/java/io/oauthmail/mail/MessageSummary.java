package io.oauthmail.mail;

import java.util.List;

/**
 * One message in a folder, as {@code oauthmail fetch} shows it: subject, sender, size, MIME parts, and its
 * Message-ID (null when it has none), which is what threads, de-duplicates, and matches the id {@code send} printed.
 */
public record MessageSummary(long uid, String from, String subject, int size, List<String> parts, String messageId) {

    /** Without a Message-ID, as before it was part of the summary. */
    public MessageSummary(long uid, String from, String subject, int size, List<String> parts) {
        this(uid, from, subject, size, parts, null);
    }
}
