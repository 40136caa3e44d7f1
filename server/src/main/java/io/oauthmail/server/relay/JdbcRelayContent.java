package io.oauthmail.server.relay;

import io.oauthmail.server.relay.RelayQueue.Entry;
import io.oauthmail.server.relay.RelayQueue.Envelope;
import io.oauthmail.server.relay.RelayQueue.MessageId;
import io.oauthmail.server.relay.RelayQueue.TooLarge;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Reading a message for {@link JdbcRelayQueue#accept}, and turning a row back into an {@link Entry}. */
final class JdbcRelayContent {

    private JdbcRelayContent() {
    }

    /**
     * The whole content, in memory: PostgreSQL's driver buffers a stream of unknown length anyway before it sends
     * a bytea. Over {@code maxBytes}, the rest is still read to its end (the SMTP session goes on) and dropped.
     */
    static byte[] read(InputStream content, long maxBytes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
        byte[] buffer = new byte[8192];
        long total = 0;
        for (int n; (n = content.read(buffer)) >= 0; ) {
            total += n;
            if (total <= maxBytes) {
                bytes.write(buffer, 0, n);
            }
        }
        if (total > maxBytes) {
            throw new TooLarge(maxBytes);
        }
        return bytes.toByteArray();
    }

    /** The row of {@code JdbcRelayQueue}'s entry columns; its lease shows while it ends after {@code now}. */
    static Entry entry(ResultSet row, Instant now) throws SQLException {
        String[] recipients = (String[]) row.getArray(4).getArray();
        Envelope envelope = new Envelope(row.getString(2), row.getString(3), List.of(recipients), row.getString(5),
                row.getTimestamp(6).toInstant());
        Timestamp leaseUntil = row.getTimestamp(13);
        boolean leased = row.getString(12) != null && leaseUntil != null && leaseUntil.toInstant().isAfter(now);
        return new Entry(new MessageId(row.getString(1)), envelope, row.getLong(7), row.getInt(8),
                row.getTimestamp(9).toInstant(), Optional.ofNullable(row.getString(10)),
                Optional.ofNullable(row.getString(11)), leased ? Optional.of(row.getString(12)) : Optional.empty());
    }
}
