package io.oauthmail.config;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Signing in to the web console with an OpenID Connect provider, from {@code [web]}: {@code oidc_issuer},
 * {@code oidc_client_id}, the client secret as accounts keep theirs ({@code oidc_client_secret}, or better
 * {@code oidc_client_secret_cmd}, run only when the console first needs it), and {@code allow}: who may sign in.
 *
 * <p>An {@code allow} entry is an e-mail address (matched case-insensitively on a verified {@code email} claim) or
 * {@code sub:SUBJECT} (the provider's stable user ID, matched exactly, for providers that give no verified address).
 *
 * @param issuer          the provider's issuer, whose {@code /.well-known/openid-configuration} is read
 * @param clientId        the console's client at the provider (a confidential web client)
 * @param clientSecret    its secret written in the config, or {@code null}
 * @param clientSecretCmd the command that prints its secret, or {@code null}
 * @param allow           the identities allowed in, as written (never empty)
 */
public record WebSignIn(URI issuer, String clientId, String clientSecret, String clientSecretCmd, List<String> allow) {

    public WebSignIn {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(clientId, "clientId");
        allow = List.copyOf(allow);
    }

    /** The client secret, running {@code oidc_client_secret_cmd} if that is how it is configured. */
    public String secret() {
        return clientSecret != null ? clientSecret : SecretCommand.run("[web]", "oidc_client_secret_cmd", clientSecretCmd);
    }

    /**
     * Whether the identity is on {@link #allow}. The address counts only when the provider says it verified it:
     * many providers let a user type any address into a profile, so an unverified {@code email} claim would let
     * anyone who registers there with an allowed address walk into the console.
     */
    public boolean allows(String subject, String email, boolean emailVerified) {
        for (String entry : allow) {
            if (entry.startsWith("sub:") ? entry.substring(4).equals(subject)
                    : emailVerified && email != null && entry.toLowerCase(Locale.ROOT).equals(email.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "WebSignIn[" + issuer + ", client_id=" + clientId + (clientSecret != null ? ", client_secret=<redacted>" : "")
                + ", allow=" + allow + "]";
    }

    /** Reads the {@code oidc_*} and {@code allow} keys of {@code [web]}; null when no {@code oidc_issuer} is set. */
    static WebSignIn read(ConfigReader.Checker check, com.fasterxml.jackson.databind.JsonNode web, List<String> table) {
        String issuer = check.string(web, table, "oidc_issuer");
        String clientId = check.string(web, table, "oidc_client_id");
        String secret = check.string(web, table, "oidc_client_secret");
        String secretCmd = check.string(web, table, "oidc_client_secret_cmd");
        List<String> allow = check.strings(web, table, "allow");
        if (issuer == null) {
            for (String key : List.of("oidc_client_id", "oidc_client_secret", "oidc_client_secret_cmd", "allow")) {
                if (web.has(key)) {
                    throw check.error(table, key, key + " needs oidc_issuer", "e.g. oidc_issuer = \"https://accounts.google.com\"");
                }
            }
            return null;
        }
        URI uri;
        try {
            uri = new URI(issuer);
        } catch (java.net.URISyntaxException e) {
            uri = null;
        }
        if (uri == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
            throw check.error(table, "oidc_issuer", "'" + issuer + "' is not an http(s) URL",
                    "e.g. oidc_issuer = \"https://accounts.google.com\"");
        }
        if (clientId == null) {
            throw check.error(table, "oidc_issuer", "signing in with " + issuer + " needs oidc_client_id",
                    "register the console as a web client there and add oidc_client_id = \"...\"");
        }
        if ((secret == null) == (secretCmd == null)) {
            throw check.error(table, "oidc_client_id", "give the client's secret as one of oidc_client_secret or"
                    + " oidc_client_secret_cmd", "e.g. oidc_client_secret_cmd = \"pass show oauthmail/console\"");
        }
        if (allow.isEmpty()) {
            throw check.error(table, "oidc_issuer", "signing in with " + issuer + " needs allow: nobody could sign in",
                    "e.g. allow = [\"you@example.com\"] (verified e-mail addresses, or \"sub:SUBJECT\")");
        }
        for (String entry : allow) {
            if (!(entry.startsWith("sub:") && entry.length() > 4) && !entry.matches("[^@\\s]+@[^@\\s]+")) {
                throw check.error(table, "allow", "'" + entry + "' is neither an e-mail address nor sub:SUBJECT",
                        "e.g. allow = [\"you@example.com\", \"sub:248289761001\"]");
            }
        }
        return new WebSignIn(uri, clientId, secret, secretCmd, allow);
    }
}
