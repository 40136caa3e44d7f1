package io.oauthmail.cli.accounts;

import io.oauthmail.provider.MailServer;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Checks {@code --imap/--pop/--smtp HOST:PORT[:tls|starttls|plain]} while the command line is parsed, so a
 * malformed server is a usage error naming the value; the config keeps the text as it was typed.
 */
final class MailServerSpec implements ITypeConverter<String> {

    @Override
    public String convert(String value) {
        try {
            MailServer.parse(value);
            return value;
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
