package io.oauthmail.provider;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The built-in providers. Endpoints, scopes and hosts are the documented ones (Google's XOAUTH2 and
 * installed-app guides; Microsoft's Exchange Online OAuth and identity-platform guides).
 */
public final class Providers {

    /** Gmail's scope for IMAP, POP and SMTP. */
    public static final String GOOGLE_MAIL_SCOPE = "https://mail.google.com/";

    private Providers() {
    }

    /** Gmail and Google Workspace: IMAPS 993, POP3S 995, SMTP 587 with STARTTLS. */
    public static Provider google() {
        return new Provider("google",
                new OAuthEndpoints(URI.create("https://accounts.google.com/o/oauth2/v2/auth"),
                        URI.create("https://oauth2.googleapis.com/token"),
                        URI.create("https://oauth2.googleapis.com/device/code"),
                        URI.create("https://oauth2.googleapis.com/revoke"),
                        URI.create("https://openidconnect.googleapis.com/v1/userinfo")),
                List.of("openid", "email", GOOGLE_MAIL_SCOPE),
                new MailServer("imap.gmail.com", 993, TlsMode.IMPLICIT),
                new MailServer("pop.gmail.com", 995, TlsMode.IMPLICIT),
                new MailServer("smtp.gmail.com", 587, TlsMode.STARTTLS),
                Set.of(Quirk.DEVICE_FLOW_REFUSES_MAIL_SCOPES, Quirk.TESTING_APPS_EXPIRE_AFTER_7_DAYS,
                        Quirk.ENDS_IMAP_SESSIONS_AT_TOKEN_EXPIRY, Quirk.REFRESH_TOKEN_ONLY_WITH_ACCESS_TYPE_OFFLINE));
    }

    /**
     * Microsoft 365 and Outlook.com. {@code tenant} is {@code common}, {@code organizations},
     * {@code consumers}, or a tenant ID or domain. Microsoft has no revocation endpoint.
     */
    public static Provider microsoft(String tenant) {
        String t = tenant == null || tenant.isBlank() ? "common" : tenant.trim();
        if (!t.matches("[A-Za-z0-9.-]+")) {
            throw new IllegalArgumentException("not a Microsoft tenant: " + tenant
                    + " (use common, organizations, consumers, a tenant ID or a domain)");
        }
        String base = "https://login.microsoftonline.com/" + t + "/oauth2/v2.0/";
        boolean consumers = Set.of("consumers", "9188040d-6c67-4c5b-b112-36a304b66dad").contains(t.toLowerCase(Locale.ROOT));
        return new Provider("microsoft",
                new OAuthEndpoints(URI.create(base + "authorize"), URI.create(base + "token"),
                        URI.create(base + "devicecode"), null, URI.create("https://graph.microsoft.com/oidc/userinfo")),
                List.of("offline_access", "openid", "email",
                        "https://outlook.office.com/IMAP.AccessAsUser.All",
                        "https://outlook.office.com/POP.AccessAsUser.All",
                        "https://outlook.office.com/SMTP.Send"),
                new MailServer("outlook.office365.com", 993, TlsMode.IMPLICIT),
                new MailServer("outlook.office365.com", 995, TlsMode.IMPLICIT),
                new MailServer(consumers ? "smtp-mail.outlook.com" : "smtp.office365.com", 587, TlsMode.STARTTLS),
                Set.of(Quirk.REFRESH_NEEDS_SCOPE, Quirk.ROTATES_REFRESH_TOKENS, Quirk.REFRESH_TOKEN_DIES_AFTER_90_DAYS_UNUSED,
                        Quirk.ENDS_IMAP_SESSIONS_AT_TOKEN_EXPIRY));
    }
}
