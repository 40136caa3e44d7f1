package io.oauthmail.config;

import java.util.List;

/**
 * One {@code [accounts."NAME"]} table of the config file, as written: nothing resolved yet (see
 * {@link AccountResolver}). Absent keys are {@code null} (or an empty list for scopes).
 */
public record AccountSettings(String name, String provider, String tenant, String issuer, String clientId,
        String clientSecret, String clientSecretCmd, String email, List<String> scopes, String imap, String pop,
        String smtp, String caFile, String flow, Integer redirectPort, String authorizationEndpoint,
        String tokenEndpoint, String deviceEndpoint, String revocationEndpoint, String userinfoEndpoint,
        String serviceAccountKey, String sasl) {

    public AccountSettings {
        scopes = scopes == null ? List.of() : List.copyOf(scopes);
    }

    /** The keys an account table may hold, in the order {@link ConfigWriter} writes them. */
    static final List<String> KEYS = List.of("provider", "tenant", "issuer", "client_id", "client_secret",
            "client_secret_cmd", "email", "scopes", "imap", "pop", "smtp", "ca_file", "flow", "redirect_port",
            "authorization_endpoint", "token_endpoint", "device_endpoint", "revocation_endpoint", "userinfo_endpoint",
            "service_account_key", "sasl");

    /** The value of {@code key} as written in the file, or {@code null}. */
    Object value(String key) {
        return switch (key) {
            case "provider" -> provider;
            case "tenant" -> tenant;
            case "issuer" -> issuer;
            case "client_id" -> clientId;
            case "client_secret" -> clientSecret;
            case "client_secret_cmd" -> clientSecretCmd;
            case "email" -> email;
            case "scopes" -> scopes.isEmpty() ? null : scopes;
            case "imap" -> imap;
            case "pop" -> pop;
            case "smtp" -> smtp;
            case "ca_file" -> caFile;
            case "flow" -> flow;
            case "redirect_port" -> redirectPort;
            case "authorization_endpoint" -> authorizationEndpoint;
            case "token_endpoint" -> tokenEndpoint;
            case "device_endpoint" -> deviceEndpoint;
            case "revocation_endpoint" -> revocationEndpoint;
            case "userinfo_endpoint" -> userinfoEndpoint;
            case "service_account_key" -> serviceAccountKey;
            case "sasl" -> sasl;
            default -> throw new IllegalArgumentException(key);
        };
    }

    public AccountSettings withEmail(String address) {
        return new AccountSettings(name, provider, tenant, issuer, clientId, clientSecret, clientSecretCmd, address,
                scopes, imap, pop, smtp, caFile, flow, redirectPort, authorizationEndpoint, tokenEndpoint,
                deviceEndpoint, revocationEndpoint, userinfoEndpoint, serviceAccountKey, sasl);
    }

    @Override
    public String toString() {
        return "AccountSettings[" + name + ", provider=" + provider + (clientSecret != null ? ", client_secret=<redacted>" : "") + "]";
    }
}
