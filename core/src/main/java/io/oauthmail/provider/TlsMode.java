package io.oauthmail.provider;

/** How a mail connection is secured. */
public enum TlsMode {
    /** TLS from the first byte (IMAPS 993, POP3S 995, SMTPS 465). */
    IMPLICIT,
    /** Plain greeting, then STARTTLS, required before authenticating (submission 587). */
    STARTTLS,
    /** No TLS at all: only for loopback test servers; never used by a preset. */
    PLAIN
}
