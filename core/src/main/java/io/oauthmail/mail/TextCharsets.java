package io.oauthmail.mail;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The charset of a text file attached as it is. A text part without a charset parameter is US-ASCII to its reader
 * (RFC 2046 4.1.2), so a file with an "é" in it arrived garbled. Valid UTF-8 (plain ASCII included) is UTF-8;
 * anything else is taken for the 8-bit charset such files nearly always are: windows-1252 when it uses the bytes
 * 0x80-0x9F (curly quotes, the euro sign), which ISO-8859-1 leaves to control characters, else ISO-8859-1.
 */
final class TextCharsets {

    private TextCharsets() {
    }

    /** The charset to name for {@code bytes}, as a MIME charset name. */
    static String detect(byte[] bytes) {
        if (isUtf8(bytes)) {
            return "utf-8";
        }
        for (byte b : bytes) {
            int unsigned = b & 0xFF;
            if (unsigned >= 0x80 && unsigned <= 0x9F) {
                return "windows-1252";
            }
        }
        return "iso-8859-1";
    }

    static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
