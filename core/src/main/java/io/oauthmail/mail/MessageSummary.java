package io.oauthmail.mail;

import java.util.List;

/** One message in a folder, as {@code oauthmail fetch} shows it: subject, sender, size and MIME parts. */
public record MessageSummary(long uid, String from, String subject, int size, List<String> parts) {
}
