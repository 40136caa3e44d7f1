package io.oauthmail.server.relay;

import io.oauthmail.provider.ProviderFamily;
import java.util.Optional;

/**
 * How the relay hands an account's mail to its provider: SMTP with XOAUTH2/OAUTHBEARER (the default), the Gmail
 * API, or Microsoft Graph (for tenants where SMTP AUTH is switched off).
 */
public enum RelayRoute {
    SMTP(null), GMAIL_API(ProviderFamily.GOOGLE), GRAPH(ProviderFamily.MICROSOFT);

    private final ProviderFamily needs;

    RelayRoute(ProviderFamily needs) {
        this.needs = needs;
    }

    /** The route {@code [relay] via} names ({@code smtp}, {@code gmail-api}, {@code graph}); SMTP for anything else. */
    public static RelayRoute named(String via) {
        return switch (via) {
            case "gmail-api" -> GMAIL_API;
            case "graph" -> GRAPH;
            default -> SMTP;
        };
    }

    /** Whose tokens the route takes: the Gmail API only Google's, Graph only Microsoft's; SMTP anyone's. */
    public Optional<ProviderFamily> needs() {
        return Optional.ofNullable(needs);
    }
}
