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

    /**
     * The messages of {@code folderName} with a UID above {@code afterUid} (0 for all), at most the newest
     * {@code limit}. If the folder's UIDVALIDITY is not {@code knownUidValidity} (0 if never seen), the folder
     * was reset or replaced: the UIDs of the last look mean nothing, and everything is returned, flagged.
     * The folder is opened read-only, so nothing is marked as seen.
     */
    public Fetched fetch(Account account, String folderName, long knownUidValidity, long afterUid, int limit,
            boolean withRaw) {
        try (Store store = sessions.imap(account)) {
            Folder folder = store.getFolder(folderName);
            if (!folder.exists()) {
                throw new MailFailure("account " + account.name() + ": there is no folder " + folderName,
                        "folder names are case-sensitive except INBOX; list them in your mail client", null);
            }
            folder.open(Folder.READ_ONLY);
            try {
                UIDFolder uids = (UIDFolder) folder;
                long validity = uids.getUIDValidity();
                boolean reset = knownUidValidity != 0 && knownUidValidity != validity;
                long after = reset ? 0 : afterUid;
                Message[] found = uids.getMessagesByUID(after + 1, UIDFolder.LASTUID);
                List<Fetched.Message> messages = new ArrayList<>();
                for (Message m : found) {
                    long uid = uids.getUID(m);
                    if (uid > after) { // "UID n:*" always includes the newest message, even below n
                        messages.add(describe(m, uid, withRaw));
                    }
                }
                int from = Math.max(0, messages.size() - limit);
                return new Fetched(validity, messages.subList(from, messages.size()), reset);
            } finally {
                folder.close(false);
            }
        } catch (MessagingException | IOException e) {
            throw new MailFailure("account " + account.name() + ": cannot read folder " + folderName + ": "
                    + MailErrors.describe(e), null, e);
        }
    }

    private static Fetched.Message describe(Message m, long uid, boolean withRaw) throws MessagingException, IOException {
        String from = m.getFrom() == null || m.getFrom().length == 0 ? "" : m.getFrom()[0].toString();
        List<String> parts = new ArrayList<>();
        describeParts(m, parts);
        byte[] raw = null;
        if (withRaw) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(Math.max(1024, m.getSize()));
            m.writeTo(out);
            raw = out.toByteArray();
        }
        java.util.Date sent = m.getSentDate() != null ? m.getSentDate() : m.getReceivedDate();
        return new Fetched.Message(new MessageSummary(uid, from, m.getSubject(), m.getSize(), parts),
                sent == null ? null : sent.toInstant(), raw);
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
