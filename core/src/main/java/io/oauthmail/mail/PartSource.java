package io.oauthmail.mail;

import io.oauthmail.error.OAuthMailException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.ParseException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The content of an inline part or an attachment: a file, read when the message is composed (so a missing file
 * fails there, naming it, and not half-way through an SMTP transaction), or bytes given by the program.
 *
 * @param fileName the name the recipient sees
 * @param file the file to read, or null for bytes
 * @param bytes the content, or null for a file
 * @param contentType as given, or null to detect it from the file and its name
 */
record PartSource(String fileName, Path file, byte[] bytes, String contentType) {

    PartSource {
        Objects.requireNonNull(fileName, "fileName");
        if (fileName.isBlank()) {
            throw new OAuthMailException("an attachment needs a file name", "give a name such as report.pdf");
        }
        if (contentType != null) {
            checkContentType(contentType);
        }
    }

    static PartSource file(Path file, String contentType) {
        Objects.requireNonNull(file, "file");
        Path name = file.getFileName();
        return new PartSource(name == null ? file.toString() : name.toString(), file, null, contentType);
    }

    static PartSource bytes(String fileName, byte[] bytes, String contentType) {
        Objects.requireNonNull(bytes, "bytes");
        return new PartSource(fileName, null, bytes.clone(), contentType);
    }

    /** The content; {@code role} ("attachment", "inline image logo") names the part in the error. */
    byte[] read(String role) {
        if (bytes != null) {
            return bytes;
        }
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new OAuthMailException("the " + role + " file does not exist: " + file.toAbsolutePath(),
                    "check the path (relative paths start from " + Path.of("").toAbsolutePath() + ")");
        } catch (AccessDeniedException e) {
            throw new OAuthMailException("the " + role + " file is not readable: " + file.toAbsolutePath(),
                    "check its permissions");
        } catch (IOException e) {
            throw new OAuthMailException("cannot read the " + role + " file " + file.toAbsolutePath() + ": "
                    + e.getMessage(), Files.isDirectory(file) ? "give a file, not a directory" : null);
        }
    }

    /** The content type as given, else detected (see {@link ContentTypes}). */
    String resolvedType() {
        return contentType != null ? contentType : ContentTypes.detect(fileName, file);
    }

    private static void checkContentType(String type) {
        try {
            ContentType parsed = new ContentType(type);
            if (parsed.getPrimaryType() == null || parsed.getSubType() == null) {
                throw new ParseException(type);
            }
        } catch (ParseException e) {
            throw new OAuthMailException("not a content type: \"" + type + "\"",
                    "write it as type/subtype, e.g. image/png or application/pdf");
        }
    }
}
