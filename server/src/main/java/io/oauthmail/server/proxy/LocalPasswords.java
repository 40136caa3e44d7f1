package io.oauthmail.server.proxy;

import io.oauthmail.error.OAuthMailException;
import io.oauthmail.store.OwnerOnlyFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The local passwords that legacy clients use to log in to the proxy, one per account, kept only as salted
 * slow hashes (PBKDF2-HMAC-SHA256, 210,000 iterations) in an owner-only file. They are not the store's key,
 * so a client that sends a different password gets a plain authentication failure, never a lost token.
 * File format, one line per account: {@code account<TAB>iterations<TAB>salt<TAB>hash} (base64).
 *
 * <p>The daemon shares one instance between its listeners, so it also keeps the {@link LoginThrottle} of client
 * addresses: failures count across IMAP, POP3 and SMTP alike.
 */
public final class LocalPasswords {

    static final int ITERATIONS = 210_000;

    private final Path file;
    /** For new passwords, and for the stand-in hash an unknown name costs (the same as a known one's). */
    private final int iterations;
    /**
     * Passwords verified before, as an HMAC under a key that lives only in this object: mail clients open
     * several sessions, each logging in, and 200 logins would otherwise cost 200 slow hashes (seconds of CPU)
     * for nothing. Guessing stays slow, because a wrong password never matches here. Someone who can read
     * this process's memory could test guesses at HMAC speed, but could read the access tokens outright.
     */
    private final Map<String, byte[]> verified = new ConcurrentHashMap<>();
    /**
     * Slow checks under way, by account line and candidate HMAC: a client opening ten sessions at once with a
     * password not yet verified pays for one hash, and the other nine wait for its answer. Entries leave when
     * their check ends, so this holds at most one per check running.
     */
    private final Map<String, CompletableFuture<Boolean>> checking = new ConcurrentHashMap<>();
    /**
     * At most one slow hash per two cores at a time (one on a small machine), whoever asks: however many guessers
     * there are, half the machine stays free for the sessions already logged in and the owner's next login, and
     * nothing waits on a lock held for another account's or another client's hash.
     */
    private final Semaphore hashing;
    private final AtomicLong slowHashes = new AtomicLong();
    private final SecretKeySpec macKey;
    private final LoginThrottle throttle;

    public LocalPasswords(Path file) {
        this(file, ITERATIONS, new LoginThrottle(LoginThrottle.Settings.DEFAULT, Clock.systemUTC()));
    }

    /** For tests: fewer iterations (fast hashes) and another throttle. */
    LocalPasswords(Path file, int iterations, LoginThrottle throttle) {
        this.file = file;
        this.iterations = iterations;
        this.throttle = throttle;
        this.hashing = new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors() / 2), true);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.macKey = new SecretKeySpec(key, "HmacSHA256");
    }

    /** Sets (or replaces) the password of {@code account}. */
    public synchronized void set(String account, char[] password) {
        if (password.length < 8) {
            throw new OAuthMailException("a local password needs at least 8 characters", "choose a longer one");
        }
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        Map<String, String> lines = read();
        lines.put(account, iterations + "\t" + b64(salt) + "\t" + b64(hash(password, salt, iterations)));
        write(lines);
    }

    /**
     * True if {@code password} is {@code account}'s local password. A password that was right before is recognised
     * in microseconds ({@link #knownGood}); any other costs one slow hash, for an unknown name too (against a
     * stand-in), so the two take the same time.
     */
    public boolean verify(String account, char[] password) {
        String line = read().get(account);
        String remembered = account + "\t" + line; // a changed password (new salt and hash) is never matched
        byte[] mac = mac(password);
        if (line != null && MessageDigest.isEqual(mac, verified.get(remembered))) {
            return true;
        }
        String key = remembered + "\t" + HexFormat.of().formatHex(mac);
        CompletableFuture<Boolean> mine = new CompletableFuture<>();
        CompletableFuture<Boolean> running = checking.putIfAbsent(key, mine);
        if (running != null) {
            return running.join();
        }
        try {
            boolean right = slowVerify(line, password);
            if (right) {
                verified.put(remembered, mac);
                synchronized (verified) {
                    verified.notifyAll(); // sessions waiting their address's turn with this password may go now
                }
            }
            mine.complete(right);
            return right;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            checking.remove(key, mine);
        }
    }

    /**
     * True if {@code password} was verified for {@code account} before (and the password has not changed since):
     * an HMAC and a lookup, no lock and no slow hash, so it answers at once however busy the hashes are.
     */
    boolean knownGood(String account, char[] password) {
        String line = read().get(account);
        byte[] mac = mac(password);
        return line != null && MessageDigest.isEqual(mac, verified.get(account + "\t" + line));
    }

    /**
     * Waits up to {@code most} for {@code password} to become known good for {@code account} (another session
     * verifying it); true as soon as it is, false when the time is up (or the thread is interrupted). A client
     * that opens ten sessions with its new password after a few typos waits for the first one's check, not for
     * ten turns of its address's throttle; a guess never becomes known good, so a guesser waits the whole time.
     */
    boolean knownGoodWithin(String account, char[] password, Duration most) {
        long deadline = System.nanoTime() + most.toNanos();
        synchronized (verified) {
            while (!knownGood(account, password)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    verified.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /** The throttle of client addresses that every listener sharing these passwords counts failures in. */
    LoginThrottle throttle() {
        return throttle;
    }

    /** Slow hashes computed so far: tests compare the work an unknown name and a wrong password cost. */
    long slowHashes() {
        return slowHashes.get();
    }

    private boolean slowVerify(String line, char[] password) {
        String[] parts = line == null ? new String[] {String.valueOf(iterations), b64(new byte[16]), b64(new byte[32])}
                : line.split("\t");
        byte[] expected = Base64.getDecoder().decode(parts[2]);
        hashing.acquireUninterruptibly();
        byte[] actual;
        try {
            actual = hash(password, Base64.getDecoder().decode(parts[1]), Integer.parseInt(parts[0]));
            slowHashes.incrementAndGet();
        } finally {
            hashing.release();
        }
        return line != null && MessageDigest.isEqual(expected, actual);
    }

    private Map<String, String> read() {
        Map<String, String> lines = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int tab = line.indexOf('\t');
                if (tab > 0) {
                    lines.put(line.substring(0, tab), line.substring(tab + 1));
                }
            }
        } catch (NoSuchFileException e) {
            return lines;
        } catch (IOException e) {
            throw new OAuthMailException("cannot read the local passwords in " + file + ": " + e.getMessage(), null, e);
        }
        return lines;
    }

    private void write(Map<String, String> lines) {
        StringBuilder text = new StringBuilder();
        lines.forEach((account, rest) -> text.append(account).append('\t').append(rest).append('\n'));
        try {
            OwnerOnlyFile.write(file, text.toString());
        } catch (IOException e) {
            throw new OAuthMailException("cannot save the local passwords in " + file + ": " + e.getMessage(), null, e);
        }
    }

    private static byte[] hash(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2 is not available in this JVM", e);
        } finally {
            spec.clearPassword();
        }
    }

    private byte[] mac(char[] password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(macKey);
            return mac.doFinal(new String(password).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
