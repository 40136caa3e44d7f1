package io.oauthmail.provider;

import java.net.URI;
import java.util.Locale;

/**
 * Whose tokens an account holds: Google's, Microsoft's, or another provider's. The Gmail API takes only Google's
 * tokens and Microsoft Graph only Microsoft's, so a send through either is checked against this first (a Keycloak
 * account sent through Graph otherwise failed at its own token endpoint with invalid_scope).
 */
public enum ProviderFamily {
    GOOGLE, MICROSOFT, OTHER;

    /** Google or Microsoft by preset, or by the token endpoint of a custom or generic provider set up by hand. */
    public static ProviderFamily of(Provider provider) {
        String name = provider.name().toLowerCase(Locale.ROOT);
        String host = hostOf(provider.endpoints().token());
        if (name.equals("google") || host.equals("oauth2.googleapis.com") || host.equals("accounts.google.com")) {
            return GOOGLE;
        }
        if (name.equals("microsoft") || host.equals("login.microsoftonline.com") || host.equals("login.microsoft.com")
                || host.equals("login.live.com")) {
            return MICROSOFT;
        }
        return OTHER;
    }

    /** The token endpoint's host, lower case; empty when there is none. */
    public static String hostOf(URI uri) {
        return uri == null || uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    }
}
