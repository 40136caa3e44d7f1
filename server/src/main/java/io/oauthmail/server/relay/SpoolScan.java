package io.oauthmail.server.relay;

import io.oauthmail.server.relay.RelayQueue.Entry;
import java.io.IOException;
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
 * Rebuilds the index when a spool opens: metadata files make the queue; temp files and content without metadata
 * are accepts that never finished (their client never heard 250) and are deleted; a metadata file that cannot be
 * read, or whose content is missing or of another size, goes to {@code quarantine/} with its content, logged by id
 * only, and the rest is delivered.
 */
final class SpoolScan {

    static final String CONTENT = ".eml";
    static final String META = ".json";
    static final String QUARANTINE = "quarantine";

    private static final Logger LOG = LoggerFactory.getLogger(SpoolScan.class);

    record Result(List<Entry> entries, int quarantined) {
    }

    private final Path dir;
    private final SpoolRecord records;

    SpoolScan(Path dir, SpoolRecord records) {
        this.dir = dir;
        this.records = records;
    }

    Result run() throws IOException {
        List<Entry> entries = new ArrayList<>();
        Set<String> contents = new HashSet<>();
        List<String> metas = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.startsWith(SpoolFiles.TEMP_PREFIX)) {
                    Files.deleteIfExists(file); // we hold the lock: no one is about to rename it
                } else if (name.endsWith(CONTENT) && Files.isRegularFile(file)) {
                    contents.add(stem(name, CONTENT));
                } else if (name.endsWith(META) && Files.isRegularFile(file)) {
                    metas.add(stem(name, META));
                }
            }
        }
        int quarantined = 0;
        for (String id : metas) {
            String problem = check(id, contents, entries);
            if (problem != null) {
                quarantine(id, problem);
                quarantined++;
            }
            contents.remove(id);
        }
        for (String unfinished : contents) {
            LOG.info("relay spool: dropped the content of an accept that never finished ({}{})", unfinished, CONTENT);
            Files.deleteIfExists(dir.resolve(unfinished + CONTENT));
        }
        entries.sort((a, b) -> a.id().value().compareTo(b.id().value()));
        return new Result(entries, quarantined);
    }

    /** Reads one message's metadata into {@code entries}; returns what is wrong with it, or null. */
    private String check(String id, Set<String> contents, List<Entry> entries) {
        if (!SpoolIds.isId(id)) {
            return "not a spool file name";
        }
        if (!contents.contains(id)) {
            return "its content file is missing";
        }
        try {
            Entry entry = records.read(Files.readAllBytes(dir.resolve(id + META)));
            if (!entry.id().value().equals(id)) {
                return "its metadata names another id";
            }
            long size = Files.size(dir.resolve(id + CONTENT));
            if (size != entry.size()) {
                return "its content is " + size + " bytes, " + entry.size() + " were accepted";
            }
            entries.add(entry);
            return null;
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    private void quarantine(String id, String problem) throws IOException {
        Path quarantine = SpoolFiles.ownerOnlyFolder(dir.resolve(QUARANTINE));
        for (String suffix : List.of(META, CONTENT)) {
            Path file = dir.resolve(id + suffix);
            if (Files.exists(file)) {
                SpoolFiles.rename(file, quarantine.resolve(id + suffix));
            }
        }
        SpoolFiles.forceFolder(quarantine);
        SpoolFiles.forceFolder(dir);
        LOG.warn("relay spool: message {} moved to {}: {}; the rest of the queue is delivered", id, quarantine, problem);
    }

    private static String stem(String name, String suffix) {
        return name.substring(0, name.length() - suffix.length());
    }
}
