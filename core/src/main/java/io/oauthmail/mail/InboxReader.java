package io.oauthmail.mail;

import io.oauthmail.MailFailure;
import io.oauthmail.account.Account;
import jakarta.mail.BodyPart;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads message summaries from an account's folder over IMAP with a fresh token. */
public final class InboxReader {

    private final MailSessions sessions;

    public InboxReader(MailSessions sessions) {
        this.sessions = sessions;
    }

    /** The newest {@code limit} messages of {@code folderName}, oldest first. */
    public List<MessageSummary> list(Account account, String folderName, int limit) {
        try (Store store = sessions.imap(account)) {
            Folder folder = store.getFolder(folderName);
            folder.open(Folder.READ_ONLY);
            try {
                int count = folder.getMessageCount();
                List<MessageSummary> summaries = new ArrayList<>();
                if (count == 0) {
                    return summaries;
                }
                Message[] messages = folder.getMessages(Math.max(1, count - limit + 1), count);
                for (Message m : messages) {
                    long uid = folder instanceof UIDFolder uids ? uids.getUID(m) : m.getMessageNumber();
                    String from = m.getFrom() == null || m.getFrom().length == 0 ? "" : m.getFrom()[0].toString();
                    List<String> parts = new ArrayList<>();
                    describeParts(m, parts);
                    summaries.add(new MessageSummary(uid, from, m.getSubject(), m.getSize(), parts));
                }
                return summaries;
            } finally {
                folder.close(false);
            }
        } catch (MessagingException | IOException e) {
            throw new MailFailure("account " + account.name() + ": cannot read folder " + folderName + ": "
                    + MailErrors.describe(e), null, e);
        }
    }

    private static void describeParts(Part part, List<String> out) throws MessagingException, IOException {
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                describeParts(child, out);
            }
        } else {
            String type = part.getContentType();
            out.add(type == null ? "unknown" : type.split(";")[0].trim().toLowerCase(Locale.ROOT));
        }
    }
}
