package io.oauthmail.server.web;

import io.oauthmail.config.AccountAdd;
import io.oauthmail.config.AccountSettings;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.provider.MailServer;
import io.oauthmail.provider.OAuthEndpoints;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.jetty.util.Fields;

/**
 * The "Connect an account" form for an account not yet in the config, as typed: every field but the client secret,
 * which is never kept in a value that could be printed or rendered back ({@link #settings} takes it as an argument).
 * {@link #problems} checks each field without the network, so a wrong entry is named beside its field.
 *
 * <p>The config is TOML: {@code ConfigWriter} escapes what it writes, but a line break or quote in a name, address,
 * client or scope is never what a person meant, and refusing it keeps the file exactly as readable as
 * {@code accounts add} leaves it.
 */
record NewAccount(String name, String email, String provider, String issuer, String tenant, String clientId,
        String scopes, String imap, String smtp) {

    /** The presets offered: google and microsoft know their endpoints and scopes; generic discovers the issuer's. */
    static final List<String> PROVIDERS = List.of("google", "microsoft", "generic");
    /** What one field may hold; a form far beyond it is refused before it is read (see ConsoleHandler). */
    static final int MAX_FIELD = 2_048;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}");
    /** RFC 6749 section 3.3: a scope token is printable ASCII without space, quote or backslash. */
    private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");
    private static final Pattern CLIENT_ID = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,512}");

    static NewAccount from(Fields form) {
        return new NewAccount(value(form, "name"), value(form, "email"), value(form, "provider"), value(form, "issuer"),
                value(form, "tenant"), value(form, "client_id"), value(form, "scopes"), value(form, "imap"), value(form, "smtp"));
    }

    private static String value(Fields form, String field) {
        String value = form.getValue(field);
        return value == null ? "" : value.strip();
    }

    /** An empty form, Google preselected. */
    static NewAccount blank() {
        return new NewAccount("", "", "google", "", "", "", "", "", "");
    }

    /**
     * What is wrong with each field (field name → a sentence), in form order; empty when all is well. The
     * {@code secret} is checked here too, and only said to be wrong, never repeated.
     */
    Map<String, String> problems(String secret, Optional<String> takenBy) {
        Map<String, String> problems = new LinkedHashMap<>();
        check(problems, "name", name, true);
        if (!problems.containsKey("name") && !NAME.matcher(name).matches()) {
            problems.put("name", "Use letters, digits and . _ @ + - (at most 100), e.g. me@example.com or work.");
        } else if (!problems.containsKey("name") && takenBy.isPresent()) {
            problems.put("name", "An account named " + name + " is configured already: connect it from the Accounts"
                    + " page, or choose another name.");
        }
        if (check(problems, "email", email, false) && !email.isEmpty() && !isAddress(email)) {
            problems.put("email", "Not an e-mail address: " + email + ". Write it as name@example.com.");
        }
        if (!PROVIDERS.contains(provider)) {
            problems.put("provider", "Choose Google, Microsoft or another OpenID provider (generic).");
        }
        if (check(problems, "issuer", issuer, provider.equals("generic")) && provider.equals("generic")) {
            issuerProblem().ifPresent(problem -> problems.put("issuer", problem));
        }
        if (check(problems, "tenant", tenant, false) && provider.equals("microsoft")) {
            try {
                AccountAdd.check(provider, tenant, List.of("unused"));
            } catch (OAuthMailException e) {
                problems.put("tenant", "Not a Microsoft tenant: use common, organizations, consumers, a tenant ID or a domain.");
            }
        }
        if (check(problems, "client_id", clientId, true) && !CLIENT_ID.matcher(clientId).matches()) {
            problems.put("client_id", "A client ID has no spaces, quotes or backslashes (at most 512 characters).");
        }
        check(problems, "client_secret", secret == null ? "" : secret, true);
        if (check(problems, "scopes", scopes, AccountAdd.needsEndpoints(provider))
                && !scopeList().stream().allMatch(scope -> SCOPE.matcher(scope).matches())) {
            problems.put("scopes", "Scopes are separated by spaces and have no quotes or backslashes.");
        }
        // Google and Microsoft presets know their servers; another provider's mail servers must be given to send or read.
        for (String server : List.of("imap", "smtp")) {
            String spec = server.equals("imap") ? imap : smtp;
            if (check(problems, server, spec, false) && !spec.isEmpty()) {
                try {
                    MailServer.parse(spec);
                } catch (IllegalArgumentException e) {
                    problems.put(server, "Write it as HOST:PORT or HOST:PORT:tls|starttls|plain, e.g. mail.example.com:"
                            + (server.equals("imap") ? "993" : "587") + " (" + e.getMessage() + ").");
                }
            }
        }
        return problems;
    }

    /** Checks {@code value} for presence, length and line breaks; true if none of these is wrong. */
    private static boolean check(Map<String, String> problems, String field, String value, boolean required) {
        if (required && value.isEmpty()) {
            problems.put(field, "Required.");
        } else if (value.length() > MAX_FIELD) {
            problems.put(field, "Too long (at most " + MAX_FIELD + " characters).");
        } else if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7F || c == '"')) {
            problems.put(field, "Must not contain line breaks, quotes or other control characters.");
        } else {
            return true;
        }
        return false;
    }

    private static boolean isAddress(String value) {
        try {
            new InternetAddress(value, true).validate();
            return value.indexOf('@') > 0 && !value.contains("<");
        } catch (AddressException e) {
            return false;
        }
    }

    /** An issuer is an https URL (plain http only to this machine, e.g. a local IdP) without query or fragment. */
    private Optional<String> issuerProblem() {
        try {
            URI uri = new URI(issuer);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null
                    || !(scheme.equals("https") || scheme.equals("http") && loopback(uri.getHost()))) {
                return Optional.of("An issuer is an https:// URL without ? or #, e.g. https://idp.example.com/realms/mail"
                        + " (http:// only to this machine).");
            }
            return Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.of("Not a URL: " + e.getReason() + ". E.g. https://idp.example.com/realms/mail.");
        }
    }

    private static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host.replaceAll("^\\[|\\]$", "")).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    List<String> scopeList() {
        return scopes.isEmpty() ? List.of() : List.of(scopes.split("\\s+"));
    }

    /** The config table {@code oauthmail accounts add} would write for this form, with {@code endpoints} found. */
    AccountSettings settings(String secret, OAuthEndpoints endpoints) {
        boolean generic = AccountAdd.needsEndpoints(provider);
        return new AccountSettings(name, provider, provider.equals("microsoft") && !tenant.isEmpty() ? tenant : null,
                generic ? issuer : null, clientId, secret, null, email.isEmpty() ? null : email, scopeList(), orNull(imap), null,
                orNull(smtp), null, null, null, generic ? endpoints.authorization().toString() : null,
                generic ? endpoints.token().toString() : null, string(endpoints == null ? null : endpoints.deviceAuthorization()),
                string(endpoints == null ? null : endpoints.revocation()), string(endpoints == null ? null : endpoints.userInfo()),
                null, null);
    }

    private static String orNull(String value) {
        return value.isEmpty() ? null : value;
    }

    private static String string(URI uri) {
        return uri == null ? null : uri.toString();
    }
}
