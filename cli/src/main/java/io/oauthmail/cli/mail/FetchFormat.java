package io.oauthmail.cli.mail;

import io.oauthmail.cli.Choice;

/** What {@code fetch --format} prints. An enum, so picocli refuses other values as usage errors. */
enum FetchFormat {
    /** A table, one line a message. */
    SUMMARY,
    /** One JSON object a line. */
    JSON,
    /** The raw messages, mbox-separated. */
    EML;

    @Override
    public String toString() {
        return Choice.typed(this);
    }

    static final class Converter extends Choice<FetchFormat> {
        Converter() {
            super(FetchFormat.class);
        }
    }
}
