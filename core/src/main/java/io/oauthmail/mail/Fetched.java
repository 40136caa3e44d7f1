package io.oauthmail.mail;

import java.time.Instant;
import java.util.List;

/**
 * What a fetch found: the folder's UIDVALIDITY, the messages (oldest first), whether the folder was reset
 * since the caller last looked (its UIDVALIDITY changed, so earlier UIDs mean nothing any more), and how many
 * more messages matched than the limit let through ({@code left}), so a caller can say there are more.
 */
public record Fetched(long uidValidity, List<Message> messages, boolean folderReset, int left) {

    public Fetched {
        messages = List.copyOf(messages);
    }

    /** The UID of the newest message fetched, or {@code since} when there was none. */
    public long lastUid(long since) {
        return messages.isEmpty() ? since : messages.get(messages.size() - 1).summary().uid();
    }

    /** One message: its summary, when it was sent, and its raw bytes when they were asked for. */
    public record Message(MessageSummary summary, Instant sent, byte[] raw) {
    }
}
