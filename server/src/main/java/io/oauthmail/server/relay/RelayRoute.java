package io.oauthmail.server.relay;

/**
 * How the relay hands an account's mail to its provider: SMTP with XOAUTH2/OAUTHBEARER (the default), the Gmail
 * API, or Microsoft Graph (for tenants where SMTP AUTH is switched off).
 */
public enum RelayRoute {
    SMTP, GMAIL_API, GRAPH
}
