package io.oauthmail.server.relay;

import io.oauthmail.server.relay.SpoolRecord.Header;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the index when a spool opens. Message files ({@code ID.msg}) make the queue, each with its state file
 * ({@code ID.json}) when it has one. Temp files are accepts that never finished (their client never heard 250)
 * and are deleted, as is a state file whose message is gone (a removal cut short). A message or state file that
 * cannot be read, and any file the spool did not write, goes to {@code quarantine/} (with its partner), logged by
 * id only; the rest is delivered.
 */
final class SpoolScan {

    static final String MESSAGE = ".msg";
    static final String STATE = ".json";
    static final String QUARANTINE = "quarantine";

    private static final Logger LOG = LoggerFactory.getLogger(SpoolScan.class);

    record Result(List<Header> messages, int quarantined) {
    }

    private final Path dir;
    private final SpoolRecord records;
    private int quarantined;

    SpoolScan(Path dir, SpoolRecord records) {
        this.dir = dir;
        this.records = records;
    }

    Result run() throws IOException {
        Set<String> messages = new HashSet<>();
        Set<String> states = new HashSet<>();
        List<Path> strangers = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.startsWith(SpoolFiles.TEMP_PREFIX)) {
                    Files.deleteIfExists(file); // we hold the lock: no one is about to rename it
                } else if (name.equals(SpoolLock.FILE) || name.equals(QUARANTINE)) {
                    continue;
                } else if (name.endsWith(MESSAGE) && SpoolIds.isId(stem(name)) && Files.isRegularFile(file)) {
                    messages.add(stem(name));
                } else if (name.endsWith(STATE) && SpoolIds.isId(stem(name)) && Files.isRegularFile(file)) {
                    states.add(stem(name));
                } else {
                    strangers.add(file);
                }
            }
        }
        List<Header> headers = new ArrayList<>();
        for (String id : messages) {
            boolean hasState = states.remove(id);
            try {
                headers.add(read(id, hasState));
            } catch (IOException e) {
                quarantine(id, e.getMessage());
            }
        }
        for (String orphan : states) {
            Path state = dir.resolve(orphan + STATE);
            if (records.isState(Files.readAllBytes(state))) {
                Files.deleteIfExists(state); // its message was delivered or deleted, and the removal was cut short
            } else {
                quarantine(orphan, "a state file without its message, not of this spool version");
            }
        }
        for (Path stranger : strangers) {
            String name = stranger.getFileName().toString();
            move(stranger, name);
            LOG.warn("relay spool: moved {} to {}: not a file of this spool version; the rest of the queue is delivered",
                    name, dir.resolve(QUARANTINE));
            quarantined++;
        }
        if (quarantined > 0) {
            SpoolFiles.forceFolder(dir.resolve(QUARANTINE));
            SpoolFiles.forceFolder(dir);
        }
        headers.sort((a, b) -> a.entry().id().value().compareTo(b.entry().id().value()));
        return new Result(headers, quarantined);
    }

    private Header read(String id, boolean hasState) throws IOException {
        Path file = dir.resolve(id + MESSAGE);
        Header header;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 8192)) {
            header = records.readHeader(in, Files.size(file));
        }
        if (!header.entry().id().value().equals(id)) {
            throw new IOException("its envelope names another id");
        }
        if (!hasState) {
            return header;
        }
        return new Header(records.withState(header.entry(), Files.readAllBytes(dir.resolve(id + STATE))), header.contentStart());
    }

    private void quarantine(String id, String problem) throws IOException {
        for (String suffix : List.of(STATE, MESSAGE)) {
            Path file = dir.resolve(id + suffix);
            if (Files.exists(file)) {
                move(file, id + suffix);
            }
        }
        quarantined++;
        LOG.warn("relay spool: message {} moved to {}: {}; the rest of the queue is delivered", id, dir.resolve(QUARANTINE), problem);
    }

    private void move(Path file, String name) throws IOException {
        Path quarantine = SpoolFiles.ownerOnlyFolder(dir.resolve(QUARANTINE));
        SpoolFiles.rename(file, quarantine.resolve(name));
    }

    private static String stem(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }
}
