package io.oauthmail.mail;

/**
 * The providers' known refusals, recognised in a server's reply and explained: what each means and what to
 * do (from Google's and Microsoft's documentation, ../shared/docs/providers.md section 7).
 */
final class ServerReplies {

    private ServerReplies() {
    }

    /** The reply, followed by what it means where it is a known one. */
    static String hint(String reply) {
        String meaning = meaning(reply);
        return meaning == null ? reply : reply + " -> " + meaning;
    }

    static String meaning(String reply) {
        if (reply == null) {
            return null;
        }
        if (reply.contains("5.7.139") || reply.contains("SmtpClientAuthentication is disabled")) {
            return "SMTP AUTH is switched off for this Microsoft 365 tenant or mailbox; an admin enables it with "
                    + "Set-CASMailbox -Identity ADDRESS -SmtpClientAuthenticationDisabled $false";
        }
        if (reply.contains("5.7.8") || reply.contains("BadCredentials")) {
            return "Gmail refused the login: the token is invalid or expired, was issued to another address, or lacks "
                    + "https://mail.google.com/";
        }
        if (reply.contains("5.7.30") || reply.contains("Basic authentication is not supported")) {
            return "the server refuses passwords (basic authentication); oauthmail should have used XOAUTH2: report this";
        }
        if (java.util.regex.Pattern.compile("\\b5\\.7\\.3\\b").matcher(reply).find()) { // not 5.7.30, 5.7.39...
            return "Microsoft refused the token: wrong audience (a Graph token instead of an outlook.office.com one), "
                    + "missing SMTP.Send scope, or the mailbox is not the token's user";
        }
        if (reply.contains("AUTHENTICATE failed")) {
            return "Microsoft's IMAP/POP refusal: check the scope is https://outlook.office.com/IMAP.AccessAsUser.All "
                    + "(not the graph.microsoft.com one) and, for app-only access, the service principal and mailbox permission";
        }
        return null;
    }
}
