package io.oauthmail.cli.accounts;

import io.oauthmail.cli.Choice;

/** {@code accounts add --provider}: the presets, OIDC discovery, or endpoints given by hand. */
enum ProviderChoice {
    GOOGLE, MICROSOFT, GENERIC, CUSTOM;

    @Override
    public String toString() {
        return Choice.typed(this);
    }

    static final class Converter extends Choice<ProviderChoice> {
        Converter() {
            super(ProviderChoice.class);
        }
    }
}
