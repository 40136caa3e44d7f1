package io.oauthmail.mail;

import io.oauthmail.error.OAuthMailException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The cids of inline parts (RFC 2392): which are allowed, and which an HTML body references. */
final class ContentIds {

    /** dot-atom characters plus '@': what fits between the angle brackets of a Content-ID unquoted. */
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~.@-]+");

    /** A cid: URL in an attribute, inline style or style sheet; it ends at a quote, bracket or space. */
    private static final Pattern REFERENCE = Pattern.compile("(?i)\\bcid:([^\\s\"'()<>]+)");

    private ContentIds() {
    }

    static String check(String cid) {
        if (cid == null || !VALID.matcher(cid).matches()) {
            throw new OAuthMailException("not a usable inline cid: \"" + MailHeader.visible(String.valueOf(cid)) + "\"",
                    "use letters, digits and . - _ @ only, e.g. logo or logo@example.com, and reference it as cid:logo");
        }
        return cid;
    }

    /** The cids {@code html} references, decoded (a cid URL is %-encoded), in order of appearance. */
    static Set<String> referencedBy(String html) {
        Set<String> cids = new LinkedHashSet<>();
        Matcher m = REFERENCE.matcher(html);
        while (m.find()) {
            // '+' is a literal plus in a cid URL, not the space of form encoding
            cids.add(URLDecoder.decode(m.group(1).replace("+", "%2B"), StandardCharsets.UTF_8));
        }
        return cids;
    }
}
