package io.oauthmail.cli.serve;

import io.oauthmail.cli.Choice;

/** {@code serve --tls}: the local TLS of every {@code --listen}, as a [[listener]]'s {@code tls} key says it. */
enum TlsChoice {
    NONE, STARTTLS, IMPLICIT;

    @Override
    public String toString() {
        return Choice.typed(this);
    }

    static final class Converter extends Choice<TlsChoice> {
        Converter() {
            super(TlsChoice.class);
        }
    }
}
