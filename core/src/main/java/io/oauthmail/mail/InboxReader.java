package io.oauthmail.mail;

import io.oauthmail.account.Account;
import io.oauthmail.error.MailFailure;
import jakarta.mail.BodyPart;
import jakarta.mail.FetchProfile;
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
                    summaries.add(new MessageSummary(uid, from, m.getSubject(), m.getSize(), parts, messageId(m)));
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

    /** Which end of the matching messages a fetch shows when there are more than its limit. */
    public enum Pick {
        /** The newest: a look at what is there now. */
        NEWEST,
        /** The oldest: for "what arrived since", so the next look after the last one shown sees the rest. */
        OLDEST
    }

    /**
     * The messages of {@code folderName} with a UID above {@code afterUid} (0 for all), at most {@code limit} of
     * them from the end {@code pick} says, oldest first. If the folder's UIDVALIDITY is not {@code knownUidValidity}
     * (0 if never seen), the folder was reset or replaced: the UIDs of the last look mean nothing, and the whole
     * folder is looked at, flagged. The folder is opened read-only, so nothing is marked as seen.
     *
     * <p>Only the messages returned are fetched: their UIDs are learned first (message numbers, or the UIDs above
     * {@code afterUid}, which the server sends without bodies), then their envelopes and structure in one command,
     * then, with {@code withRaw}, their bodies. A limit of 1 on a big folder transfers one message, not the folder.
     */
    public Fetched fetch(Account account, String folderName, long knownUidValidity, long afterUid, int limit,
            Pick pick, boolean withRaw) {
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
                List<Message> matching = matching(folder, uids, after, limit, pick);
                int from = pick == Pick.NEWEST ? Math.max(0, matching.size() - limit) : 0;
                List<Message> shown = matching.subList(from, Math.min(matching.size(), from + limit));
                Message[] chosen = shown.toArray(new Message[0]);
                folder.fetch(chosen, summaryProfile());
                List<Fetched.Message> messages = new ArrayList<>();
                for (Message m : chosen) {
                    messages.add(describe(m, uids.getUID(m), withRaw));
                }
                return new Fetched(validity, messages, reset, matching.size() - chosen.length);
            } finally {
                folder.close(false);
            }
        } catch (MessagingException | IOException e) {
            throw new MailFailure("account " + account.name() + ": cannot read folder " + folderName + ": "
                    + MailErrors.describe(e), null, e);
        }
    }

    /**
     * The messages above UID {@code after}, oldest first, as handles whose content is not loaded yet. For the
     * newest of a whole folder, message numbers say which without asking the server for every UID.
     */
    private static List<Message> matching(Folder folder, UIDFolder uids, long after, int limit, Pick pick)
            throws MessagingException {
        if (after == 0 && pick == Pick.NEWEST) {
            int count = folder.getMessageCount();
            return count == 0 ? List.of() : List.of(folder.getMessages(Math.max(1, count - limit + 1), count));
        }
        List<Message> matching = new ArrayList<>();
        for (Message m : uids.getMessagesByUID(after + 1, UIDFolder.LASTUID)) { // UID FETCH n:* (UID): no bodies
            if (uids.getUID(m) > after) { // "UID n:*" always includes the newest message, even below n
                matching.add(m);
            }
        }
        return matching;
    }

    /** What a summary needs, asked for in one command for all the messages shown: never their bodies. */
    private static FetchProfile summaryProfile() {
        FetchProfile profile = new FetchProfile();
        profile.add(UIDFolder.FetchProfileItem.UID);
        profile.add(FetchProfile.Item.ENVELOPE);
        profile.add(FetchProfile.Item.CONTENT_INFO);
        profile.add(FetchProfile.Item.SIZE);
        return profile;
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
        return new Fetched.Message(new MessageSummary(uid, from, m.getSubject(), m.getSize(), parts, messageId(m)),
                sent == null ? null : sent.toInstant(), raw);
    }

    /** From the envelope already fetched ({@link FetchProfile.Item#ENVELOPE} has it), so it costs no round trip. */
    private static String messageId(Message m) throws MessagingException {
        return m instanceof jakarta.mail.internet.MimeMessage mime ? mime.getMessageID() : null;
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
