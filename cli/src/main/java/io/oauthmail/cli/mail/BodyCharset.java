package io.oauthmail.cli.mail;

import io.oauthmail.error.OAuthMailException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code send --charset}: the charset the body files are written in. Decoding reports a byte that does not fit
 * instead of replacing it, so a Latin-1 file read as UTF-8 is refused with what to do, not sent as "�" (nor
 * refused as Java's bare "Input length = 1").
 */
final class BodyCharset implements ITypeConverter<Charset> {

    @Override
    public Charset convert(String value) {
        try {
            return Charset.forName(value);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new TypeConversionException("'" + value + "' is not a charset this Java knows (e.g. UTF-8, ISO-8859-1, "
                    + "windows-1252)");
        }
    }

    /** {@code bytes} as text in {@code charset}; {@code name} (a file, or stdin) is what the error names. */
    static String decode(byte[] bytes, Charset charset, String name) {
        try {
            return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            String file = name.equals("stdin") ? "FILE" : name;
            throw new OAuthMailException("the message body in " + name + " is not " + charset.name()
                    + (charset.equals(StandardCharsets.UTF_8) ? " (it may be Latin-1 or windows-1252)" : ""),
                    "give its charset, e.g. --charset ISO-8859-1, or convert it: iconv -f latin1 -t utf-8 " + file
                            + " > " + file + ".utf8", e);
        }
    }
}
