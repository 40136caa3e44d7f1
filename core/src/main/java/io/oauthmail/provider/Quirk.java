package io.oauthmail.provider;

/** What a provider does differently from the plain RFCs, and oauthmail must know to get right. */
public enum Quirk {
    /** Google: the device flow refuses Gmail scopes ({@code invalid_scope: Invalid device flow scope}). */
    DEVICE_FLOW_REFUSES_MAIL_SCOPES,
    /**
     * Google: a web-server client gets a refresh token only if its authorization request says
     * {@code access_type=offline}, and, once the person has consented before, only with {@code prompt=consent}
     * as well (a later consent answers with an access token alone). Installed apps get one without asking.
     */
    REFRESH_TOKEN_ONLY_WITH_ACCESS_TYPE_OFFLINE,
    /** Google: an External app in "Testing" gets refresh tokens that die 7 days after issue. */
    TESTING_APPS_EXPIRE_AFTER_7_DAYS,
    /** Microsoft: a refresh without {@code scope} fails (AADSTS900144). */
    REFRESH_NEEDS_SCOPE,
    /** Microsoft: every refresh returns a new refresh token, which must replace the old one. */
    ROTATES_REFRESH_TOKENS,
    /** Microsoft: a refresh token unused for 90 days dies (AADSTS700082). */
    REFRESH_TOKEN_DIES_AFTER_90_DAYS_UNUSED,
    /**
     * Google and Microsoft: an IMAP session ends when the access token it logged in with expires ({@code * BYE
     * Session expired, please login again.}; Exchange: {@code * BYE Session invalidated - AccessTokenExpired}, and
     * only as the answer to the next command). The proxy logs in again before that, keeping the client's session.
     */
    ENDS_IMAP_SESSIONS_AT_TOKEN_EXPIRY
}
