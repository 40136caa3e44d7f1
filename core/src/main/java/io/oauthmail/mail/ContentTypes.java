package io.oauthmail.mail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Guesses a part's content type: the platform's detector first (it knows the system's mime.types), then a
 * small table of what mail commonly carries, because minimal containers often have no mime.types at all.
 */
final class ContentTypes {

    static final String FALLBACK = "application/octet-stream";

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("pdf", "application/pdf"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("ico", "image/vnd.microsoft.icon"),
            Map.entry("txt", "text/plain"),
            Map.entry("csv", "text/csv"),
            Map.entry("htm", "text/html"),
            Map.entry("html", "text/html"),
            Map.entry("ics", "text/calendar"),
            Map.entry("vcf", "text/vcard"),
            Map.entry("json", "application/json"),
            Map.entry("xml", "application/xml"),
            Map.entry("zip", "application/zip"),
            Map.entry("gz", "application/gzip"),
            Map.entry("eml", "message/rfc822"),
            Map.entry("doc", "application/msword"),
            Map.entry("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            Map.entry("xls", "application/vnd.ms-excel"),
            Map.entry("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            Map.entry("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
            Map.entry("odt", "application/vnd.oasis.opendocument.text"),
            Map.entry("ods", "application/vnd.oasis.opendocument.spreadsheet"));

    private ContentTypes() {
    }

    /** The type of {@code fileName}, probing {@code file} too when there is one (it may be null). */
    static String detect(String fileName, Path file) {
        if (file != null) {
            try {
                String probed = Files.probeContentType(file);
                if (probed != null) {
                    return probed;
                }
            } catch (IOException | SecurityException e) {
                // a detector that cannot look is no answer: fall through to the table
            }
        }
        return byExtension(fileName);
    }

    static String byExtension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        if (dot < 0 || dot == fileName.length() - 1) {
            return FALLBACK;
        }
        return BY_EXTENSION.getOrDefault(fileName.substring(dot + 1).toLowerCase(Locale.ROOT), FALLBACK);
    }
}
