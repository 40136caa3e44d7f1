package io.oauthmail.account;

import io.oauthmail.provider.Provider;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * An {@link Account} built step by step, for programs that set accounts up without the CLI's config file:
 *
 * <pre>{@code
 * Account me = Account.builder("me@gmail.com", Providers.google())
 *         .clientId("123.apps.googleusercontent.com").clientSecret(secret)
 *         .build();
 * }</pre>
 * The name is the address unless {@link #email} says otherwise; only the client ID is required.
 */
public final class AccountBuilder {

    private final String name;
    private final Provider provider;
    private String email;
    private String clientId;
    private String clientSecret;
    private List<String> scopes = List.of();
    private Path caFile;
    private AppGrant appGrant;
    private String sasl;

    AccountBuilder(String name, Provider provider) {
        this.name = Objects.requireNonNull(name, "name");
        this.provider = Objects.requireNonNull(provider, "provider");
        this.email = name.indexOf('@') > 0 ? name : null;
    }

    /** The mailbox address (the SASL user); by default the name, when the name is an address. */
    public AccountBuilder email(String address) {
        this.email = address;
        return this;
    }

    /** The OAuth client ID: required. */
    public AccountBuilder clientId(String id) {
        this.clientId = id;
        return this;
    }

    /** The client secret; leave it out for a public client (PKCE only). */
    public AccountBuilder clientSecret(String secret) {
        this.clientSecret = secret;
        return this;
    }

    /** The scopes to ask for at login; by default the provider's. */
    public AccountBuilder scopes(String... requested) {
        this.scopes = List.of(requested);
        return this;
    }

    /** A PEM file of extra CAs to trust for this account's mail servers (a company CA). */
    public AccountBuilder caFile(Path pem) {
        this.caFile = pem;
        return this;
    }

    /** For an app-only account: how it gets tokens without a person. */
    public AccountBuilder appGrant(AppGrant grant) {
        this.appGrant = grant;
        return this;
    }

    /** Forces a SASL mechanism, {@code XOAUTH2} or {@code OAUTHBEARER}; by default the server's offer decides. */
    public AccountBuilder sasl(String mechanism) {
        this.sasl = mechanism;
        return this;
    }

    public Account build() {
        if (clientId == null || clientId.isBlank()) {
            throw new IllegalStateException("account " + name + " needs a client ID: call clientId(...) before build()");
        }
        return new Account(name, email, provider, clientId, clientSecret, scopes, caFile, appGrant, sasl);
    }
}
