package io.oauthmail.cli.accounts;

import io.oauthmail.cli.Choice;

/** {@code accounts add --flow}: the account's default login flow; the last two make an app-only account. */
enum AccountFlowChoice {
    BROWSER, PASTE, DEVICE, CLIENT_CREDENTIALS, SERVICE_ACCOUNT;

    @Override
    public String toString() {
        return Choice.typed(this);
    }

    static final class Converter extends Choice<AccountFlowChoice> {
        Converter() {
            super(AccountFlowChoice.class);
        }
    }
}
