package io.oauthmail.store;

import io.oauthmail.account.TokenSet;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.error.TemporaryFailure;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.util.Set;

/**
 * The save of one refresh of {@link EncryptedFileStore}, made ready before the refresh token is spent.
 *
 * <p><b>Room first.</b> The account's pending file ({@code ACCOUNT.token.pending}) is filled now with more bytes
 * than the new record will need and forced to disk, so that a full disk is found while the old refresh token still
 * works, not after the provider has rotated it. After the answer the record is written over those bytes in place
 * (no new blocks on ext4, xfs or tmpfs; a copy-on-write file system such as btrfs or ZFS may still need some),
 * truncated, forced, renamed over the token file, and the folder forced so the rename itself survives a power loss.
 *
 * <p><b>A journal too.</b> The pending file has a fixed name and exists only while a refresh is under way. Found at
 * prepare time (the account's lock held, so no live process owns it) and newer than the token file, it was left by
 * a refresh that never finished: its process died, or its save failed, possibly after the provider had rotated.
 * It is kept until a refresh saves, so that a refusal of the stored refresh token can be explained.
 *
 * <p><b>And the answer, first thing.</b> The provider's answer is written into the answer file
 * ({@code ACCOUNT.token.answer}, reserved like the pending one; sealed, see {@link AnswerJournal}) and forced the
 * moment it arrives, before it is parsed: the reserved room takes it without
 * new blocks, and only a data sync is needed. A process killed after that loses nothing: the next prepare finds the
 * journaled answer and hands it back to be saved before the stored refresh token is presented again.
 */
final class ReservedSave implements TokenStore.PreparedSave {

    /** Seals and opens the journal of one account's answers (see {@link AnswerJournal#of}). */
    interface Journals {
        byte[] seal(String answer, java.time.Instant receivedAt) throws GeneralSecurityException;

        java.util.Optional<TokenStore.UnsavedAnswer> open(byte[] data);
    }

    static final String SUFFIX = ".pending";
    static final String ANSWER_SUFFIX = ".answer";
    /** Room beyond the current record: an ID token or more scopes can make the new one larger. */
    private static final int SLACK = 8192;
    private static final int BLOCK = 4096;

    private final String account;
    private final Path dir;
    private final Path target;
    private final Path pending;
    private final TokenSealing.Sealer sealer;
    private final Journals journals;
    private final boolean earlierUnfinished;
    private final Path answerFile;
    private java.util.Optional<TokenStore.UnsavedAnswer> unsaved = java.util.Optional.empty();
    private FileChannel channel;
    private FileChannel answerChannel;
    private boolean journaled;
    private FileChannel folder;
    private boolean saveAttempted;
    private boolean saved;

    private ReservedSave(String account, Path dir, Path target, TokenSealing.Sealer sealer, Journals journals,
            boolean earlierUnfinished) {
        this.account = account;
        this.dir = dir;
        this.target = target;
        this.pending = target.resolveSibling(target.getFileName() + SUFFIX);
        this.answerFile = target.resolveSibling(target.getFileName() + ANSWER_SUFFIX);
        this.sealer = sealer;
        this.journals = journals;
        this.earlierUnfinished = earlierUnfinished;
    }

    /**
     * Reserves the room for {@code account}'s next record beside {@code target}; throws a {@link TemporaryFailure}
     * naming the folder when there is none, after giving back what it took.
     */
    static ReservedSave reserve(String account, Path dir, Path target, TokenSealing.Sealer sealer, Journals journals) {
        Path pending = target.resolveSibling(target.getFileName() + SUFFIX);
        Path answer = target.resolveSibling(target.getFileName() + ANSWER_SUFFIX);
        boolean answerLeft = leftBehind(answer, target);
        ReservedSave save = new ReservedSave(account, dir, target, sealer, journals,
                leftBehind(pending, target) || answerLeft);
        if (answerLeft) {
            save.unsaved = journaledAnswer(answer, journals); // read before the room is filled over it
        }
        try {
            int room = roomFor(target);
            save.channel = open(pending);
            fill(save.channel, room);
            save.answerChannel = open(answer);
            fill(save.answerChannel, room);
            save.folder = StoreFolder.open(dir);
            StoreFolder.force(save.folder); // the pending file's name is the journal: make it last too
            return save;
        } catch (IOException e) {
            save.giveBackRoom();
            save.closeChannels();
            throw noRoom(account, dir, e);
        }
    }

    private static java.util.Optional<TokenStore.UnsavedAnswer> journaledAnswer(Path pending, Journals journals) {
        try {
            return journals.open(Files.readAllBytes(pending));
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    /** A pending file newer than the token file (or with none) is a refresh that never finished. */
    private static boolean leftBehind(Path pending, Path target) {
        try {
            FileTime pendingSince = Files.getLastModifiedTime(pending);
            return !Files.exists(target) || pendingSince.compareTo(Files.getLastModifiedTime(target)) >= 0;
        } catch (NoSuchFileException e) {
            return false; // no pending file: the usual case
        } catch (IOException e) {
            return true; // cannot tell: say so if the refresh token turns out refused
        }
    }

    private static int roomFor(Path target) throws IOException {
        long current = Files.exists(target) ? Files.size(target) : 0;
        long room = (current + SLACK + BLOCK - 1) / BLOCK * BLOCK;
        return (int) Math.min(room, 1 << 20);
    }

    /** Owner-only from the start: the pending file becomes the token file, the answer file holds a refresh token. */
    private static FileChannel open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                FilePermissions.ownerOnlyFile());
        FilePermissions.makeOwnerOnly(file);
        return channel;
    }

    /** Real bytes, not {@code setLength}: a sparse file reserves nothing. */
    private static void fill(FileChannel channel, int bytes) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocate(bytes);
        channel.position(0);
        while (zeros.hasRemaining()) {
            channel.write(zeros);
        }
        channel.truncate(bytes);
        channel.force(true);
    }

    @Override
    public void save(TokenSet tokens) {
        if (saveAttempted) {
            throw new IllegalStateException("a prepared save is used once");
        }
        saveAttempted = true;
        try {
            ByteBuffer record = ByteBuffer.wrap(sealer.seal(tokens));
            channel.position(0);
            while (record.hasRemaining()) {
                channel.write(record);
            }
            channel.truncate(record.capacity());
            channel.force(true);
            channel.close();
            StoreFolder.moveIntoPlace(pending, target);
            saved = true;
            StoreFolder.force(folder);
            // Only now is the answer in the token file: its journal can go (were this delete lost, the answer file is
            // older than the token file and never applied again).
            Files.deleteIfExists(answerFile);
        } catch (IOException | GeneralSecurityException e) {
            throw new OAuthMailException("cannot save the refreshed tokens of account " + account + " in " + dir + ": "
                    + e.getMessage(), "check free space and permissions of " + dir + "; if the provider rotated the "
                    + "refresh token, run: oauthmail login " + account, e);
        }
    }

    /**
     * Writes the sealed answer over the answer file's reserved room and forces it (data only: the size does not
     * change unless the answer outgrows the room). Its own file, not the pending one: the save writes the token
     * record over the pending file, and a process killed during that write must still find the answer whole. A
     * failure here is not fatal: the save right after it is the real one.
     */
    @Override
    public void journal(String answer, java.time.Instant receivedAt) {
        if (saveAttempted) {
            return;
        }
        try {
            ByteBuffer record = ByteBuffer.wrap(journals.seal(answer, receivedAt));
            answerChannel.position(0);
            while (record.hasRemaining()) {
                answerChannel.write(record);
            }
            journaled = true; // in the page cache now: a killed process no longer loses it
            answerChannel.force(false);
        } catch (IOException | GeneralSecurityException e) {
            // the save that follows reports any real trouble
        }
    }

    @Override
    public java.util.Optional<TokenStore.UnsavedAnswer> unsavedAnswer() {
        return unsaved;
    }

    @Override
    public boolean earlierRefreshUnfinished() {
        return earlierUnfinished;
    }

    /**
     * Without a save the reserved room is given back, unless the pending file is a journal to keep: this save
     * failed (the provider may have rotated), or an earlier refresh did not finish and none has saved since.
     */
    @Override
    public void close() {
        closeChannels();
        if (!saved && !saveAttempted && !earlierUnfinished && !journaled) {
            try {
                Files.deleteIfExists(pending);
                Files.deleteIfExists(answerFile);
            } catch (IOException ignored) {
                // a leftover pending file costs at most a less precise explanation later
            }
        }
    }

    /** After a failed reservation: the journal of an earlier refresh is kept (emptied), a new pending file removed. */
    private void giveBackRoom() {
        try {
            if (earlierUnfinished) {
                if (channel != null) {
                    channel.truncate(0);
                }
            } else {
                Files.deleteIfExists(pending);
                Files.deleteIfExists(answerFile);
            }
        } catch (IOException ignored) {
            // the failure being reported matters more
        }
    }

    private void closeChannels() {
        for (FileChannel open : new FileChannel[] {channel, answerChannel, folder}) {
            if (open != null) {
                try {
                    open.close();
                } catch (IOException ignored) {
                    // nothing was left to write through it
                }
            }
        }
    }

    private static TemporaryFailure noRoom(String account, Path dir, IOException e) {
        String why = String.valueOf(e.getMessage());
        if (why.contains("No space left")) {
            return new TemporaryFailure("cannot refresh account " + account + ": No space left in " + dir
                    + " for its new tokens", "free space in " + dir + "; the refresh token was not used, so nothing is lost", e);
        }
        return new TemporaryFailure("cannot refresh account " + account + ": its new tokens could not be prepared in "
                + dir + " (" + why + ")", "check the permissions of " + dir + "; the refresh token was not used, so "
                + "nothing is lost", e);
    }
}
