package io.oauthmail.mail;

import io.oauthmail.account.Account;
import io.oauthmail.error.MailFailure;
import java.util.OptionalLong;

/**
 * The largest message a provider's SMTP submission accepts, so an oversized message is refused before
 * connecting, with the limit named: Gmail announces {@code SIZE 35882577} on smtp.gmail.com; Exchange Online's
 * default message limit is 35 MB. Other servers enforce their own {@code SIZE} when the message is sent.
 */
public final class SizeLimits {

    private SizeLimits() {
    }

    public static OptionalLong smtp(Account account) {
        return switch (account.provider().name()) {
            case "google" -> OptionalLong.of(35_882_577L);
            case "microsoft" -> OptionalLong.of(35L * 1024 * 1024);
            default -> OptionalLong.empty();
        };
    }

    /** Throws if {@code size} bytes are over the SMTP limit of the account's provider. */
    public static void requireSmtpFits(Account account, long size) {
        OptionalLong limit = smtp(account);
        if (limit.isPresent() && size > limit.getAsLong()) {
            throw new MailFailure("account " + account.name() + ": the message is " + megabytes(size) + " as sent, over "
                    + account.provider().name() + "'s SMTP limit of " + megabytes(limit.getAsLong()) + "; nothing was sent",
                    "send large files as links, or split the message", null);
        }
    }

    static String megabytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MB (%,d bytes)", bytes / 1024.0 / 1024.0, bytes);
    }
}
