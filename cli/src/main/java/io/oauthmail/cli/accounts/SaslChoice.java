package io.oauthmail.cli.accounts;

import io.oauthmail.cli.Choice;

/** {@code accounts add --sasl}: the SASL mechanism to force. */
enum SaslChoice {
    XOAUTH2, OAUTHBEARER;

    @Override
    public String toString() {
        return Choice.typed(this);
    }

    static final class Converter extends Choice<SaslChoice> {
        Converter() {
            super(SaslChoice.class);
        }
    }
}
