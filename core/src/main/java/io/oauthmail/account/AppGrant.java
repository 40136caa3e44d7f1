package io.oauthmail.account;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How an app-only account gets its tokens without a person: it has no refresh token, and a new access token
 * is obtained by running the grant again whenever the old one is about to expire.
 */
public sealed interface AppGrant {

    /** Microsoft app-only access: the client's own credentials (RFC 6749 4.4). */
    record ClientCredentials() implements AppGrant {
    }

    /** A Google service account with domain-wide delegation: a JWT signed with its key (RFC 7523). */
    record ServiceAccount(Path keyFile) implements AppGrant {
        public ServiceAccount {
            Objects.requireNonNull(keyFile, "keyFile");
        }
    }
}
