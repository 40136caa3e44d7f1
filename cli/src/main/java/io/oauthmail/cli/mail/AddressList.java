package io.oauthmail.cli.mail;

import io.oauthmail.error.OAuthMailException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A recipient list file for {@code send --each-to}: one address per line, blank lines and # comments ignored.
 * Read line by line as the send goes, never whole, so a list of any length takes the same memory.
 */
final class AddressList implements Iterator<String>, AutoCloseable {

    private final Path file;
    private final BufferedReader reader;
    private String next;

    private AddressList(Path file, BufferedReader reader) {
        this.file = file;
        this.reader = reader;
    }

    /** Opens {@code file} for reading its addresses in order. */
    static AddressList open(Path file) {
        try {
            return new AddressList(file, Files.newBufferedReader(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    /** How many addresses {@code file} lists (a first pass, for the progress bar). */
    static long count(Path file) {
        long count = 0;
        try (AddressList list = open(file)) {
            while (list.hasNext()) {
                list.next();
                count++;
            }
        }
        return count;
    }

    @Override
    public boolean hasNext() {
        try {
            while (next == null) {
                String line = reader.readLine();
                if (line == null) {
                    return false;
                }
                String address = line.strip();
                if (!address.isEmpty() && !address.startsWith("#")) {
                    next = address;
                }
            }
            return true;
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    @Override
    public String next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        String address = next;
        next = null;
        return address;
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException ignored) {
            // read-only: nothing is lost
        }
    }

    private static OAuthMailException unreadable(Path file, IOException e) {
        return new OAuthMailException("cannot read the recipient list " + file + ": " + e.getMessage(),
                "give a readable UTF-8 file with one address per line", e);
    }
}
