package io.oauthmail.mail;

import io.oauthmail.error.OAuthMailException;
import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentDisposition;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.ParameterList;
import jakarta.mail.util.ByteArrayDataSource;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * The body of a composed message, nested as RFC 2046 and RFC 2387 expect and no deeper than needed:
 *
 * <pre>
 * multipart/mixed                  only with attachments
 *   multipart/related              only with inline parts; its root is the first part
 *     multipart/alternative        only with HTML: text/plain first, the preferred text/html last
 *       text/plain
 *       text/html
 *     image/png (Content-ID: &lt;logo&gt;, inline)
 *   application/pdf (attachment)
 * </pre>
 *
 * Each level is a {@link Content} that fills a part (the message itself, or a body part of the level above).
 */
final class MimeTree {

    private static final String UTF_8 = StandardCharsets.UTF_8.name();

    /** Something that can become the content of a MIME part. */
    @FunctionalInterface
    interface Content {
        void fill(MimePart part) throws MessagingException;
    }

    private MimeTree() {
    }

    /** The body of {@code email}; refuses inline parts without HTML and cids that do not match. */
    static Content of(Email email) {
        String html = email.htmlBody();
        Map<String, PartSource> inline = email.inlineParts();
        Content body;
        if (html == null) {
            if (!inline.isEmpty()) {
                throw new OAuthMailException("inline parts " + inline.keySet() + " need an HTML body to show them",
                        "give the HTML with Email.html(...), or attach the files with Email.attach(...)");
            }
            String text = email.textBody() != null ? email.textBody() : "";
            body = part -> setText(part, text, "plain");
        } else {
            String text = email.textBody() != null ? email.textBody() : HtmlToText.convert(html);
            body = alternative(text, html);
        }
        if (!inline.isEmpty()) {
            checkReferences(html, inline.keySet());
            body = related(body, inline);
        }
        if (!email.attachments().isEmpty()) {
            body = mixed(body, email);
        }
        return body;
    }

    private static Content alternative(String text, String html) {
        return part -> {
            MimeMultipart alternative = new MimeMultipart("alternative");
            alternative.addBodyPart(textPart(text, "plain")); // least preferred first (RFC 2046 5.1.4)
            alternative.addBodyPart(textPart(html, "html"));
            part.setContent(alternative);
        };
    }

    private static Content related(Content root, Map<String, PartSource> inline) {
        return part -> {
            MimeMultipart related = new MimeMultipart("related");
            related.addBodyPart(bodyPart(root));
            for (Map.Entry<String, PartSource> e : inline.entrySet()) {
                MimeBodyPart image = filePart(e.getValue(), "inline image " + e.getKey(), Part.INLINE);
                image.setContentID("<" + e.getKey() + ">");
                related.addBodyPart(image);
            }
            part.setContent(related);
            // RFC 2387 requires the root's type as a parameter; Jakarta Mail does not add it.
            ContentType type = new ContentType(related.getContentType());
            type.setParameter("type", rootType(related));
            part.setHeader("Content-Type", type.toString());
        };
    }

    private static Content mixed(Content body, Email email) {
        return part -> {
            MimeMultipart mixed = new MimeMultipart("mixed");
            mixed.addBodyPart(bodyPart(body));
            for (PartSource attachment : email.attachments()) {
                mixed.addBodyPart(filePart(attachment, "attachment", Part.ATTACHMENT));
            }
            part.setContent(mixed);
        };
    }

    private static MimeBodyPart bodyPart(Content content) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        content.fill(part);
        return part;
    }

    private static MimeBodyPart textPart(String text, String subtype) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        setText(part, text, subtype);
        return part;
    }

    /**
     * What {@code part.setText(text, "UTF-8", subtype)} does, as bytes: Jakarta Mail writes a text given as a
     * String through a content handler found in activation's global CommandMap, whose lookups are synchronized
     * JVM-wide; with eight threads composing, they queued there (JFR: seconds blocked per thousand messages).
     * The encoding chosen for the bytes is the same (7bit, quoted-printable, base64 by the same scan).
     */
    private static void setText(jakarta.mail.internet.MimePart part, String text, String subtype) throws MessagingException {
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(text.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "text/" + subtype + "; charset=" + UTF_8)));
    }

    /**
     * A part holding {@code source} (a text file with its charset named) with its file name in both
     * Content-Disposition (filename) and Content-Type (name, for old clients), encoded by RFC 2231 in UTF-8 when
     * not ASCII. Jakarta Mail's own setFileName
     * would take the charset from the JVM default and RFC 2047 only by a JVM-wide system property.
     */
    private static MimeBodyPart filePart(PartSource source, String role, String disposition) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        ContentType type = new ContentType(source.resolvedType());
        byte[] content = source.read(role);
        if (type.getPrimaryType().equalsIgnoreCase("text") && type.getParameter("charset") == null) {
            type.setParameter("charset", TextCharsets.detect(content)); // else its reader takes it for US-ASCII
        }
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(content, type.getBaseType())));
        type.setParameterList(withName(type.getParameterList(), "name", source.fileName()));
        part.setHeader("Content-Type", type.toString());
        ContentDisposition cd = new ContentDisposition(disposition);
        cd.setParameterList(withName(null, "filename", source.fileName()));
        part.setHeader("Content-Disposition", cd.toString());
        return part;
    }

    private static ParameterList withName(ParameterList params, String key, String name) {
        ParameterList list = params == null ? new ParameterList() : params;
        list.set(key, name, UTF_8);
        return list;
    }

    private static String rootType(MimeMultipart related) throws MessagingException {
        return new ContentType(related.getBodyPart(0).getDataHandler().getContentType()).getBaseType();
    }

    /** Every inline part must be shown by the HTML, and every cid it shows must be given. */
    private static void checkReferences(String html, Set<String> given) {
        Set<String> referenced = ContentIds.referencedBy(html);
        for (String cid : referenced) {
            if (!given.contains(cid)) {
                throw new OAuthMailException("the HTML shows cid:" + cid + " but no inline part has that cid",
                        "add it with Email.inline(\"" + cid + "\", Path.of(...)), or fix the reference (inline parts: "
                                + given + ")");
            }
        }
        for (String cid : given) {
            if (!referenced.contains(cid)) {
                throw new OAuthMailException("the inline part \"" + cid + "\" is never referenced by the HTML",
                        "show it with <img src=\"cid:" + cid + "\">, or send the file with Email.attach(...) instead");
            }
        }
    }
}
