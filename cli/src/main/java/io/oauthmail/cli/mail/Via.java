package io.oauthmail.cli.mail;

import io.oauthmail.cli.Choice;

/** How {@code send} sends: {@code --via smtp|gmail-api|graph}. An enum, so picocli refuses other values as usage errors. */
enum Via {
    SMTP, GMAIL_API, GRAPH;

    @Override
    public String toString() {
        return Choice.typed(this);
    }

    static final class Converter extends Choice<Via> {
        Converter() {
            super(Via.class);
        }
    }
}
