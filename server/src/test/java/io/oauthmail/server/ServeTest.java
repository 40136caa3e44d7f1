package io.oauthmail.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oauthmail.error.OAuthMailException;
import io.oauthmail.runtime.OAuthMailRuntime;
import io.oauthmail.server.relay.FileSpool;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon built from a user's environment alone, without the command line: its listeners come from the config
 * file, a reload applies a changed file, a broken file changes nothing, and a stop closes everything.
 */
class ServeTest {

    @TempDir
    Path home;

    @Test
    void startsFromTheConfigReloadsItKeepsRunningOnABadFileAndStops() throws Exception {
        writeConfig(listener("imap"));
        StringWriter messages = new StringWriter();
        OAuthMailRuntime runtime = OAuthMailRuntime.fromEnvironment(Map.of("OAUTHMAIL_HOME", home.toString()), null);
        List<Integer> ports;
        try (Serve serve = Serve.start(runtime, List.of(), new PrintWriter(messages, true))) {
            assertThat(serve.socket()).isEqualTo(home.resolve("state/run/serve.sock")).exists();
            ports = ports(messages.toString(), "imap");
            assertThat(ports).hasSize(1);
            assertThat(greeting(ports.get(0))).startsWith("* OK");

            writeConfig(listener("imap") + listener("smtp"));
            assertThat(serve.reload()).contains("0 account(s), 2 proxy listener(s)");
            int smtp = ports(messages.toString(), "smtp").get(0);
            assertThat(greeting(smtp)).startsWith("220");

            Files.writeString(home.resolve("config.toml"), "[[listener]]\nprotocol = \"pigeon\"\n");
            assertThatThrownBy(serve::reload).isInstanceOf(OAuthMailException.class);
            assertThat(messages.toString()).contains("reload refused, the running configuration stays");
            assertThat(greeting(smtp)).as("the listeners of the last good file still serve").startsWith("220");
        }
        assertThat(home.resolve("state/run/serve.sock")).doesNotExist();
        assertThatThrownBy(() -> greeting(ports.get(0))).isInstanceOf(IOException.class);
    }

    @Test
    void aRelayListenerQueuesIntoTheStateFolderAndKeepsItsQueueAcrossAReload() throws Exception {
        writeConfig(listener("relay"));
        StringWriter messages = new StringWriter();
        OAuthMailRuntime runtime = OAuthMailRuntime.fromEnvironment(Map.of("OAUTHMAIL_HOME", home.toString()), null);
        try (Serve serve = Serve.start(runtime, List.of(), new PrintWriter(messages, true))) {
            assertThat(messages.toString()).contains("relay queue in " + home.resolve("state/relay") + ": 0 message(s) waiting")
                    .contains(", queued for delivery");
            assertThat(greeting(ports(messages.toString(), "relay").get(0))).startsWith("220").contains("oauthmail relay");

            assertThat(serve.reload()).contains("1 proxy listener(s)");
            List<Integer> ports = ports(messages.toString(), "relay");
            assertThat(greeting(ports.get(ports.size() - 1))).startsWith("220");
        }
        try (FileSpool spool = FileSpool.open(home.resolve("state/relay"),
                FileSpool.Limits.defaults(), Clock.systemUTC())) {
            assertThat(spool.list()).as("the stopped daemon let go of its spool").isEmpty();
        }
    }

    private static String listener(String protocol) {
        return "[[listener]]\nprotocol = \"" + protocol + "\"\nlisten = \"127.0.0.1:0\"\n\n";
    }

    private void writeConfig(String text) throws IOException {
        Files.writeString(home.resolve("config.toml"), text);
    }

    /** The ports the daemon said its {@code protocol} listeners took, in order. */
    private static List<Integer> ports(String messages, String protocol) {
        Matcher matcher = Pattern.compile("proxy " + protocol + " on 127\\.0\\.0\\.1:(\\d+)").matcher(messages);
        List<Integer> ports = new ArrayList<>();
        while (matcher.find()) {
            ports.add(Integer.parseInt(matcher.group(1)));
        }
        return ports;
    }

    private static String greeting(int port) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            byte[] line = new byte[200];
            int read = socket.getInputStream().read(line);
            return new String(line, 0, Math.max(read, 0), StandardCharsets.US_ASCII);
        }
    }
}
